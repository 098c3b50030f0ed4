"""Probabilistic losses: cross-entropies and divergences between target and predicted distributions."""

import numpy as np

from layerwise import activations
from layerwise.config import epsilon
from layerwise.losses.base import Loss, check_probabilities, integral, rows
from layerwise.utils._arguments import refuse


class BinaryCrossentropy(Loss):
    """l_n = -mean_j [y log p + (1 - y) log(1 - p)] (lecture 003), p clipped to [eps, 1 - eps].

    dJ/dp = (p - y) / (p (1 - p)) / (M d); with ``from_logits`` p = sigmoid(z) and dJ/dz = (p - y) / (M d).
    ``label_smoothing`` s replaces y by y (1 - s) + s / 2.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[1.0], [0.0]]), np.array([[0.8], [0.4]])
        >>> round(BinaryCrossentropy()(y_true, y_pred), 4)  # (-log 0.8 - log 0.6) / 2
        0.367
        >>> round(BinaryCrossentropy(from_logits=True)(y_true, np.zeros((2, 1))), 4)  # sigmoid(0) = 0.5: log 2
        0.6931
    """

    fusable_activation = "sigmoid"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None):
        super().__init__(name)
        self.from_logits, self.label_smoothing = from_logits, float(label_smoothing)

    def _smooth(self, y_true):
        s = self.label_smoothing
        return y_true * (1.0 - s) + 0.5 * s if s else y_true

    def call(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            z = y_pred
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)
        p = np.clip(y_pred, epsilon(), 1.0 - epsilon())
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=-1)

    def gradient(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            return (activations.sigmoid(y_pred) - y) * (1.0 / y_pred.size)
        p = np.clip(y_pred, epsilon(), 1.0 - epsilon())
        inside = (y_pred > epsilon()) & (y_pred < 1.0 - epsilon())
        return np.where(inside, (p - y) / (p * (1 - p)), 0) * (1.0 / y_pred.size)

    def fused_gradient(self, y_true, y_pred):
        return (y_pred - self._smooth(y_true)) * (1.0 / y_pred.size)

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(Loss):
    """l_n = -sum_i y_ni log p_ni over the classes (lecture 003), for one-hot (or soft) targets.

    As in Keras, p is first renormalized to sum to one along the class axis, then clipped to
    [eps, 1 - eps]; dJ/dp_i = (sum_j y_j / S - y_i / p_i) / M with S = sum_j p_j, where the sums and
    y_i leave out the classes whose renormalized p_j was clipped (their log is constant there).
    With ``from_logits``: l_n = -sum_i y_i log softmax(z)_i and dJ/dz = (softmax(z) sum_j y_j - y) / M.
    ``label_smoothing`` s replaces y by y (1 - s) + s / C.

    Example:
        >>> import numpy as np
        >>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        >>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> round(CategoricalCrossentropy()(y_true, y_pred), 4)  # (-log 0.95 - log 0.1) / 2
        1.1769
    """

    fusable_activation = "softmax"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None):
        super().__init__(name)
        self.from_logits, self.label_smoothing = from_logits, float(label_smoothing)

    def _targets(self, y_true, y_pred):
        s = self.label_smoothing
        return y_true * (1.0 - s) + s / y_pred.shape[-1] if s else y_true

    def _log_probabilities(self, y_pred):
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return np.log(np.clip(p, epsilon(), 1.0 - epsilon()))

    def call(self, y_true, y_pred):
        return -np.sum(self._targets(y_true, y_pred) * self._log_probabilities(y_pred), axis=-1)

    def gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        if self.from_logits:
            total = y.sum(axis=-1, keepdims=True)
            return (activations.softmax(y_pred) * total - y) * (1.0 / rows(y_pred))
        s = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / s
        inside = (p > epsilon()) & (p < 1.0 - epsilon())
        # A clipped log p_i is constant, so its target takes no part in the renormalization term either.
        y_inside = np.where(inside, y, 0)
        total = y_inside.sum(axis=-1, keepdims=True)
        return (total / s - y_inside / np.where(inside, y_pred, 1)) * (1.0 / rows(y_pred))

    def fused_gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        return (y_pred * y.sum(axis=-1, keepdims=True) - y) * (1.0 / rows(y_pred))

    def check_targets(self, y_true, output_shape):
        if y_true.ndim == len(output_shape) - 1 and output_shape[-1] != 1:
            raise ValueError(
                f"CategoricalCrossentropy: targets of shape {y_true.shape} look like integer labels, "
                f"but one-hot targets of shape (N, {output_shape[-1]}) are expected; use "
                "loss='sparse_categorical_crossentropy' or layerwise.utils.to_categorical")
        super().check_targets(y_true, output_shape)
        check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


