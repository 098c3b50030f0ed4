"""An experiment: one claim of the lectures, the protocol that tests it, and the criterion that judges it.

A subclass declares the claim (quoted, with its lecture file), the protocol and the criterion as class
attributes, measures in `run` and judges in `judge`. The criterion lives in `judge`, written before any run:
`run` returns the measured numbers and `judge` reads only them, so a verdict can be recomputed from a
result file and is never tuned by looking at a figure.
"""

from dataclasses import dataclass

from layerwise.utils.registry import Registry

#: Every experiment class, by its command-line name; a subclass registers itself when it is defined.
EXPERIMENTS = Registry("lab experiment")

HELD, DID_NOT_HOLD, INCONCLUSIVE = "held", "did not hold", "inconclusive"
STATUSES = (HELD, DID_NOT_HOLD, INCONCLUSIVE)


@dataclass(frozen=True)
class Verdict:
    """Whether the claim held on the measured numbers, and the numbers that say so."""

    status: str
    reason: str

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"Verdict: status must be one of {STATUSES}, received {self.status!r}")

    @classmethod
    def of(cls, held: bool, reason: str) -> "Verdict":
        """"held" when ``held`` is true, else "did not hold"."""
        return cls(HELD if held else DID_NOT_HOLD, reason)


class Experiment:
    """Base class of the lab's experiments.

    Class attributes a subclass sets:
        name: the command-line name (``layerwise lab run NAME``), lower case with hyphens.
        title: a short title for the report.
        number: its place in the lab's list (the issue's numbering).
        lectures: the lecture files the claim comes from, e.g. ``("001_9d6428fc0ed20444.txt",)``.
        claim: the claim, quoted from the lecture.
        protocol: the data, model and budget at full scale, and what ``--quick`` shrinks.
        criterion: the rule `judge` applies, in words.
        minutes: the expected full-scale wall time on a 2-core machine.
        datasets: the image datasets it can run on (``--dataset``), its default first; empty when its data
            are fixed by the claim (read ``trial.dataset`` in `run` when it is not).
    """

    name = title = claim = protocol = criterion = ""
    number = 0
    lectures: tuple = ()
    datasets: tuple = ()
    minutes = 5.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        missing = [field for field in ("name", "title", "claim", "protocol", "criterion", "lectures")
                   if not getattr(cls, field)]
        if missing:
            raise TypeError(f"lab experiment {cls.__name__} does not declare {', '.join(missing)}")
        EXPERIMENTS[cls.name] = cls

    def run(self, trial) -> dict:
        """Measure, at the trial's scale and seed; draw figures and tables on ``trial``; return the numbers
        (JSON types: numbers, strings, lists and dicts of them) that `judge` reads."""
        raise NotImplementedError

    def judge(self, numbers: dict) -> Verdict:
        """The verdict on ``numbers`` (what `run` returned), by the criterion fixed before the run."""
        raise NotImplementedError
