"""``layerwise evaluate`` and ``layerwise predict``: a saved model on a dataset or on .npy files."""

import sys

from layerwise.cli.data import dataset_split, targets_for
from layerwise.cli.inspect import load_saved_model


def _read_array(path, what, command):
    """A .npy file's array (never unpickled), or None after printing why it cannot be read."""
    import numpy as np

    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        print(f"layerwise {command}: {what} {path}: {error}", file=sys.stderr)
        return None


def evaluate(args) -> int:
    """Print the loss and metrics of a saved model on a named dataset's test split or on .npy arrays."""
    from layerwise.callbacks.progbar_logger import format_logs

    model = load_saved_model(args.model, "evaluate")
    if model is None:
        return 1
    if args.dataset is not None:
        try:
            x, y = dataset_split(args.dataset, "test", model)
            y = targets_for(model, y)
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