def one_hot(y_true, y_pred):
    """Integer labels as one-hot rows of y_pred's shape and dtype."""
    labels = np.asarray(y_true).astype(np.intp).reshape(y_pred.shape[:-1])
    encoded = np.zeros_like(y_pred)
    np.put_along_axis(encoded, labels[..., None], 1, axis=-1)
    return encoded


def _at_labels(y_true, y_pred):
    """(y_pred as rows over its last axis, the index of each row's label in them): the values and steps of the sparse
    cross-entropy read and written at the labels, the same numbers as `CategoricalCrossentropy` of the one-hot rows
    in fewer of NumPy's calls (a batch's loss and softmax gradient in 66 and 39 us against 123 and 82 us, right
    after a matrix product has left the caches to them, on the Intel Xeon VM)."""
    flat = y_pred.reshape(-1, y_pred.shape[-1])
    return flat, (np.arange(len(flat)), np.asarray(y_true).astype(np.intp).reshape(len(flat)))


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels: l_n = -log p_{n, y_n}.

    dJ/dp = (1 / S - onehot(y) / p) / M (p renormalized and clipped as in `CategoricalCrossentropy`);
    with ``from_logits``: dJ/dz = (softmax(z) - onehot(y)) / M.

    Example:
        >>> import numpy as np
        >>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> round(SparseCategoricalCrossentropy()(np.array([1, 2]), y_pred), 4)  # (-log 0.95 - log 0.1) / 2
        1.1769
    """

    fusable_activation = "softmax"

    def __init__(self, from_logits=False, name=None):
        super().__init__(name)
        self.from_logits = from_logits
        self._dense = CategoricalCrossentropy(from_logits=from_logits)

    def call(self, y_true, y_pred):
        flat, at_labels = _at_labels(y_true, y_pred)
        if self.from_logits:
            shifted = flat - flat.max(axis=-1, keepdims=True)
            values = np.log(np.exp(shifted).sum(axis=-1)) - shifted[at_labels]
        else:
            values = -np.log(np.clip(flat[at_labels] / flat.sum(axis=-1), epsilon(), 1.0 - epsilon()))
        return values.reshape(y_pred.shape[:-1])

    def gradient(self, y_true, y_pred):
        return self._dense.gradient(one_hot(y_true, y_pred), y_pred)

    def fused_gradient(self, y_true, y_pred):
        flat, at_labels = _at_labels(y_true, y_pred)
        gradient = flat.copy()
        gradient[at_labels] -= 1
        gradient *= 1.0 / rows(y_pred)
        return gradient.reshape(y_pred.shape)

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if tuple(y_true.shape[1:]) not in (tuple(output_shape[1:-1]), tuple(output_shape[1:-1]) + (1,)):
            raise ValueError(
                f"{type(self).__name__}: integer labels of shape (N,) are expected for outputs "
                f"of shape {tuple(output_shape)}, received labels of shape {y_true.shape}"
                + ("; for one-hot targets use loss='categorical_crossentropy'"
                   if y_true.shape[-1:] == (classes,) else ""))
        if y_true.size and not (y_true.min() >= 0 and y_true.max() < classes and integral(y_true)):
            refuse(type(self).__name__, "labels", y_true,
                   ~((y_true >= 0) & (y_true < classes) & (y_true == np.floor(y_true))),
                   f"integers in [0, {classes}) (one per class of the model's output)")

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class KLDivergence(Loss):
    """l_n = sum_i y_i log(y_i / p_i), y and p clipped to [eps, 1]; dJ/dp = -y / p / M.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[0.25, 0.75], [0.5, 0.5]])
        >>> # Rows 0.5 log(0.5 / 0.25) + 0.5 log(0.5 / 0.75) = 0.1438 and log(1 / 0.5) = 0.6931 (0 log 0 is 0).
        >>> round(KLDivergence()(y_true, y_pred), 4)
        0.4185
    """

    def call(self, y_true, y_pred):
        y = np.clip(y_true, epsilon(), 1.0)
        p = np.clip(y_pred, epsilon(), 1.0)
        return np.sum(y * np.log(y / p), axis=-1)

    def gradient(self, y_true, y_pred):
        y = np.clip(y_true, epsilon(), 1.0)
        inside = (y_pred > epsilon()) & (y_pred < 1.0)
        return np.where(inside, -y / np.where(inside, y_pred, 1), 0) * (1.0 / rows(y_pred))


class Poisson(Loss):
    """l_n = mean_j (p - y log(p + eps)); dJ/dp = (1 - y / (p + eps)) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
        >>> round(Poisson()(y_true, y_pred), 4)  # rows ((1 - 0) + (1 - log 1)) / 2 = 1 and 0
        0.5
    """

    def call(self, y_true, y_pred):
        return np.mean(y_pred - y_true * np.log(y_pred + epsilon()), axis=-1)

    def gradient(self, y_true, y_pred):
        return (1.0 - y_true / (y_pred + epsilon())) * (1.0 / y_pred.size)


class BinaryFocalCrossentropy(Loss):
    """Lin et al.'s focal loss for binary targets: cross-entropy down-weighted on well-classified entries.

    With y smoothed as in `BinaryCrossentropy`, p = y_pred (or sigmoid(y_pred) ``from_logits``), p_t = y p +
    (1 - y)(1 - p), b = -[y log p̄ + (1 - y) log(1 - p̄)] with p̄ = clip(p, eps, 1 - eps), and w = y α + (1 - y)(1 - α)
    under ``apply_class_balancing`` (else 1): l_n = mean_j w (1 - p_t)^γ b, as Keras. Its gradient:
    dl/dp = w [(1 - p_t)^γ db/dp - γ (1 - p_t)^(γ-1) (2y - 1) b], db/dp = (p̄ - y) / (p̄ (1 - p̄)) where p is not
    clipped (else 0); through the sigmoid, dp/dz = p (1 - p).

    Args:
        apply_class_balancing: weigh the entries by α (targets 1) and 1 - α (targets 0).
        alpha: α in [0, 1] (default 0.25).
        gamma: the focusing exponent γ >= 0 (default 2; 0 is plain cross-entropy).
        from_logits: y_pred holds logits.
        label_smoothing: s: y becomes y (1 - s) + s / 2.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]])
        >>> # Each entry: cross-entropy log 2 times (1 - p_t)^γ = 0.5² = 0.25.
        >>> round(BinaryFocalCrossentropy(gamma=2.0)(y_true, y_pred), 4)
        0.1733
        >>> round(BinaryFocalCrossentropy(gamma=0.0)(y_true, y_pred), 4)  # γ = 0: plain cross-entropy, log 2
        0.6931

    References:
        Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 name=None):
        super().__init__(name)
        self.apply_class_balancing, self.from_logits = bool(apply_class_balancing), bool(from_logits)
        self.alpha, self.gamma, self.label_smoothing = float(alpha), float(gamma), float(label_smoothing)

    def _parts(self, y_true, y_pred):
        s = self.label_smoothing
        y = y_true * (1.0 - s) + 0.5 * s if s else y_true
        p = activations.sigmoid(y_pred) if self.from_logits else y_pred
        clipped = np.clip(p, epsilon(), 1.0 - epsilon())
        bce = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
        miss = 1.0 - (y * p + (1 - y) * (1 - p))
        weight = y * self.alpha + (1 - y) * (1 - self.alpha) if self.apply_class_balancing else 1.0
        return y, p, clipped, bce, miss, weight

    def call(self, y_true, y_pred):
        _, _, _, bce, miss, weight = self._parts(y_true, y_pred)
        return np.mean(weight * miss ** self.gamma * bce, axis=-1)

    def gradient(self, y_true, y_pred):
        y, p, clipped, bce, miss, weight = self._parts(y_true, y_pred)
        inside = (p > epsilon()) & (p < 1.0 - epsilon())
        dbce = np.where(inside, (clipped - y) / (clipped * (1 - clipped)), 0)
        dmiss = self.gamma * miss ** (self.gamma - 1) * (1 - 2 * y) if self.gamma else 0.0
        dp = weight * (miss ** self.gamma * dbce + dmiss * bce)
        if self.from_logits:
            dp = dp * (p * (1 - p))
        return dp * (1.0 / y_pred.size)

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "apply_class_balancing": self.apply_class_balancing, "alpha": self.alpha,
                "gamma": self.gamma, "from_logits": self.from_logits, "label_smoothing": self.label_smoothing}


