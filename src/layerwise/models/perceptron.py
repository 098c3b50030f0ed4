"""Rosenblatt's perceptron (lecture 001): a linear threshold unit and its error-driven learning rule."""

import numpy as np

from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator


class Perceptron:
    """f(x) = sign(Σ_j w_j φ_j(x) + b), trained with Rosenblatt's rule (lecture 001).

    For each training sample in turn, w_j ← w_j + η (y - f(x)) φ_j(x) and b ← b + η (y - f(x)), with
    labels y ∈ {-1, +1} (and sign(0) = -1): a correct prediction changes nothing, a wrong one moves w by
    ±2η φ(x), exactly the two cases the lecture lists. Here φ(x) = x (map features before fitting).

    On linearly separable data the rule stops after at most (R / γ)² mistakes (Novikoff), R the largest
    norm of (x, 1) and γ the margin of a unit-norm separator. On data that no hyperplane separates, such
    as XOR, some sample is misclassified in every epoch, so it never converges (the weights cycle).

    The samples are visited one at a time because each update changes the prediction of the next
    sample: the rule is sequential by definition, so the loop over samples is the algorithm itself.

    Args:
        learning_rate: η > 0 (default 1; with w_0 = 0 the predictions do not depend on η).
        max_epochs: passes over the data at most.
        shuffle: visit the samples in a new random order every epoch.
        seed: seed of the shuffling (default: the library's generator).

    Attributes:
        weights_ (n_features,), bias_: the learned w and b.
        classes_: the two labels, the first mapped to -1 and the second to +1.
        errors_: the number of mistakes (updates) in each epoch.
        converged_: whether an epoch ended without a mistake.

    Example:
        >>> import numpy as np
        >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> model = Perceptron(shuffle=False).fit(x, np.array([0, 0, 0, 1]))  # AND is separable
        >>> model.converged_, model.predict(x).tolist()
        (True, [0, 0, 0, 1])

    References:
        Rosenblatt, "The Perceptron: A Probabilistic Model for Information Storage and Organization in
        the Brain", Psychological Review 1958; Novikoff, "On Convergence Proofs for Perceptrons", 1962.
        Lecture 001 (Frank Rosenblatt's Perceptron; single layer is not enough).
    """

    def __init__(self, learning_rate=1.0, max_epochs=100, shuffle=True, seed=None):
        if not learning_rate > 0:
            raise ValueError(f"Perceptron: learning_rate must be > 0, received {learning_rate!r}")
        max_epochs = check_integer(max_epochs, "max_epochs", "Perceptron")
        self.learning_rate, self.max_epochs, self.shuffle, self.seed = float(learning_rate), max_epochs, shuffle, seed
        self.weights_, self.bias_, self.classes_ = None, 0.0, None
        self.errors_, self.converged_ = [], False
        self._rng = None

    def _signed_labels(self, y):
        y = np.asarray(y)
        if self.classes_ is None:
            self.classes_ = np.unique(y)
            if len(self.classes_) != 2:
                raise ValueError(f"Perceptron: y must hold exactly two classes, received {self.classes_.tolist()}")
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"Perceptron: y holds labels {np.unique(y[unknown]).tolist()} outside the classes "
                             f"{self.classes_.tolist()} seen first")
        return np.where(y == self.classes_[1], 1.0, -1.0)

    def _check_x(self, x, where):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(f"Perceptron.{where}: x must have shape (samples, features), received {x.shape}")
        if self.weights_ is not None and x.shape[1] != len(self.weights_):
            raise ValueError(f"Perceptron.{where}: expected {len(self.weights_)} features, received {x.shape[1]}")
        return x

    def partial_fit(self, x, y) -> int:
        """One epoch of Rosenblatt's rule over (x, y); returns the number of mistakes in it."""
        x = self._check_x(x, "partial_fit")
        targets = self._signed_labels(y)
        if len(x) != len(targets):
            raise ValueError(f"Perceptron.partial_fit: x has {len(x)} samples but y has {len(targets)}")
        if self.weights_ is None:
            self.weights_ = np.zeros(x.shape[1])
        if self.shuffle and self._rng is None:
            self._rng = make_generator(self.seed)
        order = self._rng.permutation(len(x)) if self.shuffle else range(len(x))
        mistakes = 0
        for i in order:
            prediction = 1.0 if x[i] @ self.weights_ + self.bias_ > 0 else -1.0
            if prediction != targets[i]:
                step = self.learning_rate * (targets[i] - prediction)
                self.weights_ += step * x[i]
                self.bias_ += step
                mistakes += 1
        self.errors_.append(mistakes)
        self.converged_ = mistakes == 0
        return mistakes

    def fit(self, x, y):
        """Run epochs of `partial_fit` from w = 0, b = 0 until one has no mistake or ``max_epochs`` pass."""
        self.weights_, self.bias_, self.classes_, self.errors_ = None, 0.0, None, []
        self._rng = None
        for _ in range(self.max_epochs):
            if self.partial_fit(x, y) == 0:
                break
        return self

    def decision_function(self, x):
        """Σ_j w_j x_j + b for each sample."""
        if self.weights_ is None:
            raise RuntimeError("Perceptron: call fit before predicting")
        return self._check_x(x, "decision_function") @ self.weights_ + self.bias_

    def predict(self, x):
        """The class of each sample: classes_[1] where the decision is positive, else classes_[0]."""
        return self.classes_[(self.decision_function(x) > 0).astype(int)]

    def score(self, x, y) -> float:
        """Accuracy on (x, y)."""
        return float(np.mean(self.predict(x) == np.asarray(y)))
