"""Muon: torch.optim.Muon for the matrices, torch.optim.AdamW for the rest, and Keras's own reference values.

torch.optim.Muon runs its Newton-Schulz iteration in bfloat16; the parity tests swap in the same iteration
in float64 (``torch_newton_schulz``, torch's algorithm without the cast), so that the momentum, Nesterov
form, learning-rate scaling and weight decay are compared at float64 precision.
"""

import numpy as np
import pytest
import torch
import torch.optim._muon as torch_muon

from layerwise import optimizers
from layerwise.layers import Parameter
from layerwise.optimizers.muon import newton_schulz

STEPS = 30


def torch_newton_schulz(grad, ns_coefficients, ns_steps, eps):
    """torch.optim._muon._zeropower_via_newtonschulz without its bfloat16 cast."""
    a, b, c = ns_coefficients
    x = grad.T if grad.size(0) > grad.size(1) else grad
    x = x / x.norm().clamp(min=eps)
    for _ in range(ns_steps):
        gram = x @ x.T
        x = a * x + torch.addmm(gram, gram, gram, beta=b, alpha=c) @ x
    return x.T if grad.size(0) > grad.size(1) else x


@pytest.fixture
def float64_torch_muon(monkeypatch):
    monkeypatch.setattr(torch_muon, "_zeropower_via_newtonschulz", torch_newton_schulz)


