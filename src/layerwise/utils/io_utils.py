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
    """Draw progress as live bars (the default).

    Example:
        >>> disable_interactive_logging()
        >>> enable_interactive_logging()
        >>> is_interactive_logging_enabled()
        True
    """
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging() -> None:
    """Write progress as plain lines, never as a live bar.

    Example:
        `fit` with ``verbose=1`` then prints one line per epoch to the standard output:

        >>> import numpy as np
        >>> import layerwise
        >>> model = layerwise.Sequential([layerwise.layers.Dense(1, input_dim=1, kernel_initializer="zeros")])
        >>> model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="mse")
        >>> disable_interactive_logging()
        >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), batch_size=2, epochs=2, verbose=1)
        Epoch 1/2 - loss: 0.6800
        Epoch 2/2 - loss: 0.0881
        >>> enable_interactive_logging()
    """
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress is drawn as live bars (`enable_interactive_logging`) rather than plain lines
    (`disable_interactive_logging`).

    Example:
        >>> disable_interactive_logging()
        >>> is_interactive_logging_enabled()
        False
        >>> enable_interactive_logging()
        >>> is_interactive_logging_enabled()
        True
    """
    return _INTERACTIVE
