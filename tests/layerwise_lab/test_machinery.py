"""The lab's machinery: experiments declare what they test, results carry their provenance, the report and the
command line find them, and bad results or names get clear errors."""

import json
import subprocess
import sys

import pytest

import layerwise
from layerwise.cli import main as layerwise_main
from layerwise_lab import (DID_NOT_HOLD, HELD, Experiment, Trial, Verdict, all_experiments, find_experiment,
                           read_results, run_experiment, write_report)
from layerwise_lab._experiment import EXPERIMENTS
from layerwise_lab.cli import main


def test_an_experiment_must_declare_its_claim_and_criterion():
    with pytest.raises(TypeError, match="does not declare claim, criterion"):
        class Vague(Experiment):
            name, title, protocol, lectures = "vague", "Vague", "none", ("000",)


def test_two_experiments_cannot_share_a_name():
    all_experiments()
    with pytest.raises(ValueError, match="already registered"):
        class Impostor(Experiment):
            name, title, claim, protocol, criterion, lectures = ("recurrent-memory", "x", "x", "x", "x", ("000",))


def test_a_verdict_is_one_of_three():
    assert Verdict.of(True, "").status == HELD and Verdict.of(False, "").status == DID_NOT_HOLD
    with pytest.raises(ValueError, match="status must be one of"):
        Verdict("probably", "")


def test_a_result_is_reproducible_and_records_its_provenance(counting, tmp_path):
    first = run_experiment(counting, tmp_path / "a", seed=7)
    second = run_experiment("tests-counting", tmp_path / "b", seed=7)
    assert first["numbers"] == second["numbers"]
    assert run_experiment(counting, tmp_path / "c", seed=8)["numbers"] != first["numbers"]
    made = first["provenance"]
    assert made["seed"] == 7 and not made["quick"] and made["layerwise"] == layerwise.__version__
    assert made["cpu"] and made["blas"] and made["threads"] >= 1 and made["commit"] and made["wall_seconds"] >= 0
    assert first["tables"] == [{"name": "draws", "caption": "", "columns": ["draw", "scale"],
                                "rows": [[first["numbers"]["draw"], "full"]]}]
    assert not list((tmp_path / "a" / "tests-counting").glob(".*tmp"))


def test_a_table_needs_rows_with_the_same_columns(tmp_path):
    trial = Trial(tmp_path)
    with pytest.raises(ValueError, match="every row must have the columns"):
        trial.table("t", [{"a": 1}, {"b": 2}])
    with pytest.raises(ValueError, match="no rows"):
        trial.table("t", [])


def test_the_report_shows_each_claim_verdict_table_figure_and_provenance(counting, tmp_path):
    result = run_experiment(counting, tmp_path, quick=True)
    text = write_report(tmp_path).read_text()
    assert "> A draw below one half." in text and f"**Verdict: {result['verdict']['status']}.**" in text
    assert "| draw | scale |" in text and "![The draw.](tests-counting/draw.png)" in text
    assert result["provenance"]["commit"] in text and "quick scale, seed 0" in text
    assert "[Counting](#tests-counting) | 001 |" in text and '<a id="tests-counting"></a>' in text
    page = (tmp_path / "index.html").read_text()
    assert "<table>" in page and 'src="tests-counting/draw.png"' in page


def test_the_report_refuses_a_result_file_it_cannot_read(tmp_path):
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "result.json").write_text(json.dumps({"name": "broken"}))
    with pytest.raises(ValueError, match="is not a lab result"):
        read_results(tmp_path)
    assert main(["report", "--out", str(tmp_path)]) == 1
    assert main(["report", "--out", str(tmp_path / "empty")]) == 1


def test_the_experiments_are_listed_in_the_lab_order():
    numbers = [cls.number for cls in all_experiments()]
    assert numbers == sorted(numbers)
    assert find_experiment("recurrent-memory").number == 16
    with pytest.raises(KeyError, match="the experiments are: .*recurrent-memory"):
        find_experiment("no-such-experiment")


def test_layerwise_lab_runs_lists_and_reports(counting, tmp_path, capsys):
    assert layerwise_main(["lab", "list"]) == 0
    assert "recurrent-memory" in capsys.readouterr().out
    assert layerwise_main(["lab", "run", "tests-counting", "--quick", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "tests-counting" / "result.json").read_text())["provenance"]["seed"] == 3
    assert layerwise_main(["lab", "report", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "index.md").exists() and (tmp_path / "index.html").exists()
    assert main(["run", "no-such-experiment"]) == 2
    assert main(["run", "--all", "tests-counting"]) == 2
    assert "name experiments or give --all" in capsys.readouterr().err


def test_python_dash_m_layerwise_lab_is_the_same_command():
    listing = subprocess.run([sys.executable, "-m", "layerwise_lab", "list"], capture_output=True, text=True,
                             check=True).stdout
    assert "recurrent-memory" in listing and "minutes" in listing


def test_the_library_does_not_import_the_lab():
    loaded = subprocess.run([sys.executable, "-c", "import sys, layerwise, layerwise.cli; "
                             "print(any(m.startswith('layerwise_lab') for m in sys.modules))"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


@pytest.fixture
def choosing(counting):
    """The counting experiment, offering a choice of dataset and recording the one it ran on."""

    class Choosing(counting):
        name = "tests-choosing"
        datasets = ("fashion_mnist", "cifar10")

        def run(self, trial):
            return {**super().run(trial), "dataset": trial.dataset}

    yield Choosing
    del EXPERIMENTS[Choosing.name]


def test_the_dataset_is_the_experiments_first_unless_chosen(choosing, counting, tmp_path, capsys):
    assert run_experiment(choosing, tmp_path, quick=True)["numbers"]["dataset"] == "fashion_mnist"
    result = run_experiment(choosing, tmp_path, quick=True, dataset="cifar10")
    assert result["numbers"]["dataset"] == result["dataset"] == "cifar10"
    assert run_experiment(counting, tmp_path, quick=True)["dataset"] is None
    with pytest.raises(ValueError, match="tests-counting offers no choice of dataset, not 'cifar10'"):
        run_experiment(counting, tmp_path, quick=True, dataset="cifar10")
    with pytest.raises(ValueError, match="tests-choosing offers one of fashion_mnist, cifar10, not 'mnist'"):
        run_experiment(choosing, tmp_path, quick=True, dataset="mnist")
    assert main(["run", "tests-counting", "--dataset", "cifar10", "--quick", "--out", str(tmp_path)]) == 2
    assert "tests-counting cannot run on cifar10" in capsys.readouterr().err
    write_report(tmp_path)
    assert "Run on cifar10 at quick scale" in (tmp_path / "index.md").read_text()