def run_both(ours, reference, parameters, tensors, rng, tolerance=1e-9):
    for step in range(STEPS):
        for parameter, tensor in zip(parameters, tensors):
            gradient = rng.normal(size=parameter.shape) * (1 + 3 * (step % 7 == 0))
            parameter.grad[...] = gradient
            tensor.grad = torch.tensor(gradient)
        ours.apply(parameters)
        reference.step()
    for parameter, tensor in zip(parameters, tensors):
        np.testing.assert_allclose(parameter.value, tensor.detach().numpy(), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("nesterov, rms_rate, adjust_lr_fn", [
    (True, 0.2, "match_rms_adamw"), (False, 0.2, "match_rms_adamw"), (True, None, "original")])
def test_matrices_match_torch_muon(nesterov, rms_rate, adjust_lr_fn, float64_torch_muon, rng):
    # Wide and square matrices: torch's "original" scaling sqrt(max(1, rows/columns)) is then 1, as rms_rate=None.
    shapes = [(3, 5), (4, 4)] if rms_rate is None else [(6, 3), (3, 5)]
    initial = [rng.normal(size=shape) for shape in shapes]
    parameters = [Parameter(value.copy(), f"dense_{i}/kernel") for i, value in enumerate(initial)]
    tensors = [torch.tensor(value.copy(), requires_grad=True) for value in initial]
    ours = optimizers.Muon(learning_rate=0.02, weight_decay=0.1, momentum=0.9, nesterov=nesterov,
                           rms_rate=rms_rate)
    reference = torch.optim.Muon(tensors, lr=0.02, weight_decay=0.1, momentum=0.9, nesterov=nesterov,
                                 adjust_lr_fn=adjust_lr_fn)
    # Keras divides by ||u|| + 1e-7, torch by max(||u||, 1e-7), and the momenta differ by the factor 1 - μ:
    # the same step up to a relative 1e-7 / ||u||.
    run_both(ours, reference, parameters, tensors, rng, tolerance=1e-7)


def test_bfloat16_torch_muon_agrees_to_its_precision(rng):
    """Unpatched torch (bfloat16 Newton-Schulz): the first step agrees to within bfloat16 rounding (~8 bits, amplified by the iteration)."""
    initial = rng.normal(size=(5, 8))
    parameter, tensor = Parameter(initial.copy(), "dense/kernel"), torch.tensor(initial.copy(), requires_grad=True)
    gradient = rng.normal(size=(5, 8))
    parameter.grad[...], tensor.grad = gradient, torch.tensor(gradient)
    optimizers.Muon(learning_rate=0.1, weight_decay=0.0).apply([parameter])
    torch.optim.Muon([tensor], lr=0.1, weight_decay=0.0, adjust_lr_fn="match_rms_adamw").step()
    step, torch_step = initial - parameter.value, initial - tensor.detach().numpy()
    np.testing.assert_allclose(step, torch_step, atol=0.1 * np.abs(torch_step).max())


def test_other_parameters_take_adamw_steps(rng):
    """A bias, a 4-D kernel, an embedding and an excluded layer's matrix: torch.optim.AdamW (ε = 0), with the
    AdamW learning rate α·adam_lr_ratio and its own weight decay."""
    shapes = {"dense/bias": (4,), "conv/kernel": (2, 2, 3, 4), "embedding/embeddings": (6, 3),
              "head/kernel": (4, 2)}
    initial = {name: rng.normal(size=shape) for name, shape in shapes.items()}
    parameters = [Parameter(value.copy(), name) for name, value in initial.items()]
    tensors = [torch.tensor(value.copy(), requires_grad=True) for value in initial.values()]
    ours = optimizers.Muon(learning_rate=0.04, adam_beta_1=0.8, adam_beta_2=0.95, epsilon=0.0,
                           adam_weight_decay=0.05, weight_decay=0.3, adam_lr_ratio=0.5, exclude_layers=["^head"])
    assert all(ours.uses_adamw(p) for p in parameters)
    # torch.optim.AdamW decays by lr·λ with its own lr: α·ratio·λ' = α·λ gives λ' = λ / ratio.
    reference = torch.optim.AdamW(tensors, lr=0.02, betas=(0.8, 0.95), eps=0.0, weight_decay=0.1)
    run_both(ours, reference, parameters, tensors, rng)


def test_keras_reference_values():
    """The expected values of Keras's muon_test.py (Newton-Schulz and one Muon step)."""
    x = newton_schulz(np.array([[0.2499, 0.9105], [0.2655, 0.8824]]))
    np.testing.assert_allclose(x, [[-0.4422, 0.6457], [0.7285, 0.2968]], atol=1e-3)
    w = Parameter(np.array([[1.0, 2.0], [3.0, 4.0]]), "variable")
    w.grad[...] = [[1.0, 6.0], [7.0, 2.0]]
    optimizers.Muon(learning_rate=0.5, weight_decay=0).apply([w])
    np.testing.assert_allclose(w.value, [[0.988775, 1.887053], [2.873428, 3.97035]], atol=1e-5)


def test_which_parameters_muon_steps():
    muon = optimizers.Muon(exclude_layers=["out.*"])
    assert not muon.uses_adamw(Parameter(np.zeros((3, 4)), "dense/kernel"))
    assert muon.uses_adamw(Parameter(np.zeros((3, 4)), "output_dense/kernel"))
    assert muon.uses_adamw(Parameter(np.zeros((3, 4)), "token_Embedding/embeddings"))
    assert not optimizers.Muon(exclude_embeddings=False).uses_adamw(Parameter(np.zeros((3, 4)), "embedding/e"))
    assert muon.uses_adamw(Parameter(np.zeros(3), "dense/bias"))


@pytest.mark.parametrize("shape", [(40, 7), (7, 40), (12, 12)])
def test_newton_schulz_orthogonalizes(shape, rng):
    g = rng.normal(size=shape).astype("float32") * 1e3
    x = newton_schulz(g)
    assert x.dtype == np.float32 and x.shape == shape
    singular_values = np.linalg.svd(x, compute_uv=False)
    assert singular_values.min() > 0.6 and singular_values.max() < 1.25
    u, _, vt = np.linalg.svd(g.astype(np.float64), full_matrices=False)
    # The same singular vectors as U V^T: the projection of x on U V^T is its largest part.
    assert np.vdot(x, u @ vt) / np.linalg.norm(x) / np.linalg.norm(u @ vt) > 0.97


@pytest.mark.parametrize("make, argument", [
    (lambda: optimizers.Muon(momentum=1.0), "momentum"),
    (lambda: optimizers.Muon(ns_steps=0), "ns_steps"),
    (lambda: optimizers.Muon(rms_rate=-1), "rms_rate"),
    (lambda: optimizers.Muon(adam_weight_decay=-0.1), "adam_weight_decay"),
    (lambda: optimizers.Muon(adam_lr_ratio=-1), "adam_lr_ratio"),
    (lambda: optimizers.Muon(exclude_layers="dense"), "exclude_layers"),
    (lambda: optimizers.Muon(adam_beta_2=1.5), "beta_2"),
])
def test_bad_arguments_are_named(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_config_round_trip_keeps_every_argument():
    muon = optimizers.Muon(learning_rate=0.01, exclude_layers=["head"], rms_rate=None, ns_steps=6,
                           adam_lr_ratio=0.1, nesterov=False, adam_beta_1=0.85)
    clone = optimizers.get(optimizers.serialize(muon))
    assert type(clone) is optimizers.Muon and clone.get_config() == muon.get_config()
    assert clone.exclude_layers == ["head"] and clone.adam_beta_1 == 0.85 and clone.rms_rate is None
