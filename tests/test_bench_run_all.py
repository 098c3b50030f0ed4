"""bench/run_all.py's table: which output lines are figures, and a table rebuilt from every output there is."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "run_all.py"
spec = importlib.util.spec_from_file_location("run_all", BENCH)
run_all = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_all)

OPTIMIZER_STEPS = """CPU: AMD EPYC (2 cores)
optimizer       layerwise ms  torch ms   ratio  torch 1T ms   ratio
SGD momentum            1.12      0.80    1.40         1.11    1.01
Adam                    3.29      5.16    0.64         5.44    0.60

done
"""


def test_a_ratio_columns_header_brings_its_rows_even_when_it_names_a_number():
    assert run_all._figures(OPTIMIZER_STEPS) == [
        "optimizer       layerwise ms  torch ms   ratio  torch 1T ms   ratio",
        "SGD momentum            1.12      0.80    1.40         1.11    1.01",
        "Adam                    3.29      5.16    0.64         5.44    0.60"]


def test_a_ratio_line_with_its_value_is_a_figure_alone():
    output = "training\n  ratio layerwise / torch: 1.44 of the medians\n  layerwise 2.5 s\n"
    assert run_all._figures(output) == ["ratio layerwise / torch: 1.44 of the medians"]


def test_the_table_has_a_row_per_output_with_its_own_run_and_names_the_missing():
    results = {"optimizer_steps": OPTIMIZER_STEPS, "mlp_mnist": "layerwise / PyTorch = 1.10\n"}
    runs = {"optimizer_steps": {"date": "2026-12-07 01:00", "seconds": 12.3, "exit": 0},
            "mlp_mnist": {"date": "2026-12-06 23:00", "seconds": 118.0, "exit": 1}}
    table = run_all.table(results, runs, ["CPU: AMD EPYC (2 cores)"])
    assert "| 2026-12-07 01:00 | 12 s |" in table and "**failed** (exit 1)" in table
    assert "`Adam                    3.29      5.16    0.64         5.44    0.60`" in table
    assert "Not run on this machine yet:" in table and "cnn_mnist" in table.split("Not run")[1]
