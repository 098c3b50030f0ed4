"""The shortcut-variants criterion judges He et al.'s ordering as written."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.shortcut_variants import ShortcutVariants


def _numbers(identity, scaling, projection, dropout):
    errors = {"identity": identity, "scaling": scaling, "projection": projection, "dropout": dropout}
    return {"variants": {variant: {"train_error": [0.9, error], "test_error": error}
                         for variant, error in errors.items()}}


@pytest.mark.parametrize("errors, status", [
    ((0.10, 0.14, 0.13, 0.25), HELD),  # Table 1's order
    ((0.10, 0.14, 0.13, None), HELD),  # dropout failed to converge
    ((0.10, 0.09, 0.13, 0.25), DID_NOT_HOLD),  # scaling beats the identity
    ((0.10, 0.14, 0.13, 0.135), DID_NOT_HOLD),  # dropout not the worst
    ((0.10, 0.14, 0.13, 0.09), DID_NOT_HOLD),  # dropout the best
    ((0.10, 0.105, 0.13, 0.25), INCONCLUSIVE),  # the identity best by half a point only
    ((0.10, 0.14, 0.13, 0.145), INCONCLUSIVE),  # dropout the worst by half a point only
    ((None, 0.14, 0.13, 0.25), INCONCLUSIVE),  # the identity run diverged
])
def test_the_criterion(errors, status):
    assert ShortcutVariants().judge(_numbers(*errors)).status == status
