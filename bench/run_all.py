"""Run every benchmark and write one Markdown table of their figures, with the date and the machine.

Each benchmark runs alone, one after the other, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (as each
benchmark's own command line says), and its ratio lines (layerwise against PyTorch or scikit-learn, as the
benchmark itself prints them) go into the table verbatim; the full output of each is kept beside the table, and
when and how long each ran in ``runs.json``. ``--only`` runs some of them again: the table is rebuilt from every
output in the folder, each row with the date of its own run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/run_all.py [--only mlp_mnist cnn_mnist ...]
        [--out docs/performance]
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The benchmarks in the order they run, with their arguments (each script's defaults unless given). The accuracy
#: runs train for many minutes and are run on their own: cnn_mnist_accuracy.py, and pretraining.py's deep belief
#: network and stacked denoising autoencoder (half an hour each by default); here pretraining.py times its RBM
#: against scikit-learn's.
BENCHMARKS = {
    "mlp_mnist": [], "cnn_mnist": [], "resnet": [], "conv_algorithms": [], "rnn": [], "applications": [], "optimizer_steps": [],
    "augmentation": [], "regularizer_units": [], "pretraining": ["--part", "rbm"], "diagnostics": [],
    "executors": [], "hyperband_vs_grid": [],
}
#: A figure line: a ratio of layerwise to another library (or the other way round), as the benchmarks print it.
FIGURE = re.compile(r"(/ ?(PyTorch|torch|layerwise|scikit-learn|sklearn)\b|\bratio\b|\bx faster\b)", re.IGNORECASE)


def run(name, arguments):
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *arguments], capture_output=True, text=True,
                          env=environment, cwd=HERE.parent)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def _figures(output):
    """The ratio lines of a benchmark's output; a ratio column's header line brings its table's rows along."""
    figures, in_table = [], False
    for line in output.splitlines():
        if in_table and line.strip():
            figures.append(line.strip())
            continue
        in_table = False
        if FIGURE.search(line):
            figures.append(line.strip())
            # A header names its columns ("torch 1T ms   ratio") and holds no measured value (a decimal number).
            in_table = re.search(r"\d\.\d", line) is None
    return figures


def table(results, runs, header):
    """The Markdown table of ``results`` ({name: output}), with ``runs`` ({name: {"date", "seconds", "exit"}})."""
    lines = ["# Benchmarks", "", "Written by `bench/run_all.py`, each benchmark run alone with OPENBLAS_CORETYPE and "
             "OPENBLAS_L2_SIZE unset, on this machine:", "", "```", *header, "```", "",
             "| benchmark | command | figures (as the benchmark prints them) | run on | wall time |",
             "|---|---|---|---|---:|"]
    for name, output in results.items():
        run_facts = runs.get(name, {})
        figures = _figures(output)
        code = run_facts.get("exit", 0)
        shown = "<br>".join(f"`{figure}`" for figure in figures) if code == 0 else f"**failed** (exit {code})"
        command = " ".join(["python", f"bench/{name}.py", *BENCHMARKS[name]])
        wall = f"{run_facts['seconds']:.0f} s" if "seconds" in run_facts else "-"
        lines.append(f"| [{name}]({name}.txt) | `{command}` | {shown or 'no ratio printed'} | "
                     f"{run_facts.get('date', '-')} | {wall} |")
    missing = [name for name in BENCHMARKS if name not in results]
    if missing:
        lines += ["", f"Not run on this machine yet: {', '.join(missing)}."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run these benchmarks only")
    parser.add_argument("--out", default="docs/performance", help="folder of the table and the outputs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs_file = out / "runs.json"
    runs = json.loads(runs_file.read_text()) if runs_file.exists() else {}
    header = []
    for name in args.only or BENCHMARKS:
        print(f"running {name} ...", flush=True)
        code, output, seconds = run(name, BENCHMARKS[name])
        (out / f"{name}.txt").write_text(output)
        runs[name] = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "seconds": round(seconds, 1),
                      "exit": code}
        runs_file.write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n")
        header = header or [line for line in output.splitlines()[:8]
                            if line.startswith(("CPU", "BLAS", "torch", "layerwise calibration", "layerwise kernels"))]
    results = {name: (out / f"{name}.txt").read_text() for name in BENCHMARKS if (out / f"{name}.txt").exists()}
    (out / "benchmarks.md").write_text(table(results, runs, header))
    print(f"wrote {out / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
