"""``layerwise train CONFIG.toml`` and ``layerwise gradcheck CONFIG.toml``: a run described in one file.

``train`` writes into the output directory: ``model.keras`` (the trained model), ``history.csv`` (each epoch's
loss, metrics and diagnostics), ``diagnostics/<callback>.csv`` (every record of each diagnostic), ``plots/``
(training curves, gradient flow, dead units; with matplotlib) and, while it runs, ``backup/``
(`BackupAndRestore` after each epoch). Ctrl-C stops after the current batch and saves the whole training
state there; ``--resume`` restores it and continues from the next batch, ending with the weights an
uninterrupted run would have.
"""

import os
import shutil
import signal
import sys

from layerwise.callbacks import Callback
from layerwise.callbacks.backup_and_restore import read_training_state, write_training_state
from layerwise.cli.data import dataset_split, targets_for
from layerwise.cli.run_config import ConfigError, RunConfig

_DIAGNOSTICS = {"gradient_flow": "GradientFlow", "dead_units": "DeadUnits", "activation_stats": "ActivationStats",
                "weight_stats": "WeightStats"}


def build_model(config):
    """The configured model: a saved one, or an `Input` and the listed layers."""
    import layerwise
    from layerwise.layers.serialization import deserialize

    model = config.section("model")
    if "file" in model:
        return layerwise.models.load_model(config.resolve(model["file"]))
    try:
        layers = [deserialize({"config": {}, **layer}) for layer in model["layers"]]
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{config.path}: [model] layers: {error}") from None
    return layerwise.Sequential([layerwise.Input(shape=tuple(model["input_shape"])), *layers])


def load_data(config, model):
    """(x, y) of the configured data, x shaped for the model and y for its loss."""
    import numpy as np

    data = config.section("data")
    limit = data.get("limit")
    if "dataset" in data:
        try:
            x, y = dataset_split(data["dataset"], "train", model, limit)
        except ValueError as error:
            raise ConfigError(f"{config.path}: [data] dataset: {error}") from None
    else:
        try:
            x, y = (np.load(config.resolve(data[key]), allow_pickle=False)[:limit] for key in ("x", "y"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"{config.path}: [data]: {error}") from None
    return x, targets_for(model, y)


def _compile(config, model):
    settings = config.section("compile")
    try:
        model.compile(optimizer=settings["optimizer"], loss=settings["loss"], metrics=settings.get("metrics"))
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{config.path}: [compile]: {error}") from None


def _listed_callbacks(config, directory):
    """The run file's [[callbacks]], a ModelCheckpoint's filepath taken relative to the output directory."""
    import layerwise.callbacks

    callbacks = []
    for entry in config.raw.get("callbacks", []):
        options = dict(entry.get("config", {}))
        if "filepath" in options:
            options["filepath"] = os.path.join(directory, options["filepath"])
        try:
            callbacks.append(getattr(layerwise.callbacks, entry["class_name"])(**options))
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{config.path}: [[callbacks]] {entry['class_name']}: {error}") from None
    return callbacks


def _diagnostics(config, x, directory, resume):
    import layerwise.diagnostics as diagnostics

    callbacks = []
    os.makedirs(os.path.join(directory, "diagnostics"), exist_ok=True)
    for key, options in config.section("diagnostics").items():
        options = dict(options)
        if "probe" in options:
            options["probe_x"] = x[:options.pop("probe")]
        path = os.path.join(directory, "diagnostics", f"{key}.csv")
        try:
            callbacks.append(getattr(diagnostics, _DIAGNOSTICS[key])(path=path, append=resume, **options))
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{config.path}: [diagnostics] {key}: {error}") from None
    return callbacks


class _Interrupted(Exception):
    """Ctrl-C was pressed: training left off after a batch, its state saved."""


class _StopOnInterrupt(Callback):
    """While active, Ctrl-C ends training after the current batch, saving the whole training state there
    (``backup/interrupted.lw``: weights, optimizer, generators, and the epoch's position, order and running
    totals); at the start of a resumed run it restores that state and `fit` continues from the next batch.

    It leaves `fit` by an exception, not by ``stop_training``, so that the cut-short epoch's end is never
    run: no backup, history row or diagnostics record claims an epoch that did not finish. Listed after
    `BackupAndRestore`, its restore comes last and wins.
    """

    writes_weights = False  # restores in on_train_begin, before the first step

    def __init__(self, path):
        super().__init__()
        self.path, self.requested, self.previous = path, False, None

    def _handle(self, signum, frame):
        self.requested = True
        print("\nInterrupted: stopping after this batch (Ctrl-C again to abort at once)", file=sys.stderr)
        signal.signal(signal.SIGINT, self.previous)

    def on_train_begin(self, logs=None):
        if os.path.exists(self.path):
            self.model.resume_position = read_training_state(self.model, self.path)
            os.remove(self.path)  # consumed: were this run killed now, the last epoch's backup remains

    def on_train_batch_end(self, batch, logs=None):
        if self.requested:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)  # cut in the first epoch: no backup yet
            write_training_state(self.model, self.path, self.model.fit_position())
            raise _Interrupted

    def __enter__(self):
        self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)


