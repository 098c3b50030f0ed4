"""The lab's tests read Fashion-MNIST (the default data of the experiments the lectures ran on CIFAR-10) from
../shared/datasets; `counting` is a tiny experiment for the tests of the lab's machinery."""

import pytest

import layerwise
from layerwise_lab import Experiment, Verdict
from layerwise_lab._experiment import EXPERIMENTS


@pytest.fixture(autouse=True)
def _fashion_mnist_from_shared(shared_datasets):
    pass


@pytest.fixture
def counting():
    """A tiny experiment, registered only for the test that asks for it: the claim holds when a seeded draw is
    below one half."""

    class Counting(Experiment):
        name = "tests-counting"
        title = "Counting"
        number = 999
        lectures = ("001_9d6428fc0ed20444.txt",)
        claim = "A draw below one half."
        protocol = "One uniform draw."
        criterion = "Held if the draw is below 0.5."

        def run(self, trial):
            import matplotlib.pyplot as plt

            trial.seeded()
            draw = float(layerwise.utils.random.generator().uniform())
            trial.table("draws", [{"draw": draw, "scale": trial.size("full", "quick")}])
            figure, ax = plt.subplots()
            ax.bar([0], [draw])
            trial.figure("draw", figure, caption="The draw.")
            return {"draw": draw}

        def judge(self, numbers):
            return Verdict.of(numbers["draw"] < 0.5, f"draw {numbers['draw']:.3f}")

    yield Counting
    del EXPERIMENTS[Counting.name]
