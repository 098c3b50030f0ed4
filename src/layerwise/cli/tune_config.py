"""The TOML file ``layerwise tune`` reads: a hyperparameter search, its schema checked key by key.

```toml
seed = 0                          # optional (default 0): trial N trains from seed + N

[tuner]
kind = "hyperband"                # random | grid | bayesian | hyperband (layerwise.tuning's four tuners)
objective = "val_accuracy"        # optional (this default): a log of fit, or { name = "...", direction = "max" }
max_trials = 30                   # required, except for grid (default: the whole grid)
max_epochs = 9                    # hyperband only (required): the most epochs a trial trains
factor = 3                        # hyperband only (optional): 1/factor of a rung goes on to the next
num_initial_points = 10           # bayesian only (optional): random trials before TPE proposes
pruner = "successive_halving"     # random, grid and bayesian only (optional): hyperband | successive_halving
project_name = "mnist-mlp"        # optional (default: the file's name): the study and its directory
storage = "sqlite:///search.db"   # optional: any database URL Optuna accepts (default: SQLite in the output)

[model]
build = "search.py:build_model"   # build_model(hp) -> a compiled model: "FILE.py:FUNCTION" (relative to this
                                  # file) or "package.module:function"

[data]                            # as `layerwise train`'s: a dataset's training split, scaled to [0, 1] ...
dataset = "mnist"                 # mnist | fashion_mnist | cifar10
# ... or arrays: x = "x.npy", y = "y.npy"  (paths relative to this file)
limit = 10000                     # optional: the first N samples only
validation_split = 0.2            # required: the last fraction judges the trials (validation_data)

[fit]
epochs = 5                        # every kind but hyperband (which trains up to max_epochs)
batch_size = 128                  # optional (default 32)

[output]
directory = "searches"            # relative to this file: DIRECTORY/PROJECT_NAME holds the study, the
                                  # trials' models, results.csv, results.json and the plots
```
Every error names the file, the key, what was expected and what was received.
"""

import os

from layerwise.cli.run_config import ConfigError, RunConfig
from layerwise.utils._arguments import is_integer

__all__ = ["ConfigError", "KINDS", "TuneConfig"]

_DATA = {"dataset": False, "x": False, "y": False, "limit": False, "validation_split": True}
SCHEMA = {
    "tuner": {"kind": True, "objective": False, "max_trials": False, "max_epochs": False, "factor": False,
              "num_initial_points": False, "pruner": False, "project_name": False, "storage": False},
    "model": {"build": True},
    "data": _DATA,
    "fit": {"epochs": False, "batch_size": False},
    "output": {"directory": True},
}
#: Each kind's tuner class (in layerwise.tuning) and the [tuner] keys only it takes.
KINDS = {"random": ("RandomSearch", ()), "grid": ("GridSearch", ()),
         "bayesian": ("BayesianOptimization", ("num_initial_points",)),
         "hyperband": ("Hyperband", ("max_epochs", "factor"))}
PRUNERS = ("hyperband", "successive_halving")


class TuneConfig(RunConfig):
    """A parsed and checked search configuration (see the module docstring); as `RunConfig`.

    Raises:
        ConfigError: unreadable TOML, an unknown or missing section or key, or a value of the wrong kind.
    """

    schema, required_sections, top_level = SCHEMA, ("tuner", "model", "data", "output"), ("seed",)

    def _check(self):
        self._check_sections()
        tuner, fit = self.section("tuner"), self.section("fit")
        kind = tuner["kind"]
        if kind not in KINDS:
            self.fail("[tuner] kind", f"one of {list(KINDS)}", kind)
        for other, (_, keys) in KINDS.items():
            for key in keys:
                if key in tuner and other != kind:
                    self.fail(f"[tuner] {key}", f"no value: it belongs to kind = {other!r}", tuner[key])
        for key in ("max_trials", "max_epochs", "factor", "num_initial_points"):
            if key in tuner and not is_integer(tuner[key], minimum=2 if key == "factor" else 1):
                self.fail(f"[tuner] {key}", "an integer >= 2" if key == "factor" else "a positive integer",
                          tuner[key])
        if kind != "grid" and "max_trials" not in tuner:
            self.fail("[tuner] max_trials", "a positive integer (every kind but grid needs it)", None)
        if kind == "hyperband":
            if "max_epochs" not in tuner:
                self.fail("[tuner] max_epochs", "a positive integer (hyperband needs it)", None)
            if "epochs" in fit or "pruner" in tuner:
                self.fail("[fit] epochs" if "epochs" in fit else "[tuner] pruner",
                          "no value: hyperband trains up to max_epochs, with its own pruner",
                          fit.get("epochs", tuner.get("pruner")))
        elif not is_integer(fit.get("epochs")):
            self.fail("[fit] epochs", "a positive integer", fit.get("epochs"))
        if "pruner" in tuner and tuner["pruner"] not in PRUNERS:
            self.fail("[tuner] pruner", f"one of {list(PRUNERS)}", tuner["pruner"])
        objective = tuner.get("objective", "val_accuracy")
        if not (isinstance(objective, str) or isinstance(objective, dict) and set(objective) == {"name", "direction"}
                and isinstance(objective["name"], str) and objective["direction"] in ("max", "min")):
            self.fail("[tuner] objective", "a log's name, or { name = \"...\", direction = \"max\" or \"min\" }",
                      objective)
        for key in ("project_name", "storage"):
            if key in tuner and not (isinstance(tuner[key], str) and tuner[key]):
                self.fail(f"[tuner] {key}", "a non-empty string", tuner[key])
        build = self.section("model")["build"]
        if not isinstance(build, str) or build.count(":") != 1 or not all(build.split(":")):
            self.fail("[model] build", "\"FILE.py:FUNCTION\" or \"package.module:function\"", build)
        self._check_data(self.section("data"))
        if not 0 < self.section("data")["validation_split"] < 1:
            self.fail("[data] validation_split", "a number in (0, 1): the trials are judged on it",
                      self.section("data")["validation_split"])
        if not is_integer(fit.get("batch_size", 32)):
            self.fail("[fit] batch_size", "a positive integer", fit.get("batch_size"))

    @property
    def project_name(self) -> str:
        """[tuner] project_name, or the file's name without its extension."""
        default = os.path.splitext(os.path.basename(self.path))[0]
        return self.section("tuner").get("project_name", default)
