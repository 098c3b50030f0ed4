"""The Callback base class and the list that dispatches to several callbacks."""


class Callback:
    """Hooks called by `fit`, `evaluate` and `predict`, with Keras's names.

    A callback steers training through the model's public attributes, as in Keras: it sets
    ``model.stop_training = True`` to end `fit` after the current batch, and ``model.resume_epoch`` in
    `on_train_begin` to start `fit` at a later epoch (`BackupAndRestore`).

    Attributes:
        model: the model being trained (set by `set_model`).
        params: ``{"epochs", "steps", "verbose"}`` (set by `set_params`).
        writes_weights: whether the callback may write the model's weights between two training steps (True unless
            its class says otherwise). Where no callback of a `fit` does, `fit`'s check after each update bounds
            ||θ|| from the last step's instead of reading θ where it can (`layerwise.models._divergence`); a
            callback that writes weights in ``on_train_batch_end`` or ``on_epoch_end`` keeps the default.

    Example:
        A callback that counts the training batches: 10 samples in batches of 4 are 3 batches an epoch.

        >>> import numpy as np
        >>> import layerwise
        >>> class CountBatches(Callback):
        ...     def on_train_begin(self, logs=None):
        ...         self.batches = 0
        ...     def on_train_batch_end(self, batch, logs=None):
        ...         self.batches += 1
        >>> model = layerwise.Sequential([layerwise.layers.Dense(1, input_dim=2)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> counter = CountBatches()
        >>> _ = model.fit(np.zeros((10, 2)), np.zeros((10, 1)), batch_size=4, epochs=2, verbose=0,
        ...               callbacks=[counter])
        >>> counter.batches, counter.params["steps"], counter.params["epochs"]
        (6, 3, 2)
    """

    writes_weights = True

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]


class CallbackList(Callback):
    """Forwards every hook to each callback in order.

    Args:
        callbacks: the callbacks.
        model: the model to give each callback (`set_model`), if any.
        **params: the ``params`` to give each callback (`set_params`), e.g. ``epochs=2``.

    Example:
        >>> from layerwise.callbacks import History
        >>> history = History()
        >>> callbacks = CallbackList([history], epochs=2)
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {"loss": 0.5})
        >>> history.history, history.params
        ({'loss': [0.5]}, {'epochs': 2})
    """

    def __init__(self, callbacks, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks)
        if model is not None:
            self.set_model(model)
        self.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)


def _dispatch(hook):
    def call_all(self, *args, **kwargs):
        for callback in self.callbacks:
            getattr(callback, hook)(*args, **kwargs)

    call_all.__name__ = hook
    return call_all


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _dispatch(_hook))
