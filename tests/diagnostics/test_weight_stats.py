"""WeightStats: each kernel's mean, spread and norm at every epoch's end, nested models included."""

import numpy as np
import pytest

from layerwise.callbacks import LambdaCallback
from layerwise.diagnostics import WeightStats

from tiny_networks import layer_named, nested_relu_mlp


def test_kernel_statistics_of_every_layer_at_every_epoch(rng):
    model = nested_relu_mlp()
    kernels = []
    remember = LambdaCallback(on_epoch_end=lambda epoch, logs: kernels.append(
        {name: layer_named(model, name).kernel.value.copy() for name in ("inner", "head")}))
    history = model.fit(rng.normal(size=(16, 3)), rng.normal(size=(16, 2)), epochs=2, verbose=0,
                        callbacks=[WeightStats(), remember])
    statistics = ("weight_mean", "weight_std", "weight_norm")
    assert sorted(key for key in history.history if "/" in key) == sorted(
        f"{statistic}/{name}" for statistic in statistics for name in ("inner", "head"))
    for epoch, values in enumerate(kernels):
        for name, kernel in values.items():
            assert history.history[f"weight_mean/{name}"][epoch] == pytest.approx(kernel.mean())
            assert history.history[f"weight_std/{name}"][epoch] == pytest.approx(kernel.std())
            assert history.history[f"weight_norm/{name}"][epoch] == pytest.approx(np.linalg.norm(kernel))
    assert kernels[0]["inner"].tolist() != kernels[1]["inner"].tolist()
