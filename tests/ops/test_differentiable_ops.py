"""The gradient-check table of layerwise.ops' differentiable functions: each op's recorded backward rule
against central differences (float64), and against torch.autograd where torch has the op."""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch

from layerwise import ops
from layerwise.ops import Tensor
from layerwise.ops._autodiff import backpropagate


@dataclass
class OpCase:
    id: str
    function: Callable  # of one or more arrays (or Tensors)
    shapes: list
    torch_function: Callable = None
    sampler: Callable = None


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, size=shape)


def _apart(rng, shape):
    """Distinct entries, at least 0.05 apart, so no max, sort or kink is straddled by finite differences."""
    return rng.permutation(np.arange(int(np.prod(shape)))).reshape(shape) * 0.1 - 0.3 + 0.013


OP_CASES = [
    OpCase("add_broadcast", ops.add, [(3, 4), (4,)], torch.add),
    OpCase("subtract_broadcast", ops.subtract, [(3, 1), (1, 4)], torch.sub),
    OpCase("multiply_broadcast", ops.multiply, [(2, 3, 4), (3, 1)], torch.mul),
    OpCase("divide", ops.divide, [(3, 4), (3, 4)], torch.div, _positive),
    OpCase("power_both", ops.power, [(3, 4), (3, 4)], torch.pow, _positive),
    OpCase("power_constant", lambda x: ops.power(x, 3.0), [(3, 4)], lambda x: torch.pow(x, 3.0)),
    OpCase("maximum", ops.maximum, [(3, 4), (3, 4)], torch.maximum),
    OpCase("minimum_broadcast", ops.minimum, [(3, 4), (4,)], torch.minimum),
    OpCase("matmul", ops.matmul, [(3, 4), (4, 5)], torch.matmul),
    OpCase("matmul_batch_broadcast", ops.matmul, [(2, 3, 4), (4, 5)], torch.matmul),
    OpCase("matmul_vector_matrix", ops.matmul, [(4,), (2, 4, 5)], torch.matmul),
    OpCase("matmul_matrix_vector", ops.matmul, [(3, 4), (4,)], torch.matmul),
    OpCase("dot_vectors", ops.dot, [(4,), (4,)], torch.dot),
    OpCase("einsum_batch", lambda a, b: ops.einsum("bij,jk->bik", a, b), [(2, 3, 4), (4, 5)],
           lambda a, b: torch.einsum("bij,jk->bik", a, b)),
    OpCase("einsum_summed_alone", lambda a, b: ops.einsum("ij,k->k", a, b), [(2, 3), (4,)],
           lambda a, b: torch.einsum("ij,k->k", a, b)),
    OpCase("negative", ops.negative, [(3, 4)], torch.neg),
    OpCase("absolute", ops.absolute, [(3, 4)], torch.abs, _apart),
    OpCase("square", ops.square, [(3, 4)], torch.square),
    OpCase("sqrt", ops.sqrt, [(3, 4)], torch.sqrt, _positive),
    OpCase("exp", ops.exp, [(3, 4)], torch.exp),
    OpCase("log", ops.log, [(3, 4)], torch.log, _positive),
    OpCase("log1p", ops.log1p, [(3, 4)], torch.log1p, _positive),
    OpCase("expm1", ops.expm1, [(3, 4)], torch.expm1),
    OpCase("sin", ops.sin, [(3, 4)], torch.sin),
    OpCase("cos", ops.cos, [(3, 4)], torch.cos),
    OpCase("tanh", ops.tanh, [(3, 4)], torch.tanh),
    OpCase("reciprocal", ops.reciprocal, [(3, 4)], torch.reciprocal, _positive),
    OpCase("sum_axis", lambda x: ops.sum(x, axis=1), [(3, 4, 2)], lambda x: torch.sum(x, dim=1)),
    OpCase("sum_all", ops.sum, [(3, 4)], torch.sum),
    OpCase("mean_axes_keepdims", lambda x: ops.mean(x, axis=(0, 2), keepdims=True), [(3, 4, 2)],
           lambda x: torch.mean(x, dim=(0, 2), keepdim=True)),
    OpCase("max_axis", lambda x: ops.max(x, axis=-1), [(3, 4)], lambda x: torch.amax(x, dim=-1), _apart),
    OpCase("min_all", ops.min, [(3, 4)], torch.amin, _apart),
    OpCase("var_axis", lambda x: ops.var(x, axis=0), [(5, 3)], lambda x: torch.var(x, dim=0, correction=0)),
    OpCase("std_all", ops.std, [(5, 3)], lambda x: torch.std(x, correction=0)),
    OpCase("logsumexp_axis", lambda x: ops.logsumexp(x, axis=1), [(3, 4)], lambda x: torch.logsumexp(x, dim=1)),
    OpCase("norm_axis", lambda x: ops.norm(x, axis=-1), [(3, 4)], lambda x: torch.linalg.vector_norm(x, dim=-1)),
    OpCase("reshape", lambda x: ops.reshape(x, (4, -1)), [(2, 3, 4)], lambda x: torch.reshape(x, (4, -1))),
    OpCase("transpose", lambda x: ops.transpose(x, (2, 0, 1)), [(2, 3, 4)], lambda x: x.permute(2, 0, 1)),
    OpCase("expand_dims_squeeze", lambda x: ops.squeeze(ops.expand_dims(x, 1) * 2.0), [(3, 4)],
           lambda x: torch.squeeze(x.unsqueeze(1) * 2.0)),
    OpCase("broadcast_to", lambda x: ops.broadcast_to(x, (3, 2, 4)), [(2, 1)],
           lambda x: torch.broadcast_to(x, (3, 2, 4))),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [(2, 3), (2, 2)],
           lambda a, b: torch.cat([a, b], dim=1)),
    OpCase("stack", lambda a, b: ops.stack([a, b], axis=-1), [(2, 3), (2, 3)],
           lambda a, b: torch.stack([a, b], dim=-1)),
    OpCase("split_second_piece", lambda x: ops.split(x, 2, axis=1)[1], [(3, 4)],
           lambda x: torch.split(x, 2, dim=1)[1]),
    OpCase("getitem_slices", lambda x: x[:, 1:3], [(3, 4)], lambda x: x[:, 1:3]),
    OpCase("getitem_repeated_indices", lambda x: x[[0, 2, 0]], [(3, 4)], lambda x: x[[0, 2, 0]]),
    OpCase("take_axis", lambda x: ops.take(x, [1, 1, 3], axis=1), [(2, 4)],
           lambda x: torch.index_select(x, 1, torch.tensor([1, 1, 3]))),
    OpCase("where", lambda a, b: ops.where(np.arange(12).reshape(3, 4) % 3 == 0, a, b), [(3, 4), (4,)],
           lambda a, b: torch.where(torch.arange(12).reshape(3, 4) % 3 == 0, a, b)),
    OpCase("clip", lambda x: ops.clip(x, -0.5, 0.5), [(3, 4)], lambda x: torch.clamp(x, -0.5, 0.5), _apart),
    OpCase("cast", lambda x: ops.cast(x, "float64") * 2.0, [(3, 4)]),
    OpCase("relu", ops.relu, [(3, 4)], torch.relu, _apart),
    OpCase("sigmoid", ops.sigmoid, [(3, 4)], torch.sigmoid),
    OpCase("softmax_axis0", lambda x: ops.softmax(x, axis=0), [(3, 4)], lambda x: torch.softmax(x, dim=0)),
    OpCase("log_softmax", ops.log_softmax, [(3, 4)], lambda x: torch.log_softmax(x, dim=-1)),
    OpCase("gelu_approximate", ops.gelu, [(3, 4)],
           lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
    OpCase("leaky_relu", lambda x: ops.leaky_relu(x, negative_slope=0.1), [(3, 4)],
           lambda x: torch.nn.functional.leaky_relu(x, 0.1), _apart),
    OpCase("elu", ops.elu, [(3, 4)], torch.nn.functional.elu, _apart),
    OpCase("softplus", ops.softplus, [(3, 4)], torch.nn.functional.softplus),
    OpCase("silu", ops.silu, [(3, 4)], torch.nn.functional.silu),
    # operators on Tensors record the same ops; ndarray on the left reaches the tensor through its ufunc
    OpCase("operators", lambda a, b: (a @ b.T - 2.0 / (1.0 + b[:, :1] ** 2).T) * -a[:, :1] + np.ones(3),
           [(2, 4), (3, 4)]),
    OpCase("numpy_ufunc_on_the_left", lambda a: np.full(4, 2.0) * np.exp(a) - np.ones(4), [(3, 4)]),
]


