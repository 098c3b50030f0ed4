"""The augmentation changes training images only, and the data-augmentation criterion judges as written."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.data_augmentation import DataAugmentation, augmentation


def test_augmentation_moves_training_images_and_leaves_test_images_alone():
    images = np.zeros((16, 28, 28, 1), dtype="float32")
    images[:, 10:18, 12:16] = 1.0
    trained, tested = images, images
    for layer in augmentation():
        trained, tested = layer(trained, training=True), layer(tested, training=False)
    np.testing.assert_array_equal(tested, images)
    assert all(not np.allclose(moved, image) for moved, image in zip(trained, images))
    assert trained.min() >= 0 and trained.max() <= 1 + 1e-6  # filled with the black background


@pytest.mark.parametrize("plain, augmented, status", [
    ([0.06, 0.07], [0.045, 0.05], HELD),
    ([0.06, 0.07], [0.065, 0.075], DID_NOT_HOLD),
    ([0.06, 0.07], [0.055, 0.066], INCONCLUSIVE),  # lower, but by 0.45 points
    ([0.06, 0.07], [0.062, 0.04], INCONCLUSIVE),  # 1.4 points on average, but not in every seed
])
def test_the_criterion(plain, augmented, status):
    numbers = {"runs": [{"seed": seed, "plain": {"test_error": [0.5, p]}, "augmented": {"test_error": [0.5, a]}}
                        for seed, (p, a) in enumerate(zip(plain, augmented))]}
    assert DataAugmentation().judge(numbers).status == status
