"""GradientFlow against the chain rule on a two-layer ReLU network, and SGD's update ratio lr ||g|| / ||W||."""

import numpy as np
import pytest

from layerwise.diagnostics import GradientFlow

from tiny_networks import kernel_gradients, layer_named, nested_relu_mlp, relu_mlp


@pytest.mark.parametrize("network, names", [(relu_mlp, ("hidden", "out")), (nested_relu_mlp, ("inner", "head"))])
def test_gradient_statistics_and_update_ratio_match_the_chain_rule(network, names, rng, float64):
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    model = network()
    layers = [layer_named(model, name) for name in names]
    gradients = kernel_gradients(*layers, x, y)
    before = {layer.name: layer.kernel.value.copy() for layer in layers}
    flow = GradientFlow()
    model.fit(x, y, batch_size=8, shuffle=False, verbose=0, callbacks=[flow])
    [record] = flow.records
    statistics = ("grad_norm", "grad_mean_abs", "grad_max_abs", "update_ratio")
    assert sorted(record) == sorted(["epoch", "batch"] + [f"{key}/{name}" for name in names for key in statistics])
    for name, gradient in gradients.items():
        assert record[f"grad_norm/{name}"] == pytest.approx(np.linalg.norm(gradient), rel=1e-12)
        assert record[f"grad_mean_abs/{name}"] == pytest.approx(np.abs(gradient).mean(), rel=1e-12)
        assert record[f"grad_max_abs/{name}"] == pytest.approx(np.abs(gradient).max(), rel=1e-12)
        # SGD without momentum: W <- W - lr g.
        expected_ratio = 0.1 * np.linalg.norm(gradient) / np.linalg.norm(before[name])
        assert record[f"update_ratio/{name}"] == pytest.approx(expected_ratio, rel=1e-10)


def test_every_samples_batches_of_each_epoch_and_the_logs_hold_their_mean(rng):
    model = relu_mlp()
    flow = GradientFlow(every=2)
    history = model.fit(rng.normal(size=(10, 3)), rng.normal(size=(10, 2)), batch_size=2, epochs=2, verbose=0,
                        callbacks=[flow])
    assert [(r["epoch"], r["batch"]) for r in flow.records] == [(0, 0), (0, 2), (0, 4), (1, 0), (1, 2), (1, 4)]
    for epoch in (0, 1):
        sampled = [r["update_ratio/hidden"] for r in flow.records if r["epoch"] == epoch]
        assert history.history["update_ratio/hidden"][epoch] == pytest.approx(np.mean(sampled))
    assert all(value > 0 for value in history.history["grad_norm/out"])


@pytest.mark.parametrize("every", [0, -1, 1.5, True])
def test_every_must_be_a_positive_integer(every):
    with pytest.raises(ValueError, match="GradientFlow: every must be a positive integer"):
        GradientFlow(every=every)
