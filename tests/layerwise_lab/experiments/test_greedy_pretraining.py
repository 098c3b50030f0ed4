"""The greedy-pretraining experiment's comparison with random init, and its criterion judged as written."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.greedy_pretraining import ARMS, RANDOM, GreedyPretraining, beats


@pytest.mark.parametrize("arm, random, expected", [
    ([0.10, 0.11, 0.12], [0.15, 0.17, 0.16], True),     # every seed below random init's best
    ([0.10, 0.16, 0.12], [0.15, 0.17, 0.16], None),     # better on average, but one seed overlaps
    ([0.16, 0.16, 0.16], [0.15, 0.17, 0.16], False),    # equal means: no help
    ([0.20, 0.19, 0.21], [0.15, 0.17, 0.16], False),    # worse
    ([0.10], [0.12], True),                             # one seed each (--quick)
    ([0.12], [0.12], False),
])
def test_beats(arm, random, expected):
    assert beats(arm, random) is expected


def numbers(changed):
    """Test errors of 3 seeds: random init ~17%, every pre-trained start ~11%, except the ``changed`` ones."""
    errors = {RANDOM: [0.17, 0.18, 0.16], **{arm: [0.10, 0.11, 0.12] for arm in ARMS}}
    errors.update({arm: list(values) for arm, values in changed.items()})
    return {"random": RANDOM, "pretrained": list(ARMS), "seeds": 3, "test_error": errors,
            "train_error": {arm: [0.0] * 3 for arm in errors}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"supervised layer-wise": (0.15, 0.14, 0.155)}, HELD),             # worse than unsupervised: not judged
    ({"stacked sparse AE": (0.17, 0.18, 0.19)}, DID_NOT_HOLD),          # one arm no better on average
    ({RANDOM: (0.10, 0.10, 0.10)}, DID_NOT_HOLD),                       # random init as good as any
    ({"RBMs (DBN)": (0.10, 0.12, 0.165)}, INCONCLUSIVE),                # better on average, seeds overlap
    ({"stacked AE": (0.10, None, 0.12)}, INCONCLUSIVE),                 # a fine-tuning run diverged
    ({RANDOM: (0.17, None, 0.16)}, INCONCLUSIVE),
])
def test_the_criterion(case, status):
    assert GreedyPretraining().judge(numbers(case)).status == status
