"""The per-epoch logs a plot reads: a History's, a dict of them, and their ``<statistic>/<layer>`` series."""


def history_dict(history, owner):
    """{key: list of values per epoch} from a `History` (or a pre-training `LayerReport`, which is one) or
    from its ``.history`` dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(f"{owner}: history must be a layerwise History or its .history dict, received "
                        f"{type(history).__name__}")
    return logs


def layer_series(logs, statistic, owner, callback):
    """{layer: values} of the keys ``"<statistic>/<layer>"`` of ``logs``, in the logs' order (the diagnostics
    record layers input side first); a ValueError naming ``callback`` when there are none."""
    prefix = f"{statistic}/"
    series = {key[len(prefix):]: values for key, values in logs.items() if key.startswith(prefix)}
    if not series:
        raise ValueError(f"{owner}: the history has no '{statistic}/<layer>' keys; train with "
                         f"layerwise.diagnostics.{callback} among the callbacks (keys found: {sorted(logs)})")
    return series
