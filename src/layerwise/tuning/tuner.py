"""The tuner: KerasTuner's workflow on Optuna's ask-and-tell interface, its trials run by an executor.

A search repeats: ask the study for a trial, build the model with an ``hp`` bound to it (so Optuna's sampler
chooses each value as ``build_model`` asks for it), send the chosen values to the executor, which trains
the model (`layerwise.tuning._trial.run_trial`), and tell the study the objective's value when it returns.
The executor draws a new trial only as a worker frees up, so an adaptive sampler (TPE) always proposes from
every result told so far. A pruner (Hyperband, successive halving) reads the values each training reports
after every epoch and stops the trials it judges hopeless.

The study lives in Optuna storage: by default an SQLite file ``DIRECTORY/PROJECT/study.db`` (any database
URL Optuna accepts for a cluster), beside each trial's model ``trial_NNNN/model.keras`` and the results
table. A search run again in the same directory continues: finished trials (complete or pruned) are kept
and count toward ``max_trials``; trials an interrupted run left unfinished are marked failed and run anew.

Reproducibility: trial N trains from seed ``seed + N``; a search's sampler is seeded with ``seed`` plus the
number of trials the study already holds (so a resumed random search draws new values), a grid's with ``seed``
alone (so a resumed grid search knows the points it visited). Random and grid searches propose the same
trials whatever the executor (they read nothing of the results), so a search in-process and one on a Dask
cluster give the same numbers; TPE and the pruners read the results told so far, so with several workers
their choices depend on which trial finishes first.
"""

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from layerwise.tuning import _report
from layerwise.tuning._trial import run_trial
from layerwise.tuning.executors import InProcess
from layerwise.tuning.hyperparameters import HyperParameters
from layerwise.utils._arguments import check_integer

#: Objectives whose direction the tuner knows from the name: the end of the name says it.
_MINIMIZED, _MAXIMIZED = ("loss", "error"), ("accuracy", "acc", "auc", "precision", "recall")


@dataclass(frozen=True)
class Objective:
    """What the search optimizes: a log of `fit` (``"val_accuracy"``) and whether higher is better.

    Args:
        name: the log's name.
        direction: "max" or "min".

    Example:
        >>> Objective.get("val_loss")
        Objective(name='val_loss', direction='min')
        >>> Objective.get("val_accuracy").direction
        'max'
        >>> Objective("val_f1", "max")  # a log whose name does not tell its direction
        Objective(name='val_f1', direction='max')
    """

    name: str
    direction: str

    def __post_init__(self):
        if self.direction not in ("max", "min"):
            raise ValueError(f"Objective {self.name!r}: direction must be 'max' or 'min', received "
                             f"{self.direction!r}")

    @classmethod
    def get(cls, objective) -> "Objective":
        """An Objective, or a log's name whose direction its ending tells (…loss, …accuracy)."""
        if isinstance(objective, cls):
            return objective
        if not isinstance(objective, str):
            raise TypeError(f"objective must be a log's name or an Objective, received {objective!r}")
        for endings, direction in ((_MINIMIZED, "min"), (_MAXIMIZED, "max")):
            if objective.endswith(endings):
                return cls(objective, direction)
        raise ValueError(f"objective {objective!r}: its direction is unknown; pass "
                         f"Objective({objective!r}, 'max') or Objective({objective!r}, 'min')")


def _optuna():
    try:
        import optuna
    except ImportError as error:
        raise ImportError("layerwise's tuners search with Optuna: pip install 'layerwise[tune]'") from error
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


