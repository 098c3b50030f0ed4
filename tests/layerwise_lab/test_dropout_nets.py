"""The dropout experiments' shared net and stochastic passes."""

import numpy as np

from layerwise import layers
from layerwise_lab._dropout import dropout_mlp, error, stochastic_passes


def test_dropout_mlp_layout():
    model = dropout_mlp((8, 6), rate=0.5, input_rate=0.2)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dropout", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.name for layer in model.layers if isinstance(layer, layers.Dense)] == ["hidden_1", "hidden_2",
                                                                                          "output"]
    assert [type(layer).__name__ for layer in dropout_mlp((8,), rate=0.0).layers] == ["Dense", "Dense"]


def test_stochastic_passes_draw_fresh_masks_and_sub_networks_share_one_per_batch():
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    per_example = dropout_mlp((16,), rate=0.5, output_activation=None)
    passes = stochastic_passes(per_example, x, 3)
    assert passes.shape == (3, 5, 10)
    assert not np.allclose(passes[0], passes[1])
    assert np.allclose(per_example.predict(x, verbose=0), per_example.predict(x, verbose=0))  # inference is fixed
    sub_network = dropout_mlp((16,), rate=0.5, output_activation=None, sub_networks=True)
    sub_network.set_weights([np.ones_like(w) for w in sub_network.get_weights()])
    outputs = stochastic_passes(sub_network, np.ones((4, 784), "float32"), 2)
    assert np.allclose(outputs, outputs[:, :1])     # identical inputs, one mask: identical outputs


def test_error():
    assert error(np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([0, 1, 1])) == 1 / 3
