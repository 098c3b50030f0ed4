"""The lab: experiments that test the lectures' claims on real data, one command each.

``layerwise lab list`` shows them; ``layerwise lab run NAME [--quick] [--seed S] [--out DIR]`` runs one and
writes ``DIR/NAME/result.json`` (the claim, protocol, criterion, measured numbers and tables, verdict and
provenance) with its figures; ``layerwise lab report`` assembles every result into ``DIR/index.md`` and
``DIR/index.html``. The lab uses layerwise's public API only, as any user would.

Every run (an experiment at a seed) goes through an executor (`layerwise.tuning.executors`) on one thread
(``--threads``): one after another in this process, or ``--workers N`` on a Dask LocalCluster, or
``--scheduler ADDRESS`` on a Dask cluster, with the same numbers. ``--seeds K`` runs each experiment with K
seeds into ``DIR/NAME/seed-S/`` and the report shows each seed's verdict and the spread of the numbers;
``--resume`` skips the runs whose result is written.

An experiment is a subclass of `Experiment` in ``layerwise_lab.experiments`` (one file each): it quotes the
claim, measures in `Experiment.run` with a `Trial`, and judges the numbers in `Experiment.judge`.
"""

from layerwise_lab._experiment import DID_NOT_HOLD, HELD, INCONCLUSIVE, STATUSES, Experiment, Verdict
from layerwise_lab._runner import all_experiments, find_experiment, read_results, run_experiment
from layerwise_lab._trial import Trial
from layerwise_lab.report import write_report

__all__ = ["DID_NOT_HOLD", "HELD", "INCONCLUSIVE", "STATUSES", "Experiment", "Trial", "Verdict", "all_experiments",
           "find_experiment", "read_results", "run_experiment", "write_report"]
