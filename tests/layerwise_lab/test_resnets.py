"""The ResNet experiments' shared training: a curve from θ_0 to θ_epochs, a test error, and table cells."""

import numpy as np

from layerwise_lab._resnets import percent, train_resnet
from layerwise_lab._trial import Trial


def test_a_resnet_trains_and_is_measured_before_and_after_every_epoch(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 12, 12, 1), dtype="float32"), rng.integers(0, 10, 32)
    data = (x, y), (x[:8], y[:8])
    result = train_resnet(Trial(tmp_path), data, 8, epochs=2, batch_size=16, learning_rate=0.1, filters=(2, 2, 2),
                          measured=16, desc="test", shortcut="scaling")
    assert len(result["train_error"]) == 3 and all(0 <= error <= 1 for error in result["train_error"])
    assert 0 <= result["test_error"] <= 1 and result["parameters"] > 0 and result["seconds"] > 0


def test_a_table_shows_an_error_in_percent_or_that_the_run_diverged():
    assert percent(0.12345) == 12.35 and percent(None) == "diverged"
