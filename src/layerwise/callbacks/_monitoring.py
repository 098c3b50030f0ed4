"""What EarlyStopping and ReduceLROnPlateau share: the direction of a monitored quantity, and the
optimizer's learning rate."""

_MAXIMIZED = ("acc", "auc", "precision", "recall")


def resolve_mode(owner, mode, monitor) -> str:
    """"min" or "max" for ``mode``; "auto" maximizes accuracy-like names (acc, auc, precision, recall)."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', received {mode!r}")
    if mode != "auto":
        return mode
    return "max" if any(word in monitor for word in _MAXIMIZED) else "min"


def improves(current, reference, mode, min_delta) -> bool:
    """Whether ``current`` beats ``reference`` by more than ``min_delta`` in the direction of ``mode``."""
    if reference is None:
        return True
    return current - min_delta > reference if mode == "max" else current + min_delta < reference


def set_learning_rate(owner, model, value) -> None:
    """Replace the optimizer's (constant) learning rate, refusing to overwrite a schedule."""
    optimizer = model.optimizer
    if callable(optimizer._learning_rate):
        raise TypeError(f"{owner}: the optimizer's learning rate is a schedule "
                        f"({type(optimizer._learning_rate).__name__}); use a float learning rate with {owner}")
    optimizer.learning_rate = float(value)
