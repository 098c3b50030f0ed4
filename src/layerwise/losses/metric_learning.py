"""Circle loss (Sun et al. 2020), as Keras's: metric learning of L2-normalized embeddings from integer labels."""

import numbers

import numpy as np

from layerwise.config import epsilon
from layerwise.losses.base import Loss, per_sample


def _masked_logsumexp(values, mask):
    """(log sum_{j in mask} exp(values_ij) per row, the softmax over the mask), -inf and zeros for an empty row."""
    any_entry = mask.any(axis=1, keepdims=True)
    peak = np.where(any_entry, np.max(np.where(mask, values, -np.inf), axis=1, keepdims=True), 0.0)
    exponentials = np.where(mask, np.exp(np.where(mask, values - peak, 0.0)), 0.0)
    total = exponentials.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        log_total = np.where(any_entry, np.log(np.where(any_entry, total, 1.0)) + peak, -np.inf)
    return log_total[:, 0], exponentials / np.where(any_entry, total, 1.0)


class _Pairs:
    """Everything one forward pass of the loss computes that its gradient reads."""

    def __init__(self, y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin):
        labels = np.asarray(y_true).reshape(-1)
        references = labels if ref_labels is None else np.asarray(ref_labels).reshape(-1)
        self.embeddings = np.asarray(y_pred)
        self.references = self.embeddings if ref_embeddings is None else np.asarray(ref_embeddings)
        self.positive = labels[:, None] == references[None, :]
        self.negative = ~self.positive
        if remove_diagonal:
            self.positive &= ~np.eye(len(labels), len(references), dtype=bool)
        similarity = self.embeddings @ self.references.T
        self.unclipped = 1.0 - similarity > 0.0
        d = np.maximum(1.0 - similarity, 0.0)  # cosine distances D = 1 - s, clipped at 0
        self.alpha_positive = np.maximum((margin + d) * self.positive, 0.0)
        self.alpha_negative = np.maximum((1.0 + margin - d) * self.negative, 0.0)
        self.delta_positive, self.delta_negative = margin - d, 1.0 - margin - d
        positive_logits = -gamma * self.alpha_positive * self.delta_positive
        negative_logits = gamma * self.alpha_negative * self.delta_negative
        self.p, self.positive_softmax = _masked_logsumexp(positive_logits, self.positive)
        self.n, self.negative_softmax = _masked_logsumexp(negative_logits, self.negative)
        with np.errstate(invalid="ignore"):
            total = self.p + self.n
        self.total = np.where(np.isnan(total), -np.inf, total)
        self.losses = np.logaddexp(0.0, self.total).astype(self.embeddings.dtype, copy=False)  # softplus
        self.gamma = gamma

    def loss_gradient_by_distance(self, weights):
        """dJ/dD for J = sum_i w_i l_i (rows of no positive or no negative pair contribute 0)."""
        with np.errstate(over="ignore"):
            sigma = np.where(np.isneginf(self.total), 0.0, 1.0 / (1.0 + np.exp(-self.total)))
        # d(logit)/dD: positives -γ (α' (m - D) - α_p), α' = 1 where α_p > 0;
        # negatives γ (α' (1 - m - D) - α_n), α' = -1 where α_n > 0.
        d_positive = -self.gamma * ((self.alpha_positive > 0) * self.delta_positive - self.alpha_positive)
        d_negative = -self.gamma * ((self.alpha_negative > 0) * self.delta_negative + self.alpha_negative)
        return (weights * sigma)[:, None] * (self.positive_softmax * d_positive + self.negative_softmax * d_negative)


