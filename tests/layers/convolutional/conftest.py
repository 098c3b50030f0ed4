"""Every convolution test runs with each library of matrix products (the ``matrix_products`` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _each_library(matrix_products):
    return matrix_products
