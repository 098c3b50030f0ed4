"""Find, verify and read the IDX files of a data set: the table-driven part every loader shares.

A loader (``mnist.py``, a future ``fashion_mnist.py``) is a table of files with their official MD5s
and one call to ``load_idx_files``. The files are looked for, in order, in

1. the ``path`` argument, if given (and nowhere else);
2. ``$LAYERWISE_DATA/<dataset>/`` then ``$LAYERWISE_DATA/``, if the variable is set;
3. the copy shipped inside the package, ``layerwise/datasets/data/<dataset>/``.

The first directory that holds every file wins; one that holds only some of them is an error. Each
file may be gzipped (``name.gz``) or not (``name``); the MD5 checked is always that of the
uncompressed content.
"""

import os
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Union

import numpy as np

from layerwise.datasets._idx import read_idx
from layerwise.errors import DatasetError

DATA_ENV_VAR = "LAYERWISE_DATA"
SHIPPED_DATA = Path(__file__).parent / "data"


class IdxFile(NamedTuple):
    """One IDX file of a data set: its uncompressed name and the official MD5 of its content."""

    name: str
    md5: str


def load_idx_files(
    dataset: str, files: Sequence[IdxFile], path: Union[str, os.PathLike, None] = None
) -> List[np.ndarray]:
    """Read and verify every file of a data set, in the order of ``files``.

    Args:
        dataset: The data set's directory name (``"mnist"``), also used in error messages.
        files: The table of files to read.
        path: A directory that holds the files; overrides the environment and the shipped copy.

    Returns:
        One array per entry of ``files``.

    Raises:
        DatasetError: A file is missing (the message lists which files to put where), malformed,
            truncated, or its content's MD5 differs from the table.
    """
    directory = find_directory(dataset, files, path)
    return [read_idx(locate(directory, file), expected_md5=file.md5) for file in files]


def find_directory(dataset: str, files: Sequence[IdxFile], path=None) -> Path:
    """Return the first candidate directory that holds every file (see the module docstring).

    Raises:
        DatasetError: No candidate holds every file, or one holds only some of them (a partial
            copy is a mistake worth reporting rather than silently skipping).
    """
    candidates = candidate_directories(dataset, path)
    for directory in candidates:
        missing = [file.name for file in files if locate(directory, file) is None]
        if not missing:
            return directory
        if len(missing) < len(files):
            raise DatasetError(
                f"{dataset}: {directory} holds only part of the data set; missing "
                f"{_either_form(missing)}. Put the missing files there (gzipped or not)."
            )
    places = "\n".join(f"  {directory}" for directory in candidates)
    raise DatasetError(
        f"{dataset}: data files not found. Put {_either_form([file.name for file in files])} "
        f"(gzipped or not) in one of:\n{places}\n(or pass path=<directory>, or set {DATA_ENV_VAR})."
    )


def candidate_directories(dataset: str, path=None) -> List[Path]:
    """Return the directories searched for ``dataset``, most specific first."""
    if path is not None:
        return [Path(path)]
    root = os.environ.get(DATA_ENV_VAR)
    from_env = [Path(root) / dataset, Path(root)] if root else []
    return from_env + [SHIPPED_DATA / dataset]


def locate(directory: Path, file: IdxFile) -> Optional[Path]:
    """Return the uncompressed or the gzipped copy of ``file`` in ``directory``, or None."""
    for candidate in (directory / file.name, directory / f"{file.name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _either_form(names: Sequence[str]) -> str:
    return ", ".join(f"{name}[.gz]" for name in names)
