"""`layerwise lab run --seeds K [--workers N]`: every experiment x seed is a run through an executor, written
to NAME/seed-S as it finishes; the same numbers in-process and on a Dask LocalCluster; --resume skips what is
written; the report shows the spread over the seeds."""

import json

from layerwise_lab import read_results, write_report
from layerwise_lab.cli import main

#: A real experiment that trains MLPs in its quick mode, in seconds.
TRAINING = "square-vs-cross-entropy"


def _numbers(out):
    return {(result["name"], result["provenance"]["seed"]): (result["numbers"], result["verdict"])
            for result in read_results(out)}


def test_seeds_run_in_process_and_on_a_local_cluster_to_the_same_numbers(tmp_path, capsys):
    # A real experiment (importable, as a Dask worker needs it; the fixture's class is not).
    experiments = [TRAINING]
    assert main(["run", *experiments, "--quick", "--seed", "3", "--seeds", "2", "--out", str(tmp_path / "here")]) == 0
    assert f"({TRAINING}, seed 4, quick)" in capsys.readouterr().out
    here = _numbers(tmp_path / "here")
    assert sorted(here) == [(TRAINING, 3), (TRAINING, 4)]
    assert here[(TRAINING, 3)] != here[(TRAINING, 4)]
    assert (tmp_path / "here" / TRAINING / "seed-4" / "result.json").exists()
    assert main(["run", *experiments, "--quick", "--seed", "3", "--seeds", "2", "--workers", "2",
                 "--out", str(tmp_path / "cluster")]) == 0
    assert _numbers(tmp_path / "cluster") == here
    assert {result["provenance"]["threads"] for result in read_results(tmp_path / "cluster")} == {1}


def test_the_report_shows_each_seeds_verdict_and_the_spread_of_the_numbers(counting, tmp_path):
    assert main(["run", "tests-counting", "--seeds", "3", "--out", str(tmp_path)]) == 0
    draws = [result["numbers"]["draw"] for result in read_results(tmp_path)]
    text = write_report(tmp_path).read_text()
    mean = sum(draws) / 3
    assert "**Verdict over 3 seeds: " in text and "| seed | verdict | reason |" in text
    assert f"| draw | {mean:.4g} |" in text and "over the 3 seeds" in text
    assert "![The draw.](tests-counting/seed-0/draw.png)" in text and "seeds 0, 1, 2" in text
    assert "`layerwise lab run tests-counting --seed 0 --seeds 3`" in text
    assert "/3** |" in text  # the summary row counts the verdicts


def test_resume_skips_the_runs_already_written(counting, tmp_path, capsys):
    assert main(["run", "tests-counting", "--seeds", "2", "--out", str(tmp_path)]) == 0
    kept = tmp_path / "tests-counting" / "seed-0" / "result.json"
    lost = tmp_path / "tests-counting" / "seed-1" / "result.json"
    before, lost_numbers = kept.stat().st_mtime_ns, json.loads(lost.read_text())["numbers"]
    lost.unlink()
    capsys.readouterr()
    assert main(["run", "tests-counting", "--seeds", "2", "--resume", "--out", str(tmp_path)]) == 0
    assert "--resume: 1 runs already have their result" in capsys.readouterr().out
    assert kept.stat().st_mtime_ns == before and json.loads(lost.read_text())["numbers"] == lost_numbers
    assert main(["run", "tests-counting", "--seeds", "2", "--quick", "--resume", "--out", str(tmp_path)]) == 0
    assert "--resume: 0 runs" in capsys.readouterr().out  # another scale: run again


def test_a_failing_run_does_not_lose_the_others(counting, tmp_path, capsys):
    class Failing(counting):
        name = "tests-failing"

        def run(self, trial):
            raise RuntimeError("broken on purpose")

    try:
        assert main(["run", "tests-failing", "tests-counting", "--out", str(tmp_path)]) == 1
        assert "broken on purpose" in capsys.readouterr().err
        assert [result["name"] for result in read_results(tmp_path)] == ["tests-counting"]
    finally:
        from layerwise_lab._experiment import EXPERIMENTS

        del EXPERIMENTS["tests-failing"]


def test_bad_counts_are_refused(counting, capsys):
    for flag in ("--seeds", "--workers", "--threads"):
        assert main(["run", "tests-counting", flag, "0"]) == 2
    assert "must be positive integers" in capsys.readouterr().err
