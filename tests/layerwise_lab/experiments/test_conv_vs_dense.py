"""The shifted accuracy averages the four directions, and the conv-vs-dense criterion judges as written."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.conv_vs_dense import ConvVsDense, shifted_accuracy


class InkCounter:
    """Stands in for a model: its "accuracy" is the fraction of the images' ink still in the frame."""

    def __init__(self, images):
        self.ink = images.sum()

    def evaluate(self, images, labels, verbose=0):
        return [0.0, images.sum() / self.ink]


def test_shifted_accuracy_averages_the_four_directions():
    images = np.zeros((1, 28, 28, 1), dtype="float32")
    images[0, 0, 5] = images[0, 10, 10] = 1.0  # one pixel on the top border, one inside
    model = InkCounter(images)
    assert shifted_accuracy(model, images, None, 0) == 1.0
    # Shifting up by 1 pushes the border pixel out; down, left and right keep both.
    assert shifted_accuracy(model, images, None, 1) == pytest.approx((1 + 0.5 + 1 + 1) / 4)


@pytest.mark.parametrize("cnn, mlp, parameters, status", [
    ([[0.98, 0.5], [0.97, 0.55]], [[0.95, 0.2], [0.96, 0.25]], (6000, 200000), HELD),
    ([[0.98, 0.5], [0.97, 0.55]], [[0.95, 0.2], [0.96, 0.25]], (300000, 200000), DID_NOT_HOLD),
    ([[0.94, 0.5], [0.95, 0.55]], [[0.95, 0.2], [0.96, 0.25]], (6000, 200000), DID_NOT_HOLD),  # less accurate
    ([[0.98, 0.2], [0.97, 0.25]], [[0.95, 0.5], [0.96, 0.55]], (6000, 200000), DID_NOT_HOLD),  # degrades more
    ([[0.98, 0.5], [0.95, 0.55]], [[0.95, 0.2], [0.96, 0.25]], (6000, 200000), INCONCLUSIVE),  # seeds disagree
])
def test_the_criterion(cnn, mlp, parameters, status):
    numbers = {"shifts": [0, 4], "parameters": dict(zip(("CNN", "MLP"), parameters)),
               "runs": [{"seed": seed, "CNN": c, "MLP": m} for seed, (c, m) in enumerate(zip(cnn, mlp))]}
    assert ConvVsDense().judge(numbers).status == status
