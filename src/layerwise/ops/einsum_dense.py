"""The einsum projection z = einsum(equation, x, W) + b and its backward pass, for EinsumDense and the
projections of the attention layers.

An equation "X,K->Y" names every axis of the input x, the kernel W and the output z by a letter. Its
backward equations follow from the letters: dJ/dx = einsum("Y,K->X", dJ/dz, W) (axes of x that reach
neither z nor W were summed away, so dJ/dx is constant along them) and dJ/dW = einsum("X,Y->K", x, dJ/dz).
An ellipsis ("...b,bc->...c") stands for the input's leading or trailing axes; `einsum_dense_plan` spells
it out in letters for the input's rank, so that the backward equations are plain einsums too.
"""

import re
import string
from typing import NamedTuple, Optional

import numpy as np

_EQUATION = re.compile(r"^(\.\.\.)?([a-zA-Z]+)(\.\.\.)?,([a-zA-Z]+)->(\.\.\.)?([a-zA-Z]+)(\.\.\.)?$")


class EinsumPlan(NamedTuple):
    """The equations and shapes of one einsum projection for one input shape.

    Attributes:
        forward: "X,K->Y" with every axis spelled out (no ellipsis).
        input_gradient: "Y,K->X'", X' the letters of X found in Y or K.
        kernel_gradient: "X,Y->K".
        summed_input_axes: the axes of x in neither Y nor K (dJ/dx is broadcast along them).
        kernel_shape: the shape of W.
        bias_shape: the shape of b (1 on output axes without a bias), aligned with the output's last
            axes; None for no bias.
        output_shape: the output's shape, the batch axis first (None where free).
    """

    forward: str
    input_gradient: str
    kernel_gradient: str
    summed_input_axes: tuple
    kernel_shape: tuple
    bias_shape: Optional[tuple]
    output_shape: tuple


