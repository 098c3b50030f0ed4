"""Running an experiment: the trial, the verdict and the result file (``OUT/NAME/result.json``)."""

import datetime
import importlib
import json
import time
from pathlib import Path

from layerwise.saving import atomic_write
from layerwise_lab._experiment import EXPERIMENTS, Verdict
from layerwise_lab._provenance import provenance
from layerwise_lab._trial import Trial, _plain

RESULT_FILE = "result.json"


def all_experiments() -> list:
    """Every experiment class, in the lab's order."""
    importlib.import_module("layerwise_lab.experiments")  # defining the classes registers them
    return sorted(EXPERIMENTS.values(), key=lambda cls: (cls.number, cls.name))


def find_experiment(name):
    """The experiment class called ``name``; a clear error listing the names otherwise."""
    known = all_experiments()
    if name not in EXPERIMENTS:
        raise KeyError(f"no lab experiment {name!r}; the experiments are: {', '.join(cls.name for cls in known)}")
    return EXPERIMENTS[name]


def _write_text(path: Path, text: str) -> None:
    # Atomic, so an interrupted run never leaves a half-written result or report behind.
    with atomic_write(path) as file:
        file.write(text.encode("utf-8"))


def run_experiment(cls, out, quick=False, seed=0, dataset=None) -> dict:
    """Run experiment ``cls`` (a class or its name) and write its result and figures under ``out/NAME``.

    ``dataset`` chooses among the experiment's `Experiment.datasets` (default: the first); an experiment whose
    data the claim fixes refuses any."""
    if isinstance(cls, str):
        cls = find_experiment(cls)
    if dataset is not None and dataset not in cls.datasets:
        offered = f"one of {', '.join(cls.datasets)}" if cls.datasets else "no choice of dataset"
        raise ValueError(f"lab experiment {cls.name} offers {offered}, not {dataset!r}")
    dataset = dataset or (cls.datasets[0] if cls.datasets else None)
    directory = Path(out) / cls.name
    directory.mkdir(parents=True, exist_ok=True)
    trial = Trial(directory, quick=quick, seed=seed, dataset=dataset)
    started, clock = datetime.datetime.now(datetime.timezone.utc), time.perf_counter()
    instance = cls()
    numbers = _plain(instance.run(trial))
    verdict = instance.judge(numbers)
    if not isinstance(verdict, Verdict):
        raise TypeError(f"lab experiment {cls.name}: judge must return a Verdict, returned {verdict!r}")
    if not trial.figures:
        raise ValueError(f"lab experiment {cls.name} drew no figure")
    result = {"name": cls.name, "title": cls.title, "number": cls.number, "lectures": list(cls.lectures),
              "claim": cls.claim, "protocol": cls.protocol, "criterion": cls.criterion,
              "expected_minutes": cls.minutes, "numbers": numbers, "tables": trial.tables,
              "figures": trial.figures, "verdict": {"status": verdict.status, "reason": verdict.reason},
              "dataset": dataset, "provenance": provenance(seed, quick, started, time.perf_counter() - clock)}
    _write_text(directory / RESULT_FILE, json.dumps(result, indent=1) + "\n")
    return result


def read_results(out) -> list:
    """Every result under ``out``, in the lab's order; a clear error for a file that is not a result."""
    results = []
    for path in sorted(Path(out).glob(f"*/{RESULT_FILE}")):
        try:
            result = json.loads(path.read_text())
            result["verdict"]["status"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not a lab result: {error}") from error
        results.append(result)
    return sorted(results, key=lambda result: (result["number"], result["name"]))
