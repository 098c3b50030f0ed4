"""One trial of a search, as a worker runs it: build the model with the trial's values, train it, report each
epoch's objective to Optuna (which may prune it), save it, and return what the tuner tells the study.

`run_trial` is a top-level function of plain arguments, so any executor can ship it: the configuration names
the study by its storage URL, and the worker opens the study there (a trial on another machine needs a
storage and a directory both can reach: a database URL, a shared file system).
"""

import math
import time
from pathlib import Path

from layerwise.callbacks import Callback
from layerwise.tuning.hyperparameters import HyperParameters


class ReportToOptuna(Callback):
    """After each epoch, report the objective's value to an Optuna trial (step = epochs trained so far) and,
    before the last epoch, stop training when its pruner says the trial is not worth finishing.

    Args:
        trial: an ``optuna.trial.Trial``.
        objective: the name of the log to report ("val_accuracy").
    """

    writes_weights = False

    def __init__(self, trial, objective):
        super().__init__()
        self.trial, self.objective, self.pruned = trial, objective, False

    def on_epoch_end(self, epoch, logs=None):
        self.trial.report(objective_value(logs or {}, self.objective, epoch), epoch + 1)
        # After the last epoch there is nothing left to save: the trial is complete, whatever its rank.
        if epoch + 1 < self.params["epochs"] and self.trial.should_prune():
            self.pruned = self.model.stop_training = True


def objective_value(logs, objective, epoch) -> float:
    """The objective's value in one epoch's logs; a clear error when the model does not log it."""
    if objective not in logs:
        raise ValueError(f"the objective {objective!r} is not among epoch {epoch + 1}'s logs {sorted(logs)}: "
                         "compile with the metric (metrics=['accuracy']) and pass validation_data for a val_ one")
    value = float(logs[objective])
    return value if math.isfinite(value) else math.nan


def _optuna_trial(configuration):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=configuration["study_name"], storage=configuration["storage"],
                              pruner=configuration["pruner"])
    return optuna.trial.Trial(study, configuration["trial_id"])


def run_trial(configuration, data) -> dict:
    """Train one model: ``configuration`` holds build_model, the values, the seed, fit's arguments, the
    objective, the study (for pruning) and where to save the model; ``data`` is ``(x, y, validation_data)``.

    Returns:
        ``{"value", "pruned", "epochs", "seconds", "history"}``: the objective's value after the last epoch
        trained, whether the pruner stopped it, and the training history.
    """
    import layerwise

    start = time.perf_counter()
    x, y, validation_data = data
    layerwise.utils.set_random_seed(configuration["seed"])
    model = configuration["build_model"](HyperParameters(configuration["values"]))
    callbacks = []
    if configuration["pruner"] is not None:
        callbacks.append(ReportToOptuna(_optuna_trial(configuration), configuration["objective"]))
    history = model.fit(x, y, validation_data=validation_data, callbacks=callbacks, verbose=0,
                        **configuration["fit"])
    epochs = len(history.epoch)
    value = objective_value({key: values[-1] for key, values in history.history.items()},
                            configuration["objective"], epochs - 1)
    path = Path(configuration["model_path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return {"value": value, "pruned": bool(callbacks and callbacks[0].pruned), "epochs": epochs,
            "seconds": time.perf_counter() - start,
            "history": {key: [float(value) for value in values] for key, values in history.history.items()}}
