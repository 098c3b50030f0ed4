"""The ``layerwise`` command line: ``layerwise quickstart`` and friends."""

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
    from layerwise.errors import ModelFileError
    from layerwise.models import load_model

    try:
        model = load_model(args.model)
    except (ModelFileError, OSError) as error:
        print(f"layerwise summary: {error}", file=sys.stderr)
        return 1
    model.summary(expand_nested=args.expand_nested)
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
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
