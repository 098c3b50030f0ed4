"""Layers written the Keras way (``call`` + ``add_weight``, no backward): the keras.io subclassing guide's
layers, float64 gradient checks of their derived backward, torch parity, and the errors."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import ops
from layerwise.layers import LSTM, Dense, Dropout, Layer
from layerwise.testing import check_gradients


class Linear(Layer):
    """keras.io's first example: y = x w + b with weights from add_weight."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(Layer):
    """keras.io's block of Linear layers, with keras.activations.relu between them."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = layerwise.activations.relu(self.linear_1(inputs))
        x = layerwise.activations.relu(self.linear_2(x))
        return self.linear_3(x)


class ComputeSum(Layer):
    """keras.io's non-trainable weight: a running total of the inputs."""

    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class Mixed(Layer):
    """Layers of the modular protocol (Dense, Dropout, an LSTM of three outputs) and ops in one call, a value
    used twice, a penalty from add_loss and one taken from a sublayer's activity regularizer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lstm = LSTM(3, return_state=True, return_sequences=True)
        self.dense = Dense(4, activation="tanh", activity_regularizer="l2")
        self.dropout = Dropout(0.3, seed=2)
        self.scale = self.add_weight("scale", (4,), "ones")

    def call(self, inputs, training=None):
        sequence, h, c = self.lstm(inputs)
        features = ops.concatenate([ops.mean(sequence, axis=1), h * c], axis=-1)
        y = self.dropout(self.dense(features)) * self.scale
        self.add_loss(0.1 * ops.sum(ops.square(self.scale - 1.0)) + 0.01 * ops.mean(ops.abs(y)))
        return ops.where(y > 0, y, 0.5 * y) + y


def test_the_guide_linear_layer_creates_its_weights_on_first_call():
    layer = Linear(4)
    assert layer.weights == [] and not layer.built
    y = layer(np.ones((2, 2)))
    assert y.shape == (2, 4) and y.dtype == np.float32
    assert [p.name for p in layer.weights] == [f"{layer.name}/variable", f"{layer.name}/variable_1"]
    np.testing.assert_allclose(y, np.ones((2, 2), np.float32) @ layer.w.value + layer.b.value, rtol=1e-6)


def test_the_guide_mlp_block_tracks_the_weights_of_its_layers():
    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))
    assert y.shape == (3, 1)
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6
    assert mlp.sublayers() == [mlp.linear_1, mlp.linear_2, mlp.linear_3]
    assert mlp.count_params() == 64 * 32 + 32 + 32 * 32 + 32 + 32 + 1


def test_a_non_trainable_weight_keeps_state_and_has_no_gradient():
    layer = ComputeSum(2)
    layer(np.ones((2, 2)))
    np.testing.assert_array_equal(layer(np.ones((2, 2))), [4.0, 4.0])
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1


@pytest.mark.parametrize("factory", [lambda: Linear(3), MLPBlock, Mixed], ids=["linear", "mlp_block", "mixed"])
def test_the_derived_backward_passes_the_gradient_check(factory, float64, rng):
    layer = factory()
    x = rng.normal(size=(4, 5, 2) if factory is Mixed else (4, 5))
    report = check_gradients(layer, x, modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    assert {row[1] for row in report.rows} >= {"input"} | {p.name for p in layer.trainable_weights}


def test_add_loss_terms_reach_the_penalty_and_the_gradient(float64, rng):
    layer = Mixed()
    x = rng.normal(size=(4, 5, 2))
    layer(x, training=True)
    assert len(layer.losses) == 1 and layer.activity_penalty > float(layer.losses[0]) > 0
    for p in layer.weights:
        p.grad[...] = 0
    layer.scale.value[...] = 2.0
    layer(x, training=False)
    layer.backward(np.zeros((4, 4)))
    # With dJ/dy = 0, only the added loss moves the scale: d/ds 0.1 (s - 1)^2 = 0.2 (s - 1), plus the L1 term.
    assert np.all(layer.scale.grad >= 0.2 - 1e-9)


class TorchTwin(torch.nn.Module):
    def __init__(self, block):
        super().__init__()
        self.weights = torch.nn.ParameterList([torch.nn.Parameter(torch.tensor(p.value)) for p in block.weights])

    def forward(self, x):
        w = self.weights
        x = torch.relu(x @ w[0] + w[1])
        x = torch.relu(x @ w[2] + w[3])
        return x @ w[4] + w[5]


def test_the_mlp_block_matches_torch(float64, rng):
    block = MLPBlock()
    x = rng.normal(size=(6, 5))
    y = block(x)
    twin = TorchTwin(block)
    xt = torch.tensor(x, requires_grad=True)
    yt = twin(xt)
    dy = rng.normal(size=y.shape)
    (yt * torch.tensor(dy)).sum().backward()
    for p in block.weights:
        p.zero_grad()
    dx = block.backward(dy)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for p, q in zip(block.weights, twin.weights):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_a_call_layer_trains_inside_sequential_and_functional_models(rng):
    x = rng.normal(size=(64, 5)).astype("float32")
    y = x @ rng.normal(size=(5, 1)).astype("float32")
    inputs = layerwise.Input(shape=(5,))
    functional = layerwise.Model(inputs, Dense(1)(MLPBlock()(inputs)))
    for model in (layerwise.Sequential([layerwise.Input(shape=(5,)), MLPBlock()]), functional):
        model.compile(optimizer=layerwise.optimizers.Adam(0.01), loss="mse")
        history = model.fit(x, y, epochs=20, batch_size=16, verbose=0).history["loss"]
        assert history[-1] < 0.2 * history[0]


def test_a_numpy_function_in_call_is_refused_with_its_name():
    class Raw(Layer):
        def call(self, inputs):
            return np.tanh(inputs) + np.cumsum(inputs, axis=-1)

    with pytest.raises(TypeError, match=r"np\.cumsum was applied to a layerwise Tensor.*layerwise\.ops"):
        Raw()(np.ones((2, 3)))


def test_a_wrong_input_shape_names_the_layer_and_both_shapes():
    layer = Linear(2, name="lin")
    layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Layer 'lin' \(Linear\) expected input of shape \(None, 3\), received "
                                         r"\(2, 4\)"):
        layer(np.ones((2, 4)))


def test_add_loss_outside_call_is_refused():
    with pytest.raises(RuntimeError, match="add_loss is called inside the layer's call"):
        Linear(2).add_loss(1.0)


def test_a_layer_that_defines_its_own_backward_is_used_as_written():
    class Double(Layer):
        def forward(self, x, training=False):
            return 2 * x

        def backward(self, dy):
            return 3 * dy  # deliberately not the derivative: proves this backward, not a derived one, runs

        def call(self, inputs):
            raise AssertionError("call is not used when forward is defined")

    layer = Double()
    assert not layer.derives_backward
    layer(np.ones((1, 2)))
    assert layer.backward(np.ones((1, 2))).tolist() == [[3.0, 3.0]]


def test_two_calls_keep_their_own_records(rng):
    layer = Linear(3)
    a, b = rng.normal(size=(2, 4)), rng.normal(size=(5, 4))
    first, second = layer.new_call(), layer.new_call()
    first(a)
    second(b)
    assert first.backward(np.ones((2, 3), np.float32)).shape == (2, 4)
    assert second.backward(np.ones((5, 3), np.float32)).shape == (5, 4)


def test_an_input_spec_set_in_init_rules_the_inputs_of_a_call_layer():
    class Rows(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = layerwise.layers.InputSpec(ndim=2)

        def call(self, inputs):
            return ops.sum(inputs, axis=-1)

    layer = Rows(name="rows")
    assert layer(np.ones((2, 3))).tolist() == [3.0, 3.0]
    assert layer(np.ones((4, 5))).shape == (4,)  # only the rank is prescribed
    with pytest.raises(ValueError, match="rows"):
        layer(np.ones((2, 3, 4)))


def test_a_lambda_of_a_python_function_works_but_is_not_saved_as_code(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), layerwise.layers.Lambda(lambda x: x * ops.sigmoid(x))])
    x = np.linspace(-2, 2, 6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(model.predict(x, verbose=0), x / (1 + np.exp(-x)), rtol=1e-6)
    with pytest.raises(ValueError, match="cannot be saved by name, and layerwise never saves code"):
        model.save(tmp_path / "m.layerwise")
    assert not (tmp_path / "m.layerwise").exists()


def test_a_lambda_refuses_to_load_a_function_that_is_not_a_public_one_of_ops_or_activations():
    from layerwise.layers import Lambda
    for name in ("os:system", "layerwise.config:os", "layerwise.ops:_autodiff", "builtins:eval"):
        with pytest.raises(ValueError, match="unknown function"):
            Lambda.from_config({"function": name})
    assert Lambda.from_config({"function": "layerwise.ops:relu"}).function is ops.relu


def test_a_lambda_of_a_registered_function_round_trips_through_a_model_file(tmp_path):
    @layerwise.saving.register_keras_serializable(package="test_lambda")
    def swish_twice(x):
        return 2.0 * x * ops.sigmoid(x)

    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2), layerwise.layers.Lambda(swish_twice)])
    x = np.ones((2, 3), dtype="float32")
    model.save(tmp_path / "m.layerwise")
    loaded = layerwise.models.load_model(tmp_path / "m.layerwise")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# ---- found in review ------------------------------------------------------------------------------------------
def test_tensor_equality_is_element_wise_as_numpy_s(rng):
    class ZeroToOne(Layer):
        def call(self, inputs):
            return ops.where(inputs == 0.0, 1.0, inputs) + ops.where(inputs != 0.0, 0.0, 1.0)

    assert ZeroToOne()(np.array([[0.0, 2.0]])).tolist() == [[2.0, 2.0]]
    with pytest.raises(TypeError):
        hash(ops.Tensor(np.zeros(2)))


def test_joining_a_float32_tensor_with_float64_constants_stays_float32():
    class Join(Layer):
        def call(self, inputs):
            return ops.concatenate([inputs, np.zeros((2, 1))], axis=-1) + ops.stack([inputs, np.ones((2, 3))])[0, :, :1]

    y = Join()(np.ones((2, 3), dtype="float32"))
    assert y.dtype == np.float32


def test_gradients_of_reductions_are_writable_arrays_of_their_own():
    layer = layerwise.layers.Lambda(lambda x: ops.sum(x, axis=1))
    layer(np.ones((2, 3)))
    dx = layer.backward(np.ones(2, dtype="float32"))
    dx *= 2.0
    assert dx.tolist() == [[2.0] * 3] * 2


def test_a_call_layer_s_own_activity_regularizer_counts_in_training(float64):
    layer = Linear(2, activity_regularizer="l2")
    x = np.ones((3, 4))
    y = layer(x, training=True)
    assert layer.activity_penalty == pytest.approx(0.01 * float(np.sum(y ** 2)))
    np.testing.assert_allclose(layer.activity_gradient, 0.02 * y)
    layer(x, training=False)
    assert layer.activity_penalty == 0.0 and layer.activity_gradient is None


def test_a_call_without_input_gradient_returns_none():
    layer = Linear(2)
    layer(np.ones((3, 4)))
    call = layer.new_call()
    call(np.ones((3, 4)), input_gradient=False)
    assert call.backward(np.ones((3, 2), dtype="float32")) is None and layer.w.grad.any()


def test_a_list_of_input_specs_checks_the_number_of_inputs():
    class Pair(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = [layerwise.layers.InputSpec(ndim=2), layerwise.layers.InputSpec(ndim=2)]

        def call(self, inputs):
            return inputs[0] + inputs[1]

    layer = Pair(name="pair")
    assert layer([np.ones((1, 2)), np.ones((1, 2))]).tolist() == [[2.0, 2.0]]
    with pytest.raises(ValueError, match=r"'pair' \(Pair\) expects 2 input\(s\) by its input_spec, received 3"):
        layer([np.ones((1, 2))] * 3)


def test_a_protocol_layer_returning_a_tuple_enters_the_record_as_several_outputs(float64, rng):
    class LastState(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.rnn = layerwise.layers.GRU(3, return_state=True)

        def call(self, inputs):
            output, state = self.rnn(inputs)
            return output * 2.0 + ops.tanh(state)

    layer = LastState()
    report = check_gradients(layer, rng.normal(size=(2, 4, 3)))
    assert report.passed, f"\n{report}"


def test_a_lambda_names_only_ops_and_activation_functions():
    from layerwise.layers import Lambda
    for name in ("layerwise.activations:get", "layerwise.activations:serialize", "layerwise.ops:Tensor",
                 "layerwise.activations:elementwise_in_lanes"):
        with pytest.raises(ValueError, match="unknown function"):
            Lambda.from_config({"function": name})
    assert Lambda.from_config({"function": "layerwise.activations:gelu"}).function is layerwise.activations.gelu