def train(args) -> int:
    """Train the run a TOML file describes; see the module docstring for what is written where."""
    import layerwise
    from layerwise.callbacks import BackupAndRestore, CSVLogger, TerminateOnNaN

    try:
        config = RunConfig(args.config)
        directory = config.resolve(config.section("output")["directory"])
        backup = os.path.join(directory, "backup")
        if args.resume != os.path.isdir(backup):
            raise ConfigError(f"{directory}: " + ("no interrupted run to resume (no backup/ directory)" if args.resume
                                                  else "holds an interrupted run: pass --resume to continue it, "
                                                       "or choose another [output] directory"))
        layerwise.utils.set_random_seed(config.raw.get("seed", 0))
        model = build_model(config)
        _compile(config, model)
        x, y = load_data(config, model)
        os.makedirs(directory, exist_ok=True)
        interrupt = _StopOnInterrupt(os.path.join(backup, "interrupted.lw"))
        callbacks = [BackupAndRestore(backup, delete_checkpoint=False), interrupt,
                     *_diagnostics(config, x, directory, args.resume), *_listed_callbacks(config, directory),
                     CSVLogger(os.path.join(directory, "history.csv"), append=args.resume), TerminateOnNaN()]
    except ConfigError as error:
        print(f"layerwise train: {error}", file=sys.stderr)
        return 2
    fit = config.section("fit")
    try:
        with interrupt:
            model.fit(x, y, epochs=fit["epochs"], batch_size=fit.get("batch_size"),
                      validation_split=config.section("data").get("validation_split", 0.0),
                      verbose=1 if sys.stderr.isatty() else 2, callbacks=callbacks)
    except _Interrupted:
        print(f"Stopped; the training state is saved in {backup}. Continue with: layerwise train {args.config} "
              "--resume", file=sys.stderr)
        return 130
    model.save(os.path.join(directory, "model.keras"))
    shutil.rmtree(backup)
    print(f"Saved {os.path.join(directory, 'model.keras')} and {os.path.join(directory, 'history.csv')}")
    _plots(directory)
    return 0


def _plots(directory):
    """Draw the run's curves from history.csv (every epoch, a resumed run's included) into plots/."""
    import csv
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        print("No plots: install layerwise[plot] (matplotlib) to get them", file=sys.stderr)
        return
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, and no display needed
    import matplotlib.pyplot as pyplot

    import layerwise.plot as plot

    with open(os.path.join(directory, "history.csv"), newline="") as file:
        rows = list(csv.DictReader(file))
    history = {key: [float(row[key]) for row in rows if row.get(key)] for key in rows[0] if key != "epoch"}
    os.makedirs(os.path.join(directory, "plots"), exist_ok=True)
    drawn = [("history", plot.plot_history)]
    drawn += [(name, draw) for name, draw, key in (("gradient_flow", plot.plot_gradient_flow, "grad_norm/"),
                                                   ("dead_units", plot.plot_dead_units, "dead_fraction/"))
              if any(column.startswith(key) for column in history)]
    for name, draw in drawn:
        pyplot.close(draw(history, path=os.path.join(directory, "plots", f"{name}.png")))
    print(f"Plots: {', '.join(f'plots/{name}.png' for name, _ in drawn)}")


def gradcheck(args) -> int:
    """Check the configured model's gradients in float64 on a few samples of its data; 0 if all pass."""
    import layerwise
    from layerwise.testing import check_gradients

    try:
        config = RunConfig(args.config)
        layerwise.config.set_floatx("float64")
        layerwise.utils.set_random_seed(config.raw.get("seed", 0))
        model = build_model(config)
        _compile(config, model)
        x, y = load_data(config, model)
    except ConfigError as error:
        print(f"layerwise gradcheck: {error}", file=sys.stderr)
        return 2
    if model.dtype != "float64":
        print("layerwise gradcheck: the model is not float64 (a saved float32 model); describe it by its layers",
              file=sys.stderr)
        return 2
    report = check_gradients(model, x[:args.samples].astype("float64"), y[:args.samples])
    print(report)
    print("All gradients agree with central differences." if report.passed else "Some gradients disagree.")
    return 0 if report.passed else 1
