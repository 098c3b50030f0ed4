"""Running an experiment: the trial, the verdict and the result file (``OUT/NAME/result.json``, or
``OUT/NAME/seed-S/result.json`` for one seed of several)."""

import datetime
import importlib
import json
import time
import traceback
from pathlib import Path

from layerwise.saving import atomic_write
from layerwise_lab._experiment import EXPERIMENTS, Verdict
from layerwise_lab._provenance import provenance
from layerwise_lab._trial import Trial, _plain

RESULT_FILE = "result.json"
#: The directory, under the experiment's, of one seed's result in a sweep over seeds.
SEED_DIRECTORY = "seed-{seed}"


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


def result_directory(cls, out, seed=0, by_seed=False) -> Path:
    """Where a run of ``cls`` writes: ``out/NAME``, or ``out/NAME/seed-S`` for one seed of a sweep."""
    directory = Path(out) / cls.name
    return directory / SEED_DIRECTORY.format(seed=seed) if by_seed else directory


def run_experiment(cls, out, quick=False, seed=0, dataset=None, by_seed=False) -> dict:
    """Run experiment ``cls`` (a class or its name) and write its result and figures under ``out/NAME`` (under
    ``out/NAME/seed-S`` with ``by_seed``, one seed of a sweep).

    ``dataset`` chooses among the experiment's `Experiment.datasets` (default: the first); an experiment whose
    data the claim fixes refuses any."""
    if isinstance(cls, str):
        cls = find_experiment(cls)
    if dataset is not None and dataset not in cls.datasets:
        offered = f"one of {', '.join(cls.datasets)}" if cls.datasets else "no choice of dataset"
        raise ValueError(f"lab experiment {cls.name} offers {offered}, not {dataset!r}")
    dataset = dataset or (cls.datasets[0] if cls.datasets else None)
    directory = result_directory(cls, out, seed, by_seed)
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


def run_trial(configuration) -> dict:
    """One experiment at one seed, as an executor runs it (`layerwise.tuning.executors`): ``configuration``
    holds `run_experiment`'s arguments (``experiment``: the class). Returns the verdict and the time taken,
    or the error's traceback, so that one broken experiment does not lose the others' results."""
    start = time.perf_counter()
    arguments = {key: value for key, value in configuration.items() if key != "experiment"}
    try:
        verdict = run_experiment(configuration["experiment"], **arguments)["verdict"]
    except Exception:
        return {"error": traceback.format_exc(), "seconds": time.perf_counter() - start}
    return {**verdict, "seconds": time.perf_counter() - start}


def has_result(configuration) -> bool:
    """Whether the run ``configuration`` describes (see `run_trial`) has already written its result: a result
    file in its directory, of the same seed, scale and dataset."""
    cls = configuration["experiment"]
    path = result_directory(cls, configuration["out"], configuration["seed"], configuration["by_seed"])
    try:
        result = json.loads((path / RESULT_FILE).read_text())
        made = result["provenance"]
        return ((made["seed"], made["quick"], result["dataset"]) ==
                (configuration["seed"], configuration["quick"],
                 configuration["dataset"] or (cls.datasets[0] if cls.datasets else None)))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def read_results(out) -> list:
    """Every result under ``out`` (``NAME/result.json`` and ``NAME/seed-S/result.json``), in the lab's order
    and then by seed, each with its ``directory`` relative to ``out`` added; a clear error for a file that is
    not a result."""
    out, results = Path(out), []
    paths = [*out.glob(f"*/{RESULT_FILE}"), *out.glob(f"*/{SEED_DIRECTORY.format(seed='*')}/{RESULT_FILE}")]
    for path in sorted(paths):
        try:
            result = json.loads(path.read_text())
            result["verdict"]["status"], result["provenance"]["seed"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not a lab result: {error}") from error
        result["directory"] = path.parent.relative_to(out).as_posix()
        results.append(result)
    return sorted(results, key=lambda result: (result["number"], result["name"], result["provenance"]["seed"]))
