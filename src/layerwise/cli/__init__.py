"""The ``layerwise`` command line: quickstart, info, summary, evaluate, predict, train and gradcheck."""

import argparse

from layerwise.cli.inference import DATASETS, evaluate, predict
from layerwise.cli.inspect import OPTIONAL, info, summary
from layerwise.cli.quickstart import quickstart
from layerwise.cli.train import gradcheck, train

__all__ = ["OPTIONAL", "build_parser", "main"]


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
    run = commands.add_parser("train", help="train the model a TOML run file describes (see layerwise.cli.run_config)")
    run.add_argument("config", help="the run's TOML file")
    run.add_argument("--resume", action="store_true", help="continue a run stopped by Ctrl-C")
    run.set_defaults(handler=train)
    check = commands.add_parser("gradcheck", help="float64 gradient check of the model a TOML run file describes")
    check.add_argument("config", help="the run's TOML file")
    check.add_argument("--samples", type=int, default=4, help="samples of the data to check on")
    check.set_defaults(handler=gradcheck)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "x", None) is not None and args.y is None:
        parser.error("evaluate: --x needs --y, the targets")
    return args.handler(args)

