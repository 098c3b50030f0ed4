"""Merging layers: combine a list of tensors into one (functional API), and their lowercase functions."""

from layerwise.layers.merging._merge import Merge
from layerwise.layers.merging.add import Add, add
from layerwise.layers.merging.average import Average, average
from layerwise.layers.merging.concatenate import Concatenate, concatenate
from layerwise.layers.merging.dot import Dot, dot
from layerwise.layers.merging.maximum import Maximum, maximum
from layerwise.layers.merging.minimum import Minimum, minimum
from layerwise.layers.merging.multiply import Multiply, multiply
from layerwise.layers.merging.subtract import Subtract, subtract

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Merge", "Minimum", "Multiply", "Subtract", "add",
           "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]

# The lowercase functions are made in _merge.py (`functional_form`), where doctest does not look for their examples.
__test__ = {name: globals()[name] for name in __all__ if name.islower()}
