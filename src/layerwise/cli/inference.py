"""``layerwise evaluate`` and ``layerwise predict``: a saved model on a dataset or on .npy files."""

import sys

from layerwise.cli.inspect import load_saved_model

#: Image datasets `evaluate` loads by name: their test split, scaled to [0, 1].
DATASETS = ("mnist", "fashion_mnist", "cifar10")


def _read_array(path, what, command):
    """A .npy file's array (never unpickled), or None after printing why it cannot be read."""
    import numpy as np

    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        print(f"layerwise {command}: {what} {path}: {error}", file=sys.stderr)
        return None


def _dataset_test_split(name, model):
    """A named dataset's test images shaped for the model's input, and labels shaped for its loss."""
    import layerwise
    from layerwise import losses

    (_, _), (x, y) = getattr(layerwise.datasets, name).load_data()
    x = x.astype("float32").reshape((len(x),) + tuple(model.input_shape[1:])) / 255
    if isinstance(model.loss, losses.CategoricalCrossentropy):
        y = layerwise.utils.to_categorical(y.reshape(-1), int(model.compute_output_shape(model.input_shape)[-1]))
    return x, y


def evaluate(args) -> int:
    """Print the loss and metrics of a saved model on a named dataset's test split or on .npy arrays."""
    from layerwise.callbacks.progbar_logger import format_logs

    model = load_saved_model(args.model, "evaluate")
    if model is None:
        return 1
    if args.dataset is not None:
        try:
            x, y = _dataset_test_split(args.dataset, model)
        except ValueError as error:
            print(f"layerwise evaluate: {args.dataset} does not fit the model: {error}", file=sys.stderr)
            return 1
    else:
        x, y = _read_array(args.x, "--x", "evaluate"), _read_array(args.y, "--y", "evaluate")
        if x is None or y is None:
            return 1
    try:
        logs = model.evaluate(x, y, batch_size=args.batch_size, verbose=0, return_dict=True)
    except (ValueError, RuntimeError) as error:
        print(f"layerwise evaluate: {error}", file=sys.stderr)
        return 1
    print(format_logs(logs))
    return 0


def predict(args) -> int:
    """Write a saved model's predictions for the samples of a .npy file to another .npy file."""
    import numpy as np

    model = load_saved_model(args.model, "predict")
    x = None if model is None else _read_array(args.input, "input", "predict")
    if x is None:
        return 1
    try:
        predictions = model.predict(x, batch_size=args.batch_size, verbose=0)
    except ValueError as error:
        print(f"layerwise predict: {error}", file=sys.stderr)
        return 1
    output = args.output or str(args.input).removesuffix(".npy") + "_predictions.npy"
    np.save(output, predictions)
    print(f"{output}: predictions of shape {predictions.shape}")
    return 0
