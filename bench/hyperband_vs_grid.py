"""Hyperband against a grid over an MNIST MLP's width, depth, learning rate and dropout: does Hyperband find a
network at least as good as lecture 003's 784-500-500-10 in fewer total epochs than the grid spends?

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/hyperband_vs_grid.py [--workers 2] [--run-grid]

The space (`build_model`): 128-512 units per hidden layer (step 128), 1-3 hidden layers, a learning rate in
[0.01, 0.1] (log; the grid takes 0.01, 0.0316 and 0.1) and dropout 0, 0.2 or 0.4 after each hidden layer; SGD
with momentum 0.9, batches of 100, as lecture 003 trains. The grid is its 4 x 3 x 3 x 3 = 108 points, each
trained ``--max-epochs`` epochs: 108 x max_epochs epochs, known before it runs (``--run-grid`` runs it too, to
report its best). Hyperband (random values, Optuna's HyperbandPruner, reduction factor 3) runs ``--trials``
trials of up to ``--max-epochs`` epochs and stops the ones that fall behind; its cost is the sum of the epochs
its trials trained. The reference is lecture 003's network with its recipe (learning rate 0.05) trained
``--max-epochs`` epochs. All train on the first ``--train`` MNIST training images and are judged on the next
``--validation`` (the search's objective); the best models are then scored on the 10,000 test images.
"""

import argparse
import math
import tempfile
import time

import layerwise
from layerwise.layers import Dense, Dropout
from layerwise.optimizers import SGD
from layerwise.tuning import GridSearch, Hyperband, executors


def build_model(hp):
    """An MLP of the searched width, depth and dropout, trained by SGD with momentum at the searched rate."""
    layers = [layerwise.Input(shape=(784,))]
    units, dropout = hp.Int("units", 128, 512, step=128), hp.Float("dropout", 0.0, 0.4, step=0.2)
    for _ in range(hp.Int("depth", 1, 3)):
        layers += [Dense(units, activation="relu"), Dropout(dropout)]
    model = layerwise.Sequential(layers + [Dense(10, activation="softmax")])
    model.compile(optimizer=SGD(hp.Float("learning_rate", 0.01, 0.1, step=math.sqrt(10), sampling="log"),
                                momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def lecture_003_network():
    model = layerwise.Sequential([layerwise.Input(shape=(784,)), Dense(500, activation="relu"),
                                  Dense(500, activation="relu"), Dense(10, activation="softmax")])
    model.compile(optimizer=SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=int, default=10000)
    parser.add_argument("--validation", type=int, default=5000)
    parser.add_argument("--max-epochs", type=int, default=9)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--workers", type=int, help="a Dask LocalCluster of this many workers (default: in-process)")
    parser.add_argument("--run-grid", action="store_true", help="run the whole grid too, to report its best")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--directory", default=None, help="where the searches go (default: a temporary one)")
    args = parser.parse_args()

    from _environment import report_environment

    report_environment()
    (x, y), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x, x_test = x.reshape(-1, 784).astype("float32") / 255, x_test.reshape(-1, 784).astype("float32") / 255
    end = args.train + args.validation
    train, validation = (x[:args.train], y[:args.train]), (x[args.train:end], y[args.train:end])
    directory = args.directory or tempfile.mkdtemp(prefix="hyperband-vs-grid-")
    print(f"MNIST: {args.train} training and {args.validation} validation images; up to {args.max_epochs} epochs; "
          f"searches in {directory}")

    start = time.perf_counter()
    layerwise.utils.set_random_seed(args.seed)
    reference = lecture_003_network()
    with executors.pinned(1):  # as the searches' trials run: one thread each
        history = reference.fit(*train, validation_data=validation, batch_size=100, epochs=args.max_epochs,
                                verbose=0)
    reference_test = reference.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    print(f"lecture 003's 784-500-500-10: validation accuracy {history.history['val_accuracy'][-1]:.4f}, test "
          f"{reference_test:.4f} after {args.max_epochs} epochs ({time.perf_counter() - start:.0f} s)")

    grid_points = math.prod(len(values) for values in GridSearch(build_model, directory=directory).space.values())
    with executors.get(workers=args.workers) as executor:
        searches = [("hyperband", Hyperband(build_model, max_epochs=args.max_epochs, factor=3, max_trials=args.trials,
                                            seed=args.seed, directory=directory, project_name="hyperband",
                                            executor=executor))]
        if args.run_grid:
            searches.append(("grid", GridSearch(build_model, seed=args.seed, directory=directory, project_name="grid",
                                                executor=executor)))
        for name, tuner in searches:
            start = time.perf_counter()
            tuner.search(*train, epochs=args.max_epochs if name == "grid" else None, validation_data=validation,
                         batch_size=100, verbose=0)
            rows = tuner.results()
            best = tuner.get_best_trials(1)[0]
            test = tuner.get_best_models(1)[0].evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
            print(f"{name}: {len(rows)} trials ({sum(row['state'] == 'pruned' for row in rows)} pruned), "
                  f"{sum(row['epochs'] for row in rows)} epochs in all, {time.perf_counter() - start:.0f} s; best: "
                  f"validation accuracy {best.value:.4f}, test {test:.4f}, {best.params}")
    print(f"grid: {grid_points} points x {args.max_epochs} epochs = {grid_points * args.max_epochs} epochs")


if __name__ == "__main__":
    main()
