"""KerasTuner's four tuners, each an Optuna sampler (and, for Hyperband, a pruner) behind `Tuner`'s loop.

Example:
    >>> import numpy as np, layerwise, tempfile
    >>> from layerwise.layers import Dense
    >>> def build_model(hp):
    ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)),
    ...                                   Dense(hp.Int("units", 2, 4, step=2), activation="relu"),
    ...                                   Dense(2, activation="softmax")])
    ...     model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    ...     return model
    >>> x, y = np.eye(2, dtype="float32"), np.array([0, 1])
    >>> tuner = GridSearch(build_model, objective="accuracy", directory=tempfile.mkdtemp())
    >>> _ = tuner.search(x, y, epochs=1, verbose=0)
    >>> sorted(row["units"] for row in tuner.results())
    [2, 4]
"""

from layerwise.tuning.hyperparameters import grid_size, grid_space
from layerwise.tuning.tuner import Tuner
from layerwise.utils._arguments import check_integer

__all__ = ["BayesianOptimization", "GridSearch", "Hyperband", "RandomSearch"]


class RandomSearch(Tuner):
    """Each trial's values drawn independently from the space (Optuna's RandomSampler); see `Tuner`.

    Example:
        Two trials, each with a learning rate drawn from [0.1, 0.5]:

        >>> import tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build_model(hp):
        ...     output = layerwise.layers.Dense(2, activation="softmax", kernel_initializer="zeros")
        ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)), output])
        ...     model.compile(optimizer=layerwise.optimizers.SGD(hp.Float("learning_rate", 0.1, 0.5)),
        ...                   loss="sparse_categorical_crossentropy")
        ...     return model
        >>> x, y = np.eye(2), np.array([0, 1])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = RandomSearch(build_model, objective="loss", max_trials=2, directory=directory)
        ...     rows = tuner.search(x, y, epochs=3, verbose=0).results()
        >>> [row["state"] for row in rows], all(0.1 <= row["learning_rate"] <= 0.5 for row in rows)
        (['complete', 'complete'], True)
    """

    def _sampler(self, optuna, seed):
        return optuna.samplers.RandomSampler(seed=seed)


class GridSearch(Tuner):
    """Every point of the grid the hyperparameters' steps and choices span, in a seeded random order (Optuna's
    GridSampler), at most ``max_trials`` of them (all by default). Every hyperparameter needs a grid: a step,
    or a Choice; ``build_model`` is called once with the defaults to find them, so a hyperparameter asked for
    only on another branch is not in the grid (and fails its trials). See `Tuner`.

    Example:
        The grid of two learning rates is two trials; with zero weights and a learning rate of 0 the
        loss stays at ln 2 = 0.6931:

        >>> import tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build_model(hp):
        ...     output = layerwise.layers.Dense(2, activation="softmax", kernel_initializer="zeros")
        ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)), output])
        ...     model.compile(optimizer=layerwise.optimizers.SGD(hp.Choice("learning_rate", [0.0, 0.5])),
        ...                   loss="sparse_categorical_crossentropy")
        ...     return model
        >>> x, y = np.eye(2), np.array([0, 1])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = GridSearch(build_model, objective="loss", directory=directory)
        ...     rows = tuner.search(x, y, epochs=3, verbose=0).results()
        ...     best = tuner.get_best_hyperparameters()[0]
        >>> sorted((row["learning_rate"], round(row["value"], 4)) for row in rows)
        [(0.0, 0.6931), (0.5, 0.4859)]
        >>> best.get("learning_rate")
        0.5
    """

    _whole_space = True

    def __init__(self, build_model, max_trials=None, **kwargs):
        super().__init__(build_model, max_trials=max_trials, **kwargs)
        self.space = grid_space(build_model)

    def _sampler(self, optuna, seed):
        class AskAndTellGridSampler(optuna.samplers.GridSampler):
            """Optuna's GridSampler without its stop after the last point: it calls Study.stop, which raises
            outside study.optimize (optuna/optuna#5141); the search stops there anyway, by its budget."""

            def after_trial(self, study, trial, state, values):
                pass

        # Always the tuner's own seed: the grid ids the trials record index the grid as this seed shuffles it,
        # so a resumed search must shuffle it the same way to know which points it has visited.
        return AskAndTellGridSampler(self.space, seed=self.seed)

    def _budget(self):
        size = grid_size(self.space)
        return size if self.max_trials is None else min(self.max_trials, size)


