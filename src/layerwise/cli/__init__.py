"""The ``layerwise`` command line: quickstart, info, summary, evaluate, predict, train, gradcheck, tune and lab."""

import argparse
import os
import sys

from layerwise.cli.data import DATASETS
from layerwise.cli.inference import evaluate, predict
from layerwise.cli.inspect import OPTIONAL, info, summary
from layerwise.cli.quickstart import quickstart
from layerwise.cli.train import gradcheck, train
from layerwise.cli.tune import tune
from layerwise.tuning import executors

__all__ = ["OPTIONAL", "build_parser", "main"]


def _command(commands, name, handler, help, first=None):
    """A subcommand that runs ``handler``, with a first positional argument (the model file, the run file)."""
    command = commands.add_parser(name, help=help)
    command.set_defaults(handler=handler)
    if first is not None:
        command.add_argument(first[0], help=first[1])
    return command


MODEL = ("model", "a file written by model.save")
RUN = ("config", "the run's TOML file (its schema: layerwise.cli.run_config)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="layerwise", description="Deep networks in plain NumPy.")
    commands = parser.add_subparsers(dest="command", required=True)
    start = _command(commands, "quickstart", quickstart,
                     "train lecture 003's 784-500-500-10 network on MNIST and report test accuracy")
    start.add_argument("--epochs", type=int, default=5)
    start.add_argument("--batch-size", type=int, default=100)
    start.add_argument("--learning-rate", type=float, default=0.05)
    start.add_argument("--seed", type=int, default=0)
    start.add_argument("--progress", action="store_true", help="draw the live progress bar even when not on a terminal")
    _command(commands, "info", info, "versions, CPU, BLAS, threads and the optional extras found")
    show = _command(commands, "summary", summary, "the summary table of a saved model file", MODEL)
    show.add_argument("--expand-nested", action="store_true", help="list the layers inside nested models too")
    judge = _command(commands, "evaluate", evaluate, "loss and metrics of a saved model on a dataset or .npy arrays",
                     MODEL)
    data = judge.add_mutually_exclusive_group(required=True)
    data.add_argument("--dataset", choices=DATASETS, help="a dataset's test split, images scaled to [0, 1]")
    data.add_argument("--x", help="a .npy file of inputs (with --y)")
    judge.add_argument("--y", help="a .npy file of targets (with --x)")
    guess = _command(commands, "predict", predict, "a saved model's predictions for a .npy file of inputs", MODEL)
    guess.add_argument("input", help="a .npy file of input samples")
    guess.add_argument("--output", help="where to write the predictions (default: INPUT_predictions.npy)")
    for command in (judge, guess):
        command.add_argument("--batch-size", type=int, default=256)
    run = _command(commands, "train", train, "train the model a TOML run file describes", RUN)
    run.add_argument("--resume", action="store_true", help="continue a run stopped by Ctrl-C")
    check = _command(commands, "gradcheck", gradcheck, "float64 gradient check of the model a run file describes",
                     RUN)
    check.add_argument("--samples", type=int, default=4, help="samples of the data to check on")
    search = _command(commands, "tune", tune, "run (or continue) the hyperparameter search a TOML file describes",
                      ("config", "the search's TOML file (its schema: layerwise.cli.tune_config)"))
    executors.add_arguments(search)
    # Listed for --help only: `main` hands everything after `lab` to the lab's own parser before parsing.
    commands.add_parser("lab", add_help=False, help="the lab: experiments that test the lectures' claims "
                        "(layerwise lab --help)")
    return parser


def _lab(argv) -> int:
    # The lab is imported only when asked for: the library and its other commands never load it. Its own
    # parser reads everything after `lab`, --help included.
    from layerwise_lab.cli import main as lab

    return lab(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["lab"]:
        return _lab(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "x", None) is not None and args.y is None:
        parser.error("evaluate: --x needs --y, the targets")
    try:
        return args.handler(args)
    except KeyboardInterrupt:  # before training began, or a second Ctrl-C: nothing was left half-written
        print(f"\nlayerwise {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left (`layerwise info | head`): exit quietly, as Unix tools do, instead of a traceback
        # (stdout is pointed at devnull so that Python's final flush does not fail again).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1