def _sample(case, rng):
    draw = case.sampler or (lambda rng, shape: rng.normal(size=shape))
    return [np.asarray(draw(rng, shape), dtype=np.float64) for shape in case.shapes]


def _recorded(case, arrays, projection):
    leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    y = case.function(*leaves)
    assert isinstance(y, Tensor) and y.dtype == np.float64
    return y.value, backpropagate([(y, projection)], wanted=leaves)


@pytest.mark.parametrize("case", OP_CASES, ids=[c.id for c in OP_CASES])
def test_recorded_gradient_matches_central_differences(case, rng):
    arrays = _sample(case, rng)
    value = np.asarray(case.function(*arrays))
    projection = rng.normal(size=value.shape)
    y, gradients = _recorded(case, arrays, projection)
    np.testing.assert_allclose(y, value, rtol=1e-12)
    h = 1e-6
    for i, (array, gradient) in enumerate(zip(arrays, gradients)):
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            shifted = [a.copy() for a in arrays]
            shifted[i][index] += h
            up = np.sum(projection * case.function(*shifted))
            shifted[i][index] -= 2 * h
            down = np.sum(projection * case.function(*shifted))
            numeric[index] = (up - down) / (2 * h)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-7, err_msg=f"{case.id}, operand {i}")


TORCH_CASES = [case for case in OP_CASES if case.torch_function is not None]