def einsum_dense_plan(equation, bias_axes, input_shape, output_shape, owner="EinsumDense") -> EinsumPlan:
    """The `EinsumPlan` of ``equation`` for inputs of ``input_shape`` (batch axis first), as Keras reads it.

    Args:
        equation: "X,K->Y", "...X,K->...Y" or "X...,K->Y..."; the first letter of X is the batch axis
            unless an ellipsis leads.
        bias_axes: letters of Y that carry a bias, or None.
        input_shape: the input's shape, batch axis first.
        output_shape: the output's shape without the batch axis and the axes of the ellipsis (an int for one
            axis); None entries are taken from the input where its letter is an input axis.
        owner: the name in error messages.
    """
    match = _EQUATION.match(str(equation).replace(" ", ""))
    ellipses = [bool(match and match.group(i)) for i in (1, 3, 5, 7)]
    left, right = ellipses[0] and ellipses[2], ellipses[1] and ellipses[3]
    if match is None or ellipses[0] != ellipses[2] or ellipses[1] != ellipses[3] or left and right:
        raise ValueError(f"{owner}: equation must be of the form 'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...', "
                         f"received {equation!r}")
    inputs, kernel, outputs = match.group(2), match.group(4), match.group(6)
    for spec in (inputs, kernel, outputs):
        if len(set(spec)) != len(spec):
            raise ValueError(f"{owner}: equation {equation!r} repeats a letter within one operand")
    rank = len(input_shape)
    elided = rank - len(inputs)
    if elided < 0 or (elided and not (left or right)):
        raise ValueError(f"{owner}: equation {equation!r} describes inputs of rank {len(inputs)}, received inputs "
                         f"of shape {tuple(input_shape)}")
    spare = [c for c in string.ascii_letters if c not in inputs + kernel + outputs][:elided]
    ellipsis = "".join(spare)
    inputs, outputs = (ellipsis + inputs, ellipsis + outputs) if left else (inputs + ellipsis, outputs + ellipsis)
    # The axes output_shape gives: all but the batch axis and the ellipsis's.
    given = range(elided, len(outputs)) if left else range(1, len(outputs) - (elided if right else 0))
    partial = (output_shape,) if isinstance(output_shape, (int, np.integer)) else tuple(output_shape)
    if len(partial) != len(given):
        raise ValueError(f"{owner}: output_shape must give {len(given)} sizes for equation {equation!r} (all output "
                         f"axes but the batch axis and the ellipsis), received {output_shape!r}")
    sizes = dict(zip(inputs, input_shape))
    for position, size in zip(given, partial):
        letter = outputs[position]
        if letter in sizes:
            if size is not None and sizes[letter] is not None and size != sizes[letter]:
                raise ValueError(f"{owner}: output_shape gives size {size} to axis '{letter}', which the input has "
                                 f"of size {sizes[letter]} (input shape {tuple(input_shape)})")
            sizes[letter] = size if sizes[letter] is None else sizes[letter]
        elif letter not in kernel:
            raise ValueError(f"{owner}: output axis '{letter}' of equation {equation!r} is in neither the input "
                             "nor the kernel")
        else:
            sizes[letter] = size
    missing = [c for c in kernel if sizes.get(c) is None]
    if missing:
        raise ValueError(f"{owner}: the kernel axes {missing} of equation {equation!r} need a known size in the "
                         f"input shape {tuple(input_shape)} or in output_shape {output_shape!r}")
    bias_shape = None
    if bias_axes:
        if any(c not in match.group(6) for c in bias_axes):
            raise ValueError(f"{owner}: bias_axes must be letters of the output '{match.group(6)}', received "
                             f"{bias_axes!r}")
        first = min(outputs.index(c) for c in bias_axes)
        bias_shape = tuple(sizes[c] if c in bias_axes else 1 for c in outputs[first:])
    kept = "".join(c for c in inputs if c in outputs or c in kernel)
    return EinsumPlan(
        forward=f"{inputs},{kernel}->{outputs}", input_gradient=f"{outputs},{kernel}->{kept}",
        kernel_gradient=f"{inputs},{outputs}->{kernel}",
        summed_input_axes=tuple(i for i, c in enumerate(inputs) if c not in kept),
        kernel_shape=tuple(sizes[c] for c in kernel), bias_shape=bias_shape,
        output_shape=(input_shape[0],) + tuple(sizes[c] for c in outputs[1:]))


def einsum_dense_forward(plan, x, kernel, bias=None):
    """z = einsum(plan.forward, x, W) + b."""
    z = np.einsum(plan.forward, x, kernel, optimize=True)
    if bias is not None:
        z += bias
    return z


def einsum_dense_backward(plan, dz, x, kernel, kernel_grad, bias_grad=None, input_gradient=True):
    """Add dJ/dW = einsum(X,Y->K) into ``kernel_grad`` and dJ/db (dJ/dz summed to b's shape) into
    ``bias_grad``; return dJ/dx = einsum(Y,K->X), or None without ``input_gradient``.

    Args:
        plan: the `EinsumPlan` of the forward pass.
        dz: dJ/dz; x: the forward input; kernel: W.
        kernel_grad, bias_grad: the arrays the gradients are added into (bias_grad may be None).
        input_gradient: whether to compute dJ/dx.
    """
    kernel_grad += np.einsum(plan.kernel_gradient, x, dz, optimize=True)
    if bias_grad is not None:
        lead = dz.ndim - len(plan.bias_shape)
        ones = tuple(lead + i for i, size in enumerate(plan.bias_shape) if size == 1)
        bias_grad += dz.sum(axis=tuple(range(lead)) + ones, keepdims=True).reshape(plan.bias_shape)
    if not input_gradient:
        return None
    dx = np.einsum(plan.input_gradient, dz, kernel, optimize=True)
    if plan.summed_input_axes:
        dx = np.broadcast_to(np.expand_dims(dx, plan.summed_input_axes), x.shape).copy()
    return dx
