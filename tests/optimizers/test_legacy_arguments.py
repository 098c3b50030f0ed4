"""Keras 2's optimizer arguments: ``lr`` and ``decay`` (inverse-time decay per step), with a DeprecationWarning."""

import numpy as np
import pytest

from layerwise import optimizers
from layerwise.layers import Parameter


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"])
def test_lr_is_learning_rate_with_a_warning(name):
    with pytest.warns(DeprecationWarning, match=f"{name}: the argument lr is Keras 2's; use learning_rate"):
        optimizer = getattr(optimizers, name)(lr=0.125)
    assert optimizer.learning_rate == 0.125


def test_decay_is_keras_2s_inverse_time_decay_per_step():
    """Keras 2: α_t = α / (1 + decay t) at the t-th update (t from 0); checked on plain SGD steps by hand."""
    with pytest.warns(DeprecationWarning, match="decay is Keras 2's"):
        sgd = optimizers.SGD(learning_rate=0.5, decay=0.25)
    w = Parameter(np.array([1.0]), "w")
    expected = 1.0
    for t in range(4):
        w.grad[:] = 2.0
        sgd.apply([w])
        expected -= 0.5 / (1 + 0.25 * t) * 2.0
        np.testing.assert_allclose(w.value, [expected], rtol=1e-15)
    clone = optimizers.deserialize(optimizers.serialize(sgd))
    clone.iterations = 3
    assert clone.learning_rate == pytest.approx(0.5 / 1.75)


def test_decay_needs_a_constant_learning_rate():
    schedule = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="decay must be a non-negative float"):
        optimizers.Adam(learning_rate=schedule, decay=0.1)
    assert optimizers.SGD(decay=0.0).learning_rate == 0.01