def _check(gamma, margin, owner):
    for argument, value in (("gamma", gamma), ("margin", margin)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{owner}: {argument} must be a non-negative float, received {value!r}")


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Per-sample Circle losses l_i of embeddings ``y_pred`` (N, d) with integer labels ``y_true`` (N,), as
    ``keras.losses.circle``: each sample's similarities to the reference embeddings (``ref_embeddings``, with
    ``ref_labels``; default: the batch itself, without the pair of a sample with itself when
    ``remove_diagonal``) of its class (positives) and of other classes (negatives); see `Circle`.

    Example:
        >>> import numpy as np
        >>> y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        >>> # Samples 0, 1: a positive pair (s = 1) and a negative (s = 0), each logit -γ m²: l = softplus(-2 γ m²).
        >>> # Sample 2 has no positive pair.
        >>> np.round(circle([0, 0, 1], y, gamma=1.0, margin=0.25), 4)
        array([0.6326, 0.6326, 0.    ])
    """
    _check(gamma, margin, "circle")
    return _Pairs(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin).losses


class Circle(Loss):
    """Circle loss of L2-normalized embeddings y_i with integer labels, as ``keras.losses.Circle``.

    With s_ij = y_i · y_j the cosine similarities within the batch (clipped at most 1), the pairs of the same
    label (positives, j ≠ i) and of different labels (negatives), margin m and scale γ:

    l_i = softplus(LSE_pos_j(-γ α_p (s_ij - Δ_p)) + LSE_neg_j(γ α_n (s_ij - Δ_n))),
    α_p = [1 + m - s_ij]_+,  α_n = [s_ij + m]_+,  Δ_p = 1 - m,  Δ_n = m,

    LSE the log-sum-exp over the pairs: each pair is weighted by how far it is from its optimum (1 + m for a
    positive, -m for a negative), so pairs already good count little. A sample with no positive (or no
    negative) pair in the batch has l_i = 0. As Keras (which masks the zero losses), J averages over the
    samples whose loss is positive: J = sum_i l_i / (#{i: l_i > 0} + ε).

    dJ/dy: with g_ij = dJ/ds_ij (the softmaxes of the two LSEs times σ(·) of softplus times dlogit/ds, zero
    where s was clipped), dJ/dY = (G + Gᵀ) Y, since every embedding is both a sample and a reference.

    Args:
        gamma: γ, the scale (default 80).
        margin: m, the relaxation (default 0.4).
        remove_diagonal: leave the pair of a sample with itself out of its positives (default True).
        name: the loss's name (default "circle").

    Targets: integer labels of shape (N,) (or (N, 1)); outputs: embeddings (N, d), which the model should
    normalize (`layerwise.layers.UnitNormalization`). Sample weights weigh each sample's loss when the loss is
    evaluated; training refuses them (every sample's loss depends on the other samples' embeddings, so dJ/dy
    is not a per-sample rescaling).

    Example:
        >>> import numpy as np
        >>> y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        >>> round(Circle(gamma=1.0, margin=0.25)([0, 0, 1], y), 4)  # (0.6326 + 0.6326) / the 2 samples with a loss
        0.6326

    References:
        Sun et al., "Circle Loss: A Unified Perspective of Pair Similarity Optimization", CVPR 2020.
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, name="circle"):
        super().__init__(name)
        _check(gamma, margin, "Circle")
        self.gamma, self.margin, self.remove_diagonal = float(gamma), float(margin), bool(remove_diagonal)

    def _pairs(self, y_true, y_pred):
        return _Pairs(y_true, y_pred, None, None, self.remove_diagonal, self.gamma, self.margin)

    def call(self, y_true, y_pred):
        return self._pairs(y_true, y_pred).losses

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        losses = self.call(y_true, y_pred)
        weights = 1.0 if sample_weight is None else per_sample(self.check_sample_weight(sample_weight, losses), 1)
        return float(np.sum(losses * weights) / (np.count_nonzero(losses > 0) + epsilon()))

    def gradient(self, y_true, y_pred):
        pairs = self._pairs(y_true, y_pred)
        weights = np.full(len(pairs.losses), 1.0 / (np.count_nonzero(pairs.losses > 0) + epsilon()),
                          dtype=pairs.embeddings.dtype)
        g = -pairs.loss_gradient_by_distance(weights) * pairs.unclipped  # dJ/ds = -dJ/dD where D is not clipped
        return ((g + g.T) @ pairs.embeddings).astype(pairs.embeddings.dtype, copy=False)

    def weigh(self, gradient, sample_weight):
        if sample_weight is not None:
            raise ValueError("Circle: training with sample weights (or class weights) is not supported: each "
                             "sample's loss depends on the other samples' embeddings")
        return gradient

    def check_targets(self, y_true, output_shape):
        if len(output_shape) != 2 or tuple(y_true.shape[1:]) not in ((), (1,)):
            raise ValueError(f"Circle: integer labels of shape (N,) and embeddings of shape (N, d) are expected, "
                             f"received labels of shape {y_true.shape} for outputs of shape {tuple(output_shape)}")

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma, "margin": self.margin,
                "remove_diagonal": self.remove_diagonal}