class Tuner:
    """The base of the tuners: a search's configuration, its loop and its results.

    Args:
        build_model: ``build_model(hp)`` returns a compiled model, asking ``hp`` for its hyperparameters.
            For a process pool it must be importable (a module's top-level function).
        objective: the log to optimize (``"val_accuracy"``, ``"val_loss"``), or an `Objective`.
        max_trials: how many trials the search finishes (complete or pruned), counting those a previous run
            in the same directory finished.
        seed: trial N trains from seed ``seed + N``; the sampler is seeded from it too.
        directory, project_name: the search's files go to ``directory/project_name``.
        executor: where trials run (`layerwise.tuning.executors`; default `InProcess`).
        storage: an Optuna storage URL (default: SQLite in the project's directory).
        overwrite: start afresh, deleting a previous search's project directory.
        pruner: None, "hyperband", "successive_halving" or an Optuna pruner.

    Example:
        The workflow, with `layerwise.tuning.GridSearch` (every tuner is a Tuner): search, then read the best
        trial's hyperparameters and trained model.

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
        >>> from layerwise.tuning import GridSearch
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = GridSearch(build_model, objective="loss", directory=directory, project_name="demo")
        ...     _ = tuner.search(x, y, epochs=3, verbose=0)
        ...     best_model = tuner.get_best_models(1)[0]
        ...     best_hp = tuner.get_best_hyperparameters(1)[0]
        >>> isinstance(tuner, Tuner), tuner.objective, len(tuner.results())
        (True, Objective(name='loss', direction='min'), 2)
        >>> best_hp
        HyperParameters({'learning_rate': 0.5})
        >>> best_model.predict(x, verbose=0).shape
        (2, 2)
    """

    def __init__(self, build_model, objective="val_accuracy", max_trials=10, seed=0, directory=".",
                 project_name="untitled_project", executor=None, storage=None, overwrite=False, pruner=None):
        name = type(self).__name__
        if not callable(build_model):
            raise TypeError(f"{name}: build_model must be a function of hp, received {build_model!r}")
        self.build_model, self.objective = build_model, Objective.get(objective)
        self.max_trials = check_integer(max_trials, "max_trials", name, allow_none=self._whole_space)
        self.seed = check_integer(seed, "seed", name, minimum=0)
        self.project_name, self.project_dir = project_name, Path(directory) / project_name
        if overwrite and self.project_dir.exists():
            shutil.rmtree(self.project_dir)
        self.storage = storage or f"sqlite:///{(self.project_dir / 'study.db').resolve()}"
        self.executor = executor or InProcess()
        self.pruner = pruner
        self.study = None

    # ---- what a tuner chooses ------------------------------------------------------------------
    #: Whether max_trials may be None: the search then covers its whole (finite) space.
    _whole_space = False

    def _sampler(self, optuna, seed):
        raise NotImplementedError

    def _budget(self) -> int:
        """How many finished trials the search aims at."""
        return self.max_trials

    def _epochs(self, epochs):
        return check_integer(epochs, "epochs", f"{type(self).__name__}.search")

    def _make_pruner(self, optuna, epochs):
        """The study's pruner: none, Hyperband's or successive halving's (``epochs`` the most a trial trains),
        or the one given."""
        if self.pruner is None or isinstance(self.pruner, optuna.pruners.BasePruner):
            return self.pruner
        if self.pruner == "hyperband":
            return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=epochs)
        if self.pruner == "successive_halving":
            return optuna.pruners.SuccessiveHalvingPruner()
        raise ValueError(f"{type(self).__name__}: pruner must be None, 'hyperband', 'successive_halving' or an "
                         f"Optuna pruner, received {self.pruner!r}")

    # ---- the search ----------------------------------------------------------------------------
    def _open(self, epochs):
        """The study in storage (created, or continued), with this search's sampler and pruner."""
        optuna = _optuna()
        self.project_dir.mkdir(parents=True, exist_ok=True)
        direction = {"max": "maximize", "min": "minimize"}[self.objective.direction]
        study = optuna.create_study(storage=self.storage, study_name=self.project_name, direction=direction,
                                    load_if_exists=True)
        if study.direction.name.lower() != direction:
            raise ValueError(f"{self.storage}: the study {self.project_name!r} {study.direction.name.lower()}s; "
                             f"this search would {direction} {self.objective.name!r} (overwrite=True starts afresh)")
        for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            # Left running by an interrupted search (one search at a time runs on a study): run anew.
            study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
        study.sampler = self._sampler(optuna, self.seed + len(study.trials))
        study.pruner = self._make_pruner(optuna, epochs)
        self.study = study
        return study

    def search(self, x, y=None, epochs=1, validation_data=None, verbose=1, **fit_kwargs):
        """Run trials until ``max_trials`` have finished: each builds a model and fits it on ``x, y`` for
        ``epochs`` epochs (fit's other arguments pass through), judged by the objective after its last epoch.

        Returns:
            the tuner, its results written to ``results.csv`` and ``results.json`` in the project directory.
        """
        optuna = _optuna()
        epochs = self._epochs(epochs)
        study = self._open(epochs)
        finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        remaining = self._budget() - len(study.get_trials(deepcopy=False, states=finished))
        asked = {}

        def configurations():
            for _ in range(max(0, remaining)):
                trial = study.ask()
                asked[trial.number] = trial
                hp = HyperParameters()
                hp.trial = trial
                self.build_model(hp)
                yield {"number": trial.number, "values": hp.values, "seed": self.seed + trial.number,
                       "build_model": self.build_model, "objective": self.objective.name,
                       "fit": {"epochs": epochs, **fit_kwargs}, "storage": self.storage,
                       "study_name": self.project_name, "pruner": study.pruner,
                       # Optuna has no public accessor for the id a Trial is opened again by, in a worker.
                       "trial_id": trial._trial_id, "model_path": str(self.model_path(trial.number))}

        try:
            for configuration, result in self.executor.map(run_trial, configurations(),
                                                           shared=(x, y, validation_data)):
                self._tell(asked.pop(configuration["number"]), configuration, result, verbose)
                _report.write_results(self)
        finally:
            for trial in asked.values():  # asked, but the search stopped before they were told
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
        return self

    def _tell(self, trial, configuration, result, verbose):
        optuna = _optuna()
        # One attribute, so one write to storage (each is a transaction: 20-30 ms on SQLite here).
        trial.set_user_attr("training", {"epochs": result["epochs"], "seconds": result["seconds"],
                                         "seed": configuration["seed"], "history": result["history"]})
        state = (optuna.trial.TrialState.PRUNED if result["pruned"]
                 else optuna.trial.TrialState.COMPLETE if not math.isnan(result["value"])
                 else optuna.trial.TrialState.FAIL)
        self.study.tell(trial, None if state != optuna.trial.TrialState.COMPLETE else result["value"], state=state)
        if verbose:
            print(f"trial {trial.number}: {self.objective.name} {result['value']:.4f} "
                  f"{state.name.lower()} after {result['epochs']} epochs ({result['seconds']:.1f} s) "
                  f"{configuration['values']}", flush=True)

    # ---- the results ---------------------------------------------------------------------------
    def model_path(self, number) -> Path:
        """Where trial ``number``'s trained model is saved."""
        return self.project_dir / f"trial_{number:04d}" / "model.keras"

    def _loaded(self):
        if self.study is None:
            optuna = _optuna()
            try:
                self.study = optuna.load_study(study_name=self.project_name, storage=self.storage)
            except KeyError:
                raise ValueError(f"no search {self.project_name!r} in {self.storage}: run search first") from None
        return self.study

    def get_best_trials(self, num_trials=1) -> list:
        """The best ``num_trials`` complete trials (Optuna FrozenTrials), best first."""
        optuna = _optuna()
        trials = self._loaded().get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        sign = -1 if self.objective.direction == "max" else 1
        return sorted(trials, key=lambda trial: (sign * trial.value, trial.number))[:num_trials]

    def get_best_hyperparameters(self, num_trials=1) -> list:
        """The `HyperParameters` of the best ``num_trials`` complete trials, best first."""
        return [HyperParameters(trial.params) for trial in self.get_best_trials(num_trials)]

    def get_best_models(self, num_trials=1) -> list:
        """The trained models of the best ``num_trials`` complete trials, best first."""
        from layerwise.models import load_model

        return [load_model(self.model_path(trial.number)) for trial in self.get_best_trials(num_trials)]

    def results(self) -> list:
        """One row per finished or failed trial: number, state, objective value, epochs, seconds, seed and the
        hyperparameters."""
        return _report.rows(self)

    def results_summary(self, num_trials=10) -> None:
        """Print the best trials, KerasTuner's way: each one's hyperparameters and score."""
        print(_report.summary(self, num_trials))

    def plot(self, directory=None) -> list:
        """Draw the search (optimization history, parameter importances) as PNG files in ``directory`` (the
        project's by default); return their paths."""
        return _report.plot(self, Path(directory or self.project_dir))
