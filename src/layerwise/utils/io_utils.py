"""Whether progress is drawn live (Keras's interactive logging): a bar redrawn in place, or plain lines.

Keras sends progress to its logger when interactive logging is off; layerwise's `ProgbarLogger` and `Progbar`
then write one plain line per epoch (or per finished bar) instead of a live bar, which suits log files and CI.

Example:
    >>> disable_interactive_logging(); is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging(); is_interactive_logging_enabled()
    True
"""

_INTERACTIVE = True


def enable_interactive_logging() -> None:
    """Draw progress as live bars (the default)."""
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging() -> None:
    """Write progress as plain lines, never as a live bar."""
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled() -> bool:
    return _INTERACTIVE
