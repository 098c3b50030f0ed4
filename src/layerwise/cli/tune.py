"""``layerwise tune CONFIG.toml [--scheduler ADDRESS | --workers N]``: the hyperparameter search a TOML file
describes (its schema: `layerwise.cli.tune_config`), its trials run in this process, on a Dask cluster, or
on a Dask LocalCluster of N workers.

The search's directory (``[output] directory / project_name``) keeps the Optuna study (SQLite), each trial's
model, ``results.csv``, ``results.json`` and the plots; the same command run again continues the search.
"""

import importlib
import importlib.util
import os
import sys

from layerwise.cli.train import load_data
from layerwise.cli.tune_config import KINDS, ConfigError, TuneConfig


def _module_from_file(path):
    """The module a Python file defines, executed afresh (a file of the same name loaded before is replaced)."""
    name = "layerwise_tune_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # registered, so that its functions pickle (InProcess needs none of this)
    spec.loader.exec_module(module)
    if importlib.util.find_spec("cloudpickle") is not None:
        import cloudpickle

        # Sent by value to Dask's workers, which have neither the module nor, on a cluster, the file.
        cloudpickle.register_pickle_by_value(module)
    return module


def load_build(config):
    """The ``build_model`` function that [model] build names: "FILE.py:FUNCTION" (relative to the config) or
    "package.module:function"."""
    where, name = config.section("model")["build"].split(":")
    try:
        if where.endswith(".py"):
            module = _module_from_file(config.resolve(where))
        else:
            module = importlib.import_module(where)
        build = getattr(module, name)
    except (ImportError, AttributeError, SyntaxError, OSError) as error:
        raise ConfigError(f"{config.path}: [model] build: cannot load {name} from {where}: {error}") from None
    if not callable(build):
        raise ConfigError(f"{config.path}: [model] build: {where}:{name} is not a function")
    return build


def _tuner(config, build, executor):
    import layerwise.tuning as tuning

    settings = dict(config.section("tuner"))
    kind = settings.pop("kind")
    objective = settings.pop("objective", "val_accuracy")
    if isinstance(objective, dict):
        objective = tuning.Objective(**objective)
    settings.pop("project_name", None)
    directory = config.resolve(config.section("output")["directory"])
    return getattr(tuning, KINDS[kind][0])(build, objective=objective, seed=config.raw.get("seed", 0),
                                           directory=directory, project_name=config.project_name,
                                           executor=executor, **settings)


def tune(args) -> int:
    """Run (or continue) the search; print each trial as it ends and the best ones at the end."""
    from layerwise.tuning import HyperParameters, executors

    try:
        config = TuneConfig(args.config)
        build = load_build(config)
        try:
            model = build(HyperParameters())  # with every default: the shape of the data and of the targets
        except ValueError as error:
            raise ConfigError(f"{config.path}: [model] build: {error}") from None
        x, y = load_data(config, model)
    except ConfigError as error:
        print(f"layerwise tune: {error}", file=sys.stderr)
        return 2
    split = int(len(x) * (1 - config.section("data")["validation_split"]))
    fit = config.section("fit")
    try:
        executor = executors.get(args.scheduler, args.workers)
    except (ImportError, ValueError) as error:  # no Dask installed, --workers 0
        print(f"layerwise tune: {error}", file=sys.stderr)
        return 2
    with executor:
        tuner = _tuner(config, build, executor)
        tuner.search(x[:split], y[:split], epochs=fit.get("epochs"), validation_data=(x[split:], y[split:]),
                     batch_size=fit.get("batch_size", 32))
    tuner.results_summary(3)
    if importlib.util.find_spec("matplotlib") is None:
        print("No plots: install layerwise[plot] (matplotlib) to get them", file=sys.stderr)
    elif any(row["state"] == "complete" for row in tuner.results()):
        import matplotlib

        matplotlib.use("Agg")  # files only: no window, and no display needed
        print(f"Plots: {', '.join(map(str, tuner.plot()))}")
    print(f"Results: {tuner.project_dir / 'results.csv'}")
    return 0
