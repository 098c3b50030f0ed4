"""LambdaCallback: a callback made of plain functions."""

from layerwise.callbacks.callback import _HOOKS, Callback

_ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}


class LambdaCallback(Callback):
    """Call the given functions at the matching hooks, as Keras's LambdaCallback.

    Epoch hooks receive ``(epoch, logs)``, batch hooks ``(batch, logs)``, train/test/predict begin and
    end hooks ``(logs)``; ``logs`` is None where `fit` passes none. ``on_batch_begin`` and
    ``on_batch_end`` are Keras's aliases of the train-batch hooks.

    Args:
        **hooks: hook name -> function, e.g. ``on_epoch_end=lambda epoch, logs: print(logs["loss"])``.

    Example:
        >>> seen = []
        >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        >>> callback.on_epoch_end(3, {})
        >>> seen
        [3]
    """

    def __init__(self, **hooks):
        super().__init__()
        for name, function in hooks.items():
            hook = _ALIASES.get(name, name)
            if hook not in _HOOKS:
                raise ValueError(f"LambdaCallback: unknown hook {name!r}; known: {sorted(_HOOKS + list(_ALIASES))}")
            if function is not None:
                setattr(self, hook, _with_logs(function, 2 if "epoch" in hook or "batch" in hook else 1))


def _with_logs(function, arity):
    """Call ``function`` with exactly ``arity`` positional arguments, logs (possibly None) last."""
    def hook(*args, logs=None):
        function(*(args + (logs,))[:arity])
    return hook
