"""The Callback base class and the list that dispatches to several callbacks."""


class Callback:
    """Hooks called by `fit`, `evaluate` and `predict`, with Keras's names.

    A callback steers training through the model's public attributes, as in Keras: it sets
    ``model.stop_training = True`` to end `fit` after the current batch, and ``model.resume_epoch`` in
    `on_train_begin` to start `fit` at a later epoch (`BackupAndRestore`).

    Attributes:
        model: the model being trained (set by `set_model`).
        params: ``{"epochs", "steps", "verbose"}`` (set by `set_params`).
    """

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
    """Forwards every hook to each callback in order."""

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
