"""Progbar: a progress bar of a loop of known length with running averages (`keras.utils.Progbar`)."""

import sys

from tqdm.auto import tqdm

from layerwise.utils import io_utils


class Progbar:
    """A bar over ``target`` steps showing the averages of the values it is given, as Keras's.

    Each value given with `update` or `add` is averaged over the steps since the start, weighted by how many steps
    each update advanced (a metric named in ``stateful_metrics`` is shown as given instead).

    Args:
        target: the total number of steps (None when unknown).
        width: accepted for Keras's signature (the bar fits the terminal).
        verbose: 0 silent, 1 a live bar (plain lines when interactive logging is off), 2 one line when done.
        interval: the least time in seconds between two redraws (default 0.05).
        stateful_metrics: names whose values are shown as given, not averaged.
        unit_name: what a step is called (default "step").

    Example:
        >>> bar = Progbar(4, verbose=0)
        >>> bar.update(1, [("loss", 1.0)])
        >>> bar.add(3, [("loss", 3.0)])
        >>> bar.averages()
        {'loss': 2.5}
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stateful_metrics, self.unit_name = set(stateful_metrics or ()), unit_name
        self.seen, self._sums, self._stateful = 0, {}, {}
        self.bar = None

    def averages(self) -> dict:
        """The values shown: running averages, and stateful values as last given."""
        return {**{name: total / count for name, (total, count) in self._sums.items()}, **self._stateful}

    def update(self, current, values=None, finalize=None):
        """Advance to step ``current`` with ``values`` [(name, value) ...]; ``finalize`` ends the bar (default:
        when ``current`` reaches the target)."""
        steps = max(current - self.seen, 1)
        for name, value in values or []:
            if name in self.stateful_metrics:
                self._stateful[name] = value
            else:
                total, count = self._sums.get(name, (0.0, 0))
                self._sums[name] = (total + float(value) * steps, count + steps)
        advanced, self.seen = current - self.seen, current
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._draw(advanced, finalize)

    def add(self, n, values=None):
        """`update` ``n`` steps further."""
        self.update(self.seen + n, values)

    def _draw(self, advanced, finalize):
        text = " - ".join(f"{name}: {value:.4f}" for name, value in self.averages().items())
        if self.verbose == 1 and io_utils.is_interactive_logging_enabled():
            if self.bar is None:
                self.bar = tqdm(total=self.target, unit=self.unit_name, file=sys.stderr, mininterval=self.interval,
                                dynamic_ncols=True)
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(advanced)
            if finalize:
                self.bar.close()
                self.bar = None
        elif self.verbose and finalize:
            print(f"{self.seen}/{self.target} - {text}", flush=True)