@pytest.mark.parametrize("case", TORCH_CASES, ids=[c.id for c in TORCH_CASES])
def test_value_and_gradient_match_torch(case, rng):
    arrays = _sample(case, rng)
    value = np.asarray(case.function(*arrays))
    projection = rng.normal(size=value.shape)
    y, gradients = _recorded(case, arrays, projection)
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = case.torch_function(*leaves)
    (expected * torch.tensor(projection)).sum().backward()
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    for gradient, leaf in zip(gradients, leaves):
        np.testing.assert_allclose(gradient, leaf.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_ops_on_plain_arrays_are_numpy_functions():
    y = ops.matmul(np.ones((2, 3)), np.ones((3, 2)))
    assert type(y) is np.ndarray and float(y[0, 0]) == 3.0
    assert type(ops.softmax(np.zeros((2, 4)))) is np.ndarray


def test_float32_stays_float32_beside_float64_constants():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    y = ops.sum(ops.multiply(x, np.full((3,), 2.0)) + np.ones(3), axis=0) * 0.5
    assert y.dtype == np.float32
    (dx,) = backpropagate([(y, np.ones(3, dtype=np.float32))], wanted=[x])
    assert dx.dtype == np.float32


def test_a_value_used_twice_sums_both_paths():
    x = Tensor(np.array([3.0]), requires_grad=True)
    y = x * x + x
    (dx,) = backpropagate([(y, np.ones(1))], wanted=[x])
    assert dx.tolist() == [7.0]


def test_stop_gradient_and_constants_cut_the_record():
    x = Tensor(np.array([2.0]), requires_grad=True)
    y = x * ops.stop_gradient(x) + ops.convert_to_numpy(x)
    (dx,) = backpropagate([(y, np.ones(1))], wanted=[x])
    assert dx.tolist() == [2.0]


@pytest.mark.parametrize("use", [lambda x: np.sum(x), lambda x: np.tanh(x, out=np.empty(3)), lambda x: np.asarray(x),
                                 lambda x: np.sort(x), lambda x: np.arctan(x)],
                         ids=["sum", "ufunc_with_out", "asarray", "sort", "arctan"])
def test_a_numpy_function_without_a_differentiable_twin_is_refused_by_name(use):
    x = Tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.\w+.*|converted to a NumPy array") as error:
        use(x)
    assert "layerwise.ops" in str(error.value)
