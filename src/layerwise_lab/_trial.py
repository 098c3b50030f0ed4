"""A trial: one run of an experiment at a scale and seed, with the tables and figures it records."""

from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

import layerwise


def _plain(value):
    """``value`` with NumPy scalars and arrays turned into the JSON types they hold."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


class Trial:
    """What an experiment's `run` works with: the scale, the seed, where its files go, and its records.

    Args:
        out: the experiment's own directory; figures are written there.
        quick: the tiny scale that runs in seconds (CI), rather than the full one.
        seed: every random draw of the run follows from it.
        dataset: the image dataset of an experiment that offers a choice (see `Experiment.datasets`).
    """

    def __init__(self, out, quick=False, seed=0, dataset=None):
        self.out, self.quick, self.seed, self.dataset = Path(out), bool(quick), int(seed), dataset
        self.tables, self.figures = [], []

    def size(self, full, quick):
        """``quick`` in a quick trial, ``full`` otherwise."""
        return quick if self.quick else full

    def seeded(self, offset=0) -> int:
        """Seed layerwise, NumPy and Python with the trial's seed plus ``offset`` and return that seed: call it
        before each model, so every configuration starts from its own reproducible draw."""
        seed = self.seed + int(offset)
        layerwise.utils.set_random_seed(seed)
        return seed

    def progress(self, iterable, desc, total=None):
        """A progress bar over ``iterable`` (shown on a terminal), so a long run shows where it is."""
        return tqdm(iterable, desc=desc, total=total, leave=False, disable=None, dynamic_ncols=True)

    def table(self, name, rows, caption=""):
        """Record a table of measured numbers: ``rows`` is a list of dicts with the same keys (the columns)."""
        rows = _plain(list(rows))
        if not rows:
            raise ValueError(f"Trial.table {name!r}: no rows")
        columns = list(rows[0])
        if any(list(row) != columns for row in rows):
            raise ValueError(f"Trial.table {name!r}: every row must have the columns {columns}")
        self.tables.append({"name": name, "caption": caption, "columns": columns,
                            "rows": [[row[column] for column in columns] for row in rows]})

    def figure(self, name, figure, caption=""):
        """Save a matplotlib ``figure`` as ``NAME.png`` in the experiment's directory and close it."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as error:
            raise ImportError("the lab draws its figures with matplotlib: pip install 'layerwise[lab]'") from error
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"{name}.png"
        figure.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(figure)
        self.figures.append({"file": path.name, "caption": caption})
        return path