class CategoricalFocalCrossentropy(Loss):
    """The focal loss for one-hot targets: l_n = sum_i α (1 - p_i)^γ (-y_i log p_i), as Keras.

    p is y_pred (or softmax(y_pred) ``from_logits``) renormalized to sum to one, then clipped to [eps, 1 - eps].
    With g_i = dl/dp_i = α y_i [γ (1 - p_i)^(γ-1) log p_i - (1 - p_i)^γ / p_i] (0 where p_i was clipped): through the
    renormalization q -> q / S, dl/dq_j = (g_j - sum_i g_i p_i) / S; through the softmax, dl/dz = p (g - sum_i g_i p_i).

    Args:
        alpha: the weight α (default 0.25).
        gamma: the focusing exponent γ >= 0 (default 2).
        from_logits: y_pred holds logits.
        label_smoothing: s: y becomes y (1 - s) + s / C.

    Example:
        >>> import numpy as np
        >>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        >>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> # Rows α (1 - p)^γ (-log p): 0.25 * 0.05² * 0.0513 (well classified, almost 0) and 0.25 * 0.9² * 2.3026.
        >>> round(CategoricalFocalCrossentropy()(y_true, y_pred), 4)
        0.2332

    References:
        Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, name=None):
        super().__init__(name)
        self.alpha, self.gamma, self.label_smoothing = float(alpha), float(gamma), float(label_smoothing)
        self.from_logits = bool(from_logits)

    def _parts(self, y_true, y_pred):
        s = self.label_smoothing
        y = y_true * (1.0 - s) + s / y_pred.shape[-1] if s else y_true
        q = activations.softmax(y_pred) if self.from_logits else y_pred
        p = q / q.sum(axis=-1, keepdims=True)
        return y, q, p, np.clip(p, epsilon(), 1.0 - epsilon())

    def call(self, y_true, y_pred):
        y, _, _, clipped = self._parts(y_true, y_pred)
        return np.sum(self.alpha * (1 - clipped) ** self.gamma * -y * np.log(clipped), axis=-1)

    def gradient(self, y_true, y_pred):
        y, q, p, clipped = self._parts(y_true, y_pred)
        inside = (p > epsilon()) & (p < 1.0 - epsilon())
        focus = self.gamma * (1 - clipped) ** (self.gamma - 1) * np.log(clipped) if self.gamma else 0.0
        g = np.where(inside, self.alpha * y * (focus - (1 - clipped) ** self.gamma / clipped), 0)
        centered = g - np.sum(g * p, axis=-1, keepdims=True)
        dq = p * centered if self.from_logits else centered / q.sum(axis=-1, keepdims=True)
        return dq * (1.0 / rows(y_pred))

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "gamma": self.gamma, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalGeneralizedCrossEntropy(Loss):
    """Zhang & Sabuncu's generalized cross-entropy for integer labels: l_n = (1 - p_{n,y_n}^q) / q, q in (0, 1)
    (q -> 0: cross-entropy; q = 1: MAE), robust to noisy labels. dJ/dp_{n,y_n} = -p^(q-1) / M, 0 elsewhere.

    Args:
        q: in (0, 1) (default 0.5).

    Example:
        >>> import numpy as np
        >>> y_pred = np.array([[0.25, 0.75], [0.36, 0.64]])
        >>> # The true classes' p: 0.25 and 0.64; rows (1 - √0.25) / 0.5 = 1 and (1 - √0.64) / 0.5 = 0.4.
        >>> round(CategoricalGeneralizedCrossEntropy(q=0.5)(np.array([0, 1]), y_pred), 4)
        0.7

    References:
        Zhang & Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels",
        NeurIPS 2018.
    """

    def __init__(self, q=0.5, name=None):
        super().__init__(name)
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q must lie in (0, 1), received {q!r}")
        self.q = float(q)

    def _true_class(self, y_true, y_pred):
        encoded = one_hot(y_true, y_pred)
        return encoded, np.sum(y_pred * encoded, axis=-1, keepdims=True)

    def call(self, y_true, y_pred):
        return ((1 - self._true_class(y_true, y_pred)[1] ** self.q) / self.q)[..., 0]

    def gradient(self, y_true, y_pred):
        encoded, p = self._true_class(y_true, y_pred)
        return encoded * -p ** (self.q - 1) * (1.0 / rows(y_pred))

    check_targets = SparseCategoricalCrossentropy.check_targets

    def get_config(self):
        return {**super().get_config(), "q": self.q}
