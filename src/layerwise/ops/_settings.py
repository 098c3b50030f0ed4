"""The machine-dependent settings of `layerwise.ops` modules (chunk sizes, algorithms, kernels): each is set by the
calibration (`layerwise.config.calibrate`) unless the user has set it (`layerwise.config.set_calibration`)."""

from contextlib import contextmanager

# (module, setting) of the settings the user fixed, which the calibration leaves alone.
_fixed = set()


def tune(namespace, name, value, default, calibrated):
    """Set the setting ``name`` of the module whose globals are ``namespace`` to ``value`` (None: ``default``); a
    value the user set (``calibrated`` False) stands until the user sets it again, and the calibration's applies
    only while the user has set none."""
    key = (namespace["__name__"], name)
    if calibrated and key in _fixed:
        return
    namespace[name] = default if value is None else value
    if not calibrated:
        (_fixed.add if value is not None else _fixed.discard)(key)


@contextmanager
def all_or_none(settings):
    """Set several settings inside, all or none: an exception raised inside (a setter refusing its value, an
    interrupt) puts back the value of every (module, attribute) of ``settings`` and which of them the user had
    fixed."""
    saved, fixed = [(module, name, getattr(module, name)) for module, name in settings], set(_fixed)
    try:
        yield
    except BaseException:
        for module, name, value in saved:
            setattr(module, name, value)
        _fixed.clear()
        _fixed.update(fixed)
        raise
