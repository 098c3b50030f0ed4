"""Models written the Keras way (a subclass of layerwise.Model with __init__ and call): the keras.io guide's
variational autoencoder with add_loss, and a subclassed model through fit, evaluate, predict, summary,
save_weights/load_weights, save/load_model, gradient checks and torch parity."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import ops
from layerwise.layers import Dense, Layer
from layerwise.saving import register_keras_serializable
from layerwise.testing import check_gradients
from layerwise.utils.random import make_generator


class Sampling(Layer):
    """z = z_mean + exp(z_log_var / 2) * epsilon, epsilon ~ N(0, I) (the reparameterization trick)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rng = make_generator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = self.rng.normal(size=ops.shape(z_mean)).astype(z_mean.dtype)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(Layer):
    def __init__(self, latent_dim=32, intermediate_dim=64, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = Dense(intermediate_dim, activation="relu")
        self.dense_mean = Dense(latent_dim)
        self.dense_log_var = Dense(latent_dim)
        self.sampling = Sampling(seed=1)

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        return z_mean, z_log_var, self.sampling((z_mean, z_log_var))


class Decoder(Layer):
    def __init__(self, original_dim, intermediate_dim=64, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = Dense(intermediate_dim, activation="relu")
        self.dense_output = Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        return self.dense_output(self.dense_proj(inputs))


class VariationalAutoEncoder(layerwise.Model):
    """keras.io's VAE: the KL divergence of the code from N(0, I) added with add_loss."""

    def __init__(self, original_dim, intermediate_dim=64, latent_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        self.add_loss(-0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1))
        return reconstructed


@register_keras_serializable(package="test_subclassed")
class Classifier(layerwise.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = [Dense(units, activation="tanh"), Dense(units, activation="relu")]
        self.head = Dense(3, activation="softmax")

    def call(self, inputs, training=None):
        x = inputs
        for layer in self.hidden:
            x = layer(x)
        return self.head(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _blobs(rng, n=96):
    y = rng.integers(0, 3, n)
    x = rng.normal(size=(n, 4)) * 0.5 + np.eye(3, 4)[y] * 2.0
    return x.astype("float32"), y


def test_the_guide_vae_trains_on_mnist_with_its_kl_loss(shared_datasets):
    (x, _), _ = layerwise.datasets.mnist.load_data()
    x = x[:2048].reshape(-1, 784).astype("float32") / 255
    vae = VariationalAutoEncoder(784, 64, 32)
    untrained = float(np.mean((vae.predict(x[:256], verbose=0) - x[:256]) ** 2))
    vae.compile(optimizer=layerwise.optimizers.Adam(learning_rate=1e-3), loss=layerwise.losses.MeanSquaredError())
    losses = vae.fit(x, x, epochs=3, batch_size=64, verbose=0).history["loss"]
    assert losses[-1] < 0.75 * losses[0]
    reconstruction = float(np.mean((vae.predict(x[:256], verbose=0) - x[:256]) ** 2))
    assert reconstruction < 0.5 * untrained
    # The training loss is the reconstruction error plus the KL term that add_loss adds.
    vae(x[:64], training=True)
    assert len(vae.losses) == 1 and float(vae.losses[0]) > 0
    assert len(vae.weights) == 10 and vae.layers == [vae.encoder, vae.decoder]


def test_the_kl_term_of_add_loss_reaches_the_encoder_exactly(float64, rng):
    vae = VariationalAutoEncoder(6, 5, 2)
    report = check_gradients(vae, rng.uniform(size=(4, 6)), modes=("training",))
    assert report.passed, f"\n{report}"
    assert {row[1] for row in report.rows} >= {p.name for p in vae.trainable_weights}


def test_a_subclassed_model_fits_evaluates_predicts_and_summarizes(rng, capsys):
    x, y = _blobs(rng)
    model = Classifier()
    model.compile(optimizer=layerwise.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, validation_split=0.25, verbose=0).history
    assert history["accuracy"][-1] > 0.9 and "val_loss" in history
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and model.metrics_names == ["loss", "accuracy"]
    assert model.predict(x[:5], verbose=0).shape == (5, 3)
    model.summary()
    text = capsys.readouterr().out
    assert "(None, 16)" in text and "(None, 3)" in text and f"Total params: {model.count_params():,}" in text
    assert model.count_params() == 4 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3


def test_weights_saved_from_one_instance_load_into_another(rng, tmp_path):
    x, y = _blobs(rng)
    model = Classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    model.save_weights(tmp_path / "w.safetensors")
    other = Classifier()  # its layers get other names: the weights are keyed by attribute paths
    other.build((None, 4))
    other.load_weights(tmp_path / "w.safetensors")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_registered_subclass_saves_and_loads_whole_and_fit_continues(rng, tmp_path):
    x, y = _blobs(rng)
    model = Classifier(units=8)
    model.compile(layerwise.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.layerwise")
    loaded = layerwise.models.load_model(tmp_path / "m.layerwise")
    assert type(loaded) is Classifier and loaded.units == 8
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for m in (model, loaded):
        layerwise.utils.set_random_seed(3)
        m.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_an_unregistered_subclass_is_refused_by_load_model_with_advice(rng, tmp_path):
    class Local(layerwise.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.out = Dense(1)

        def call(self, inputs):
            return self.out(inputs)

    model = Local()
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    model.save(tmp_path / "m.layerwise")
    with pytest.raises(layerwise.errors.ModelFileError, match="register"):
        layerwise.models.load_model(tmp_path / "m.layerwise")


def test_a_model_of_two_inputs_trains(rng):
    class Pair(layerwise.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.left, self.right = Dense(4, activation="tanh"), Dense(4, activation="tanh")
            self.out = Dense(1)

        def call(self, inputs):
            a, b = inputs
            return self.out(ops.concatenate([self.left(a), self.right(b) * a[:, :1]], axis=-1))

    a, b = rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 2)).astype("float32")
    target = (a[:, :1] * b[:, :1]).astype("float32")
    model = Pair()
    model([a[:1], b[:1]])  # built by a first call, as a Keras subclass is
    model.compile(layerwise.optimizers.Adam(0.02), "mse")
    losses = model.fit([a, b], target, epochs=30, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_a_training_step_matches_torch(float64, rng):
    x, y = _blobs(rng, 8)
    model = Classifier(units=5)
    model(x[:1])
    twin = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 5), torch.nn.ReLU(),
                               torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        for module, layer in zip([twin[0], twin[2], twin[4]], model.hidden + [model.head]):
            module.weight.copy_(torch.tensor(layer.kernel.value.T))
            module.bias.copy_(torch.tensor(layer.bias.value))
    model.compile(layerwise.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    loss = model.train_on_batch(x.astype("float64"), y)
    torch_loss = torch.nn.functional.cross_entropy(twin(torch.tensor(x, dtype=torch.float64)), torch.tensor(y))
    torch_loss.backward()
    with torch.no_grad():
        for p in twin.parameters():
            p -= 0.1 * p.grad
    assert loss == pytest.approx(torch_loss.item(), rel=1e-10)
    for module, layer in zip([twin[0], twin[2], twin[4]], model.hidden + [model.head]):
        np.testing.assert_allclose(layer.kernel.value, module.weight.detach().numpy().T, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(layer.bias.value, module.bias.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_model_with_inputs_and_outputs_is_functional():
    inputs = layerwise.Input(shape=(3,))
    model = layerwise.Model(inputs, Dense(2)(inputs))
    assert isinstance(model, layerwise.models.Functional) and isinstance(model, layerwise.Model)
    assert model.to_json().count('"Functional"') == 1


def test_a_functional_file_of_an_older_layerwise_that_says_model_still_loads():
    inputs = layerwise.Input(shape=(3,))
    config = layerwise.Model(inputs, Dense(2)(inputs)).get_config()
    assert isinstance(layerwise.Model.from_config(config), layerwise.models.Functional)


def test_evaluate_counts_the_added_loss_as_keras_does(rng):
    x = rng.uniform(size=(32, 6)).astype("float32")
    vae = VariationalAutoEncoder(6, 5, 2)
    vae.compile("adam", "mse")
    loss = vae.evaluate(x, x, batch_size=32, verbose=0)
    call = vae.new_call()
    reconstructed = call(x)
    kl = float(call.losses[0])
    assert kl > 0 and call.added_loss == pytest.approx(kl)
    # The sampling layer draws anew at each call, so the reconstruction term is recomputed from a call of its own.
    assert loss == pytest.approx(float(np.mean((reconstructed - x) ** 2)) + kl, rel=0.2)
    assert loss > float(np.mean((reconstructed - x) ** 2))


# ---- found in review ------------------------------------------------------------------------------------------
class Scaled(layerwise.Model):
    """A model with its own build and weight, an activity penalty inside and an added loss."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = Dense(3, activity_regularizer="l2")

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), "ones")

    def call(self, inputs):
        y = self.dense(inputs * self.w)
        self.add_loss(0.1 * ops.sum(ops.square(self.w)))
        return y


def test_a_subclass_with_its_own_build_is_built_once(rng):
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 3)).astype("float32")
    model = Scaled()
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=1, verbose=0)
    first = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), first)
    assert [p.name.split("/")[-1] for p in model.weights].count("w") == 1 and model.count_params() == 4 + 15


def test_loss_scaling_scales_the_added_losses_and_inner_penalties_too(rng):
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 3)).astype("float32")
    plain, scaled = Scaled(), Scaled()
    plain(x[:1])
    scaled(x[:1])
    scaled.set_weights(plain.get_weights())
    plain.compile(layerwise.optimizers.SGD(0.1), "mse")
    scaled.compile(layerwise.optimizers.LossScaleOptimizer(layerwise.optimizers.SGD(0.1), initial_scale=1024.0),
                   "mse")
    plain.train_on_batch(x, y)
    scaled.train_on_batch(x, y)
    for p, q in zip(plain.weights, scaled.weights):
        np.testing.assert_allclose(q.value, p.value, rtol=1e-5, atol=1e-6)


def test_a_colliding_weight_path_is_refused_rather_than_one_weight_dropped(tmp_path):
    class Twice(layerwise.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a = self.add_weight("w", (2,), "ones")
            self.b = self.add_weight("w", (2,), "zeros")

        def call(self, inputs):
            return inputs * self.a + self.b

    model = Twice()
    model(np.ones((1, 2)))
    with pytest.raises(ValueError, match="would both be saved as 'w'"):
        model.save_weights(tmp_path / "w.safetensors")


def test_a_subclass_with_an_input_spec_saves_and_loads(rng, tmp_path):
    model = Classifier(units=4)
    model.input_spec = layerwise.layers.InputSpec(ndim=2)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = _blobs(rng, 16)
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "m.layerwise")
    loaded = layerwise.models.load_model(tmp_path / "m.layerwise")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("shape", [[None, 10**7, 10**6, 4], [None, -1], [3, 4], "oops", [None, 2.5]])
def test_a_hostile_build_config_is_refused_before_anything_is_allocated(shape, rng, tmp_path):
    import json
    import zipfile

    from layerwise.saving import model_file
    model = Classifier(units=4)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = _blobs(rng, 16)
    model.fit(x, y, verbose=0)
    entries = model_file.model_entries(model)
    config = json.loads(entries["config.json"])
    config["model"]["build_config"]["input_shape"] = shape
    entries["config.json"] = json.dumps(config).encode()
    model_file.write_model_file(tmp_path / "m.layerwise", entries)
    assert zipfile.is_zipfile(tmp_path / "m.layerwise")
    with pytest.raises(layerwise.errors.ModelFileError, match="build_config|cannot be built"):
        layerwise.models.load_model(tmp_path / "m.layerwise")
