"""Every lab experiment runs at quick scale and leaves a result that parses, with a verdict and its figures;
the report assembles them (what CI checks of the lab)."""

import json

import pytest

from layerwise_lab import STATUSES, all_experiments, run_experiment

QUICK_SECONDS = 20  # each quick run is seconds; all of them together stay within CI's 3-minute budget


@pytest.mark.parametrize("cls", all_experiments(), ids=lambda cls: cls.name)
def test_quick_run_writes_a_judged_result(cls, tmp_path):
    result = run_experiment(cls, tmp_path, quick=True, seed=1)
    written = json.loads((tmp_path / cls.name / "result.json").read_text())
    assert written == json.loads(json.dumps(result))
    assert written["verdict"]["status"] in STATUSES and written["verdict"]["reason"]
    assert written["claim"] and written["criterion"] and written["lectures"]
    assert written["provenance"]["quick"] and written["provenance"]["seed"] == 1
    assert written["provenance"]["wall_seconds"] < QUICK_SECONDS
    for figure in written["figures"]:
        assert (tmp_path / cls.name / figure["file"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for table in written["tables"]:
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
    assert cls().judge(written["numbers"]).status == written["verdict"]["status"]  # recomputable from the file
