"""dense_network loads a written-down construction into Dense layers and computes it."""

import numpy as np

from layerwise_lab._constructed import dense_network


def test_dense_network_computes_the_given_layers():
    kernel, bias = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.5, -3.0])
    model = dense_network(2, [(kernel, bias, "relu"), (np.array([[1.0], [2.0]]), np.array([0.25]), None)])
    x = np.array([[1.0, 2.0], [-3.0, 0.0]], dtype=np.float32)
    expected = np.maximum(x @ kernel + bias, 0) @ np.array([[1.0], [2.0]]) + 0.25
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    assert model.count_params() == 9
