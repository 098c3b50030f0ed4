"""Every optimizer against torch.optim: 60 steps on the same gradient sequence, float64, tight tolerance.

Where Keras's convention (followed by layerwise) differs from PyTorch's, the settings that make the two
the same iteration are used (ε = 0 where ε sits elsewhere; NAdam's momentum_decay = 1), as each
optimizer's docstring explains.
"""

import numpy as np
import pytest
import torch

from layerwise import optimizers
from layerwise.layers import Parameter
from layerwise.optimizers import schedules

STEPS = 60
SHAPES = [(4, 3), (3,)]

CASES = [
    ("sgd", lambda: optimizers.SGD(0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    ("sgd_momentum", lambda: optimizers.SGD(0.05, momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("sgd_nesterov", lambda: optimizers.SGD(0.05, momentum=0.8, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True)),
    ("adagrad", lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0),
     lambda p: torch.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0)),
    ("rmsprop", lambda: optimizers.RMSprop(0.01, rho=0.8, epsilon=0.0),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.8, eps=0.0)),
    ("rmsprop_momentum_centered", lambda: optimizers.RMSprop(0.01, rho=0.9, momentum=0.5, centered=True,
                                                             epsilon=0.0),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, eps=0.0)),
    ("adam", lambda: optimizers.Adam(0.02, beta_1=0.8, beta_2=0.95, epsilon=0.0),
     lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=0.0)),
    ("adam_amsgrad", lambda: optimizers.Adam(0.02, epsilon=0.0, amsgrad=True),
     lambda p: torch.optim.Adam(p, lr=0.02, eps=0.0, amsgrad=True)),
    ("adamw", lambda: optimizers.AdamW(0.02, weight_decay=0.1, epsilon=0.0),
     lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0.1, eps=0.0)),
    ("adamax", lambda: optimizers.Adamax(0.02, beta_1=0.85, epsilon=0.0),
     lambda p: torch.optim.Adamax(p, lr=0.02, betas=(0.85, 0.999), eps=0.0)),
    ("nadam", lambda: optimizers.Nadam(0.02, epsilon=1e-7),
     lambda p: torch.optim.NAdam(p, lr=0.02, eps=1e-7, momentum_decay=1.0)),
    ("adadelta", lambda: optimizers.Adadelta(1.0, rho=0.9, epsilon=1e-6),
     lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6)),
    ("sgd_exponential_schedule", lambda: optimizers.SGD(schedules.ExponentialDecay(0.1, 10, 0.5)),
     lambda p: torch.optim.SGD(p, lr=0.1)),
]


@pytest.fixture(autouse=True)
def torch_float64_scalars():
    """torch.optim keeps scalar state (NAdam's μ product, step counts) in the default dtype: make it float64."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def gradient_sequence(rng):
    """Gradients that change scale and sign, so every accumulator and maximum is exercised."""
    return [[rng.normal(size=shape) * (1 + 3 * (step % 7 == 0)) for shape in SHAPES] for step in range(STEPS)]


@pytest.mark.parametrize("name, ours, theirs", CASES, ids=[case[0] for case in CASES])
def test_matches_torch_optim(name, ours, theirs, rng):
    initial = [rng.normal(size=shape) for shape in SHAPES]
    parameters = [Parameter(value.copy(), f"w{i}") for i, value in enumerate(initial)]
    tensors = [torch.tensor(value.copy(), requires_grad=True) for value in initial]
    optimizer, reference = ours(), theirs(tensors)
    scheduler = (torch.optim.lr_scheduler.LambdaLR(reference, lambda step: 0.5 ** (step / 10))
                 if "schedule" in name else None)
    for gradients in gradient_sequence(rng):
        for parameter, tensor, gradient in zip(parameters, tensors, gradients):
            parameter.grad[...] = gradient
            tensor.grad = torch.tensor(gradient)
        optimizer.apply(parameters)
        reference.step()
        if scheduler is not None:
            scheduler.step()
    assert optimizer.iterations == STEPS
    for parameter, tensor in zip(parameters, tensors):
        np.testing.assert_allclose(parameter.value, tensor.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert not np.allclose(parameter.value, initial[parameters.index(parameter)])
