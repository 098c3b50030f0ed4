"""The ``layerwise`` command line: quickstart, info, summary, evaluate and predict."""

import argparse
import importlib.util
import platform
import sys

#: Optional packages that switch features on: their extra, and what they enable.
OPTIONAL = (("threadpoolctl", "threads", "both cores for convolutional networks"),
            ("matplotlib", "plot", "plots"),
            ("onnx", "onnx", "ONNX export"),
            ("onnxruntime", "onnx", "running exported ONNX files"),
            ("safetensors", "test", "the reference safetensors codec (tests only)"))


def quickstart(args) -> int:
    """Train lecture 003's 784-500-500-10 network on MNIST and print the test accuracy."""
    import layerwise
    from layerwise.layers import Dense
    from layerwise.optimizers import SGD

    layerwise.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
    y_train = layerwise.utils.to_categorical(y_train, 10)
    y_test = layerwise.utils.to_categorical(y_test, 10)

    model = layerwise.Sequential([
        Dense(units=500, input_dim=28 * 28, activation="relu"),
        Dense(units=500, activation="relu"),
        Dense(units=10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=SGD(lr=args.learning_rate, momentum=0.9),
                  metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1,
              verbose=1 if sys.stderr.isatty() or args.progress else 2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    return 0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def info(args) -> int:
    """Print the versions, the CPU, the BLAS NumPy runs on, the threads layerwise uses and the extras found."""
    import numpy as np

    import layerwise

    print(f"layerwise {layerwise.__version__} (Python {platform.python_version()}, NumPy {np.__version__})")
    print(f"CPU: {_cpu_model()}; layerwise threads: {layerwise.config.threads()}; float type: "
          f"{layerwise.config.floatx()}")
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_info

        for library in threadpool_info():
            if library["user_api"] == "blas":
                print(f"BLAS: {library['internal_api']} {library.get('version')} {library.get('architecture')} "
                      f"({library['num_threads']} threads)")
    else:
        print("BLAS: unknown (install layerwise[threads] for threadpoolctl)")
    for module, extra, feature in OPTIONAL:
        found = importlib.util.find_spec(module) is not None
        print(f"  {module:<14} {'found' if found else 'missing':<8} {feature} (layerwise[{extra}])")
    return 0


def summary(args) -> int:
    """Print the summary table of a saved model file."""
    model = _load(args.model, "summary")
    if model is None:
        return 1
    model.summary(expand_nested=args.expand_nested)
    return 0


#: Image datasets `evaluate` loads by name: their test split, scaled to [0, 1].
DATASETS = ("mnist", "fashion_mnist", "cifar10")


def _load(path, command):
    """The model saved at ``path``, or None after printing why it cannot be loaded."""
    from layerwise.errors import ModelFileError
    from layerwise.models import load_model

    try:
        return load_model(path)
    except (ModelFileError, OSError) as error:
        print(f"layerwise {command}: {error}", file=sys.stderr)
        return None


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

    model = _load(args.model, "evaluate")
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

    model = _load(args.model, "predict")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="layerwise", description="Deep networks in plain NumPy.")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser(
        "quickstart", help="train lecture 003's 784-500-500-10 network on MNIST and report test accuracy")
    start.add_argument("--epochs", type=int, default=5)
    start.add_argument("--batch-size", type=int, default=100)
    start.add_argument("--learning-rate", type=float, default=0.05)
    start.add_argument("--seed", type=int, default=0)
    start.add_argument("--progress", action="store_true", help="draw the live progress bar even when not on a terminal")
    start.set_defaults(handler=quickstart)
    commands.add_parser("info", help="versions, CPU, BLAS, threads and the optional extras found").set_defaults(
        handler=info)
    show = commands.add_parser("summary", help="the summary table of a saved model file")
    show.add_argument("model", help="a file written by model.save")
    show.add_argument("--expand-nested", action="store_true", help="list the layers inside nested models too")
    show.set_defaults(handler=summary)
    judge = commands.add_parser("evaluate", help="loss and metrics of a saved model on a dataset or on .npy arrays")
    judge.add_argument("model", help="a file written by model.save")
    data = judge.add_mutually_exclusive_group(required=True)
    data.add_argument("--dataset", choices=DATASETS, help="a dataset's test split, images scaled to [0, 1]")
    data.add_argument("--x", help="a .npy file of inputs (with --y)")
    judge.add_argument("--y", help="a .npy file of targets (with --x)")
    judge.add_argument("--batch-size", type=int, default=256)
    judge.set_defaults(handler=evaluate)
    guess = commands.add_parser("predict", help="a saved model's predictions for a .npy file of inputs")
    guess.add_argument("model", help="a file written by model.save")
    guess.add_argument("input", help="a .npy file of input samples")
    guess.add_argument("--output", help="where to write the predictions (default: INPUT_predictions.npy)")
    guess.add_argument("--batch-size", type=int, default=256)
    guess.set_defaults(handler=predict)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "x", None) is not None and args.y is None:
        parser.error("evaluate: --x needs --y, the targets")
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
