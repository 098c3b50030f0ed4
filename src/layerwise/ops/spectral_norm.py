"""Spectral normalization of a weight matrix by power iteration (Miyato et al., 2018), and its backward pass.

W (m, k) is a kernel viewed as a matrix: a dense kernel (inputs, units), a convolution kernel (kh kw C, F).
From a unit row u (1, k), each power iteration takes

    v = u Wᵀ / ||u Wᵀ||,   u = v W / ||v W||,

towards the top singular vectors of W; then v = u Wᵀ / ||u Wᵀ|| from the last u, and sigma = v W uᵀ = ||u Wᵀ||
estimates the largest singular value (PyTorch's order: its stored v always follows its u; Keras takes sigma from
the v before the last u, half a step behind, the same at convergence). The normalized kernel is W̄ = W / sigma.
As in Keras and PyTorch, u and v are constants of the gradient (the iteration runs outside of it), so
dsigma/dW = vᵀ u and, with G = dJ/dW̄,

    dJ/dW = (G - <G, W̄> vᵀ u) / sigma,

the exact gradient of W / sigma(W; u) = W / ||u Wᵀ|| for a fixed u (inference), and of the training step where
u has converged to W's top singular vector (there u and v are stationary).
"""

from layerwise.ops.l2_normalize import l2_normalize


def power_iteration(matrix, u, iterations):
    """Return (u, v, sigma) after ``iterations`` steps from the row u (1, k) on W (m, k); v = u Wᵀ / ||u Wᵀ|| is
    taken from the last u, so sigma = ||u Wᵀ|| (0 steps, in inference: from u as it is, normalized)."""
    u = l2_normalize(u)[0]
    for _ in range(iterations):
        u = l2_normalize(l2_normalize(u @ matrix.T)[0] @ matrix)[0]
    v = l2_normalize(u @ matrix.T)[0]
    return u, v, (v @ matrix @ u.T)[0, 0]


def spectral_normalize_backward(grad, normalized, u, v, sigma):
    """dJ/dW from G = dJ/dW̄ (m, k), W̄ = W / sigma and the constant singular vectors u (1, k), v (1, m)."""
    return (grad - (grad * normalized).sum() * (v.T @ u)) / sigma
