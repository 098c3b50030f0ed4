"""A search's results: the table of trials (CSV and JSON), KerasTuner's summary, and two plots drawn with
matplotlib from Optuna's records: the optimization history (each trial's value and the best so far) and
the parameter importances (Optuna's fANOVA estimate of the share of the objective's variance each
hyperparameter explains)."""

import csv
import io
import json

from layerwise.saving import atomic_write

#: The columns every row has, before the hyperparameters.
COLUMNS = ("trial", "state", "value", "epochs", "seconds", "seed")


def rows(tuner) -> list:
    """One dict per trial that has ended (complete, pruned or failed), in trial order."""
    study = tuner._loaded()
    table = []
    for trial in study.get_trials(deepcopy=False):
        if trial.state.name == "RUNNING":
            continue
        value = trial.value if trial.value is not None else (
            trial.intermediate_values[trial.last_step] if trial.last_step is not None else None)
        training = trial.user_attrs.get("training", {})
        table.append({"trial": trial.number, "state": trial.state.name.lower(), "value": value,
                      **{key: training.get(key) for key in COLUMNS[3:]}, **trial.params})
    return table


def _write(path, text):
    with atomic_write(path) as file:
        file.write(text.encode("utf-8"))


def write_results(tuner) -> None:
    """Write ``results.csv`` and ``results.json`` (the `rows`, with the objective's name) to the project."""
    table = rows(tuner)
    columns = list(COLUMNS) + sorted({key for row in table for key in row} - set(COLUMNS))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    _write(tuner.project_dir / "results.csv", text.getvalue())
    _write(tuner.project_dir / "results.json", json.dumps(
        {"objective": tuner.objective.name, "direction": tuner.objective.direction, "trials": table}, indent=1) + "\n")


def summary(tuner, num_trials) -> str:
    """The best trials' hyperparameters and scores, as KerasTuner's results_summary prints them."""
    lines = ["Results summary", f"Results in {tuner.project_dir}",
             f"Showing {num_trials} best trials", f"Objective({tuner.objective.name!r}, "
             f"direction={tuner.objective.direction!r})"]
    for trial in tuner.get_best_trials(num_trials):
        lines += ["", f"Trial {trial.number:04d} summary", "Hyperparameters:"]
        lines += [f"{name}: {value}" for name, value in trial.params.items()]
        lines.append(f"Score: {trial.value}")
    return "\n".join(lines)


def plot(tuner, directory) -> list:
    """Save ``optimization_history.png`` and, with two complete trials or more, ``parameter_importances.png``
    in ``directory``; return the paths written."""
    import matplotlib.pyplot as plt
    import optuna
    from matplotlib.ticker import MaxNLocator

    study = tuner._loaded()
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if not complete:
        raise ValueError(f"{tuner.project_name}: no complete trial to plot")
    directory.mkdir(parents=True, exist_ok=True)
    better = max if tuner.objective.direction == "max" else min
    numbers = [trial.number for trial in complete]
    values = [trial.value for trial in complete]
    best = [better(values[:index + 1]) for index in range(len(values))]
    figure, ax = plt.subplots(figsize=(6, 3.5))
    ax.scatter(numbers, values, s=14, label="trial")
    ax.step(numbers, best, where="post", color="C1", label=f"best so far ({tuner.objective.direction})")
    ax.set(xlabel="trial", ylabel=tuner.objective.name, title="Optimization history")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    paths = [directory / "optimization_history.png"]
    figure.savefig(paths[0], dpi=110, bbox_inches="tight")
    plt.close(figure)
    varied = {name for trial in complete for name in trial.params
              if len({other.params.get(name) for other in complete}) > 1}
    if len(complete) >= 2 and varied:
        importances = optuna.importance.get_param_importances(study, params=sorted(varied))
        figure, ax = plt.subplots(figsize=(6, 0.4 * len(importances) + 1.2))
        names = list(importances)[::-1]
        ax.barh(names, [importances[name] for name in names])
        ax.set(xlabel="importance (fANOVA, share of the objective's variance)", title="Parameter importances")
        paths.append(directory / "parameter_importances.png")
        figure.savefig(paths[1], dpi=110, bbox_inches="tight")
        plt.close(figure)
    return paths
