"""The file a diagnostic writes its records to as training runs: CSV, JSON or JSON Lines."""

import csv
import json
import os

_FORMATS = (".csv", ".json", ".jsonl")


class RecordFile:
    """Records (flat dicts, one measurement each) written to ``path`` in the format its suffix names.

    - ``.csv``: a header of the first record's keys, then one row per record, appended.
    - ``.jsonl``: one JSON object per line, appended.
    - ``.json``: one JSON list of every record so far, rewritten and swapped in whole, so that the file is a
      valid document whenever it is read.

    Every `write` opens, writes and closes the file, so what training has measured is on disk at once.

    Args:
        path: the file (its directory must exist).
        owner: the name of the diagnostic, for errors.
        append: continue the records already in the file (a resumed run) instead of starting it afresh.
    """

    def __init__(self, path, owner, append=False):
        self.path = os.fspath(path)
        self.format = os.path.splitext(self.path)[1].lower()
        if self.format not in _FORMATS:
            raise ValueError(f"{owner}: path must end in .csv, .json or .jsonl, received {self.path!r}")
        self.append = append
        self.written, self.fieldnames = [], None

    def start(self):
        """Begin the file: empty (each `fit` writes its own records over the last one's), or, with
        ``append`` and a file already there, after the records it holds."""
        self.written, self.fieldnames = [], None
        if self.append and os.path.exists(self.path):
            with open(self.path, newline="") as file:
                if self.format == ".json":
                    self.written = json.load(file)
                elif self.format == ".csv":
                    self.fieldnames = next(csv.reader(file), None)
            return
        with open(self.path, "w") as file:
            if self.format == ".json":
                json.dump([], file)

    def write(self, records):
        """Add ``records`` to the file."""
        if self.format == ".json":
            self.written += records
            partial = self.path + ".partial"
            with open(partial, "w") as file:
                json.dump(self.written, file)
            os.replace(partial, self.path)
            return
        with open(self.path, "a", newline="") as file:
            if self.format == ".jsonl":
                file.writelines(json.dumps(record) + "\n" for record in records)
                return
            writer = csv.DictWriter(file, fieldnames=self.fieldnames or list(records[0]))
            if self.fieldnames is None:
                writer.writeheader()
                self.fieldnames = writer.fieldnames
            writer.writerows(records)