class BayesianOptimization(Tuner):
    """Values proposed by a Tree-structured Parzen Estimator (Optuna's TPESampler): after
    ``num_initial_points`` random trials, each trial maximizes the ratio l(x)/g(x) of the densities of the
    values of the best trials (a fraction gamma of them) and of the rest (Bergstra et al., 2011). With
    several workers, running trials count as bad ones ("constant liar") so that workers do not all propose
    the same point. See `Tuner`.

    Example:
        Two random trials, then one the estimator proposes:

        >>> import tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build_model(hp):
        ...     output = layerwise.layers.Dense(2, activation="softmax", kernel_initializer="zeros")
        ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)), output])
        ...     model.compile(optimizer=layerwise.optimizers.SGD(hp.Float("learning_rate", 0.1, 0.5)),
        ...                   loss="sparse_categorical_crossentropy")
        ...     return model
        >>> x, y = np.eye(2), np.array([0, 1])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = BayesianOptimization(build_model, objective="loss", max_trials=3, num_initial_points=2,
        ...                                  directory=directory)
        ...     rows = tuner.search(x, y, epochs=3, verbose=0).results()
        >>> [row["trial"] for row in rows], all(0.1 <= row["learning_rate"] <= 0.5 for row in rows)
        ([0, 1, 2], True)

    References:
        Bergstra, Bardenet, Bengio and Kégl, "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
    """

    def __init__(self, build_model, num_initial_points=10, **kwargs):
        super().__init__(build_model, **kwargs)
        self.num_initial_points = check_integer(num_initial_points, "num_initial_points", "BayesianOptimization")

    def _sampler(self, optuna, seed):
        return optuna.samplers.TPESampler(n_startup_trials=self.num_initial_points, seed=seed)


class Hyperband(Tuner):
    """Random values, trained for up to ``max_epochs`` epochs, with Optuna's HyperbandPruner stopping the
    trials whose objective, reported after each epoch, falls behind (Li et al., 2018).

    Hyperband runs several brackets of successive halving side by side, each trial assigned to one: in a
    bracket, after min_epochs * factor^k epochs only the best 1/factor of the trials that got there go on,
    and the brackets differ in how early the first cut comes, hedging between many short trials and a few
    long ones. Pruned trials count toward ``max_trials``. See `Tuner`.

    Example:
        Three trials of at most 3 epochs each (``search`` takes no ``epochs``: ``max_epochs`` says it):

        >>> import tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build_model(hp):
        ...     output = layerwise.layers.Dense(2, activation="softmax", kernel_initializer="zeros")
        ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)), output])
        ...     model.compile(optimizer=layerwise.optimizers.SGD(hp.Choice("learning_rate", [0.0, 0.5])),
        ...                   loss="sparse_categorical_crossentropy")
        ...     return model
        >>> x, y = np.eye(2), np.array([0, 1])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = Hyperband(build_model, objective="loss", max_epochs=3, max_trials=3, directory=directory)
        ...     rows = tuner.search(x, y, verbose=0).results()
        >>> len(rows), all(row["state"] in ("complete", "pruned") and row["epochs"] <= 3 for row in rows)
        (3, True)

    References:
        Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar, "Hyperband: A Novel Bandit-Based Approach to
        Hyperparameter Optimization", JMLR 2018.
    """

    def __init__(self, build_model, max_epochs, factor=3, min_epochs=1, **kwargs):
        super().__init__(build_model, **kwargs)
        self.max_epochs = check_integer(max_epochs, "max_epochs", "Hyperband")
        self.factor = check_integer(factor, "factor", "Hyperband", minimum=2)
        self.min_epochs = check_integer(min_epochs, "min_epochs", "Hyperband")
        if self.pruner is not None:
            raise ValueError(f"Hyperband prunes with Optuna's HyperbandPruner; received pruner={self.pruner!r}")

    def _sampler(self, optuna, seed):
        return optuna.samplers.RandomSampler(seed=seed)

    def _epochs(self, epochs):
        if epochs is not None and epochs != self.max_epochs:
            raise ValueError(f"Hyperband.search: each trial trains up to max_epochs={self.max_epochs}; "
                             f"received epochs={epochs!r}")
        return self.max_epochs

    def _make_pruner(self, optuna, epochs):
        return optuna.pruners.HyperbandPruner(min_resource=self.min_epochs, max_resource=epochs,
                                              reduction_factor=self.factor)

    def search(self, x, y=None, epochs=None, **kwargs):
        """As `Tuner.search`, each trial training up to ``max_epochs`` epochs."""
        return super().search(x, y, epochs, **kwargs)
