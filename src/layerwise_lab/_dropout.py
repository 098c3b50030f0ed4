"""What the dropout experiments share: an MLP with dropout between its layers, and its stochastic passes.

Dropout here is layerwise's `Dropout` (inverted: kept units are scaled by 1/q in training, so the inference
pass is the weight-scaled network of lectures 001-003 without any change to the weights). A model called
with ``training="stochastic"`` runs only its dropout layers in training mode: one such pass is one sample
f_θ(x), θ ~ p(θ), of lecture 001's Monte Carlo average.
"""

import numpy as np

import layerwise
from layerwise import layers


def dropout_mlp(hidden, rate=0.5, input_rate=0.0, activation="relu", output_activation="softmax",
                kernel_regularizer=None, kernel_constraint=None, activity_regularizer=None, sub_networks=False):
    """A 784-input MLP with dropout: [Dropout(input_rate)], then for each width in ``hidden`` a Dense layer
    (named ``hidden_1``, ``hidden_2`` ...) and [Dropout(rate)], then a Dense(10) output.

    Args:
        hidden: the hidden layers' widths.
        rate: p, the probability of dropping a hidden unit (0: no dropout layer).
        input_rate: the probability of dropping an input pixel (0: no dropout layer).
        activation: the hidden units' activation.
        output_activation: "softmax", or None for logits (to train with ``from_logits``).
        kernel_regularizer, kernel_constraint: a penalty and a constraint on every kernel, the output's too.
        activity_regularizer: a penalty on the hidden layers' outputs.
        sub_networks: draw one mask per forward pass for the whole batch (``noise_shape=(1, None)``), so a
            stochastic pass evaluates one sub-network on every example, instead of one mask per example.
    """
    noise_shape = (1, None) if sub_networks else None
    stack = [layerwise.Input(shape=(784,))]
    if input_rate:
        stack.append(layers.Dropout(input_rate, noise_shape=noise_shape))
    for index, width in enumerate(hidden, start=1):
        stack.append(layers.Dense(width, activation=activation, name=f"hidden_{index}",
                                  kernel_regularizer=kernel_regularizer, kernel_constraint=kernel_constraint,
                                  activity_regularizer=activity_regularizer))
        if rate:
            stack.append(layers.Dropout(rate, noise_shape=noise_shape))
    stack.append(layers.Dense(10, activation=output_activation, name="output", kernel_regularizer=kernel_regularizer,
                              kernel_constraint=kernel_constraint))
    return layerwise.Sequential(stack)


def stochastic_passes(model, x, count, progress=None):
    """``count`` forward passes of ``model`` on ``x`` with fresh dropout masks (only the dropout layers in
    training mode): an array (count, N, outputs)."""
    return np.stack([model(x, training="stochastic") for _ in (progress or iter)(range(count))])


def error(outputs, labels):
    """The classification error of ``outputs`` (N, classes), probabilities or logits, on integer ``labels``."""
    return float(np.mean(np.argmax(outputs, axis=-1) != labels))
