"""Draw off-screen, and close each test's figures so that they do not pile up in pyplot."""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
