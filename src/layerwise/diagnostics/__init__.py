"""Diagnostics: look inside a model's training, layer by layer, nested models included.

Callbacks for `fit` that put their measurements into the History under ``"<statistic>/<layer>"`` keys
and, with ``path=``, into a CSV or JSON file as training runs:

- `GradientFlow`: ``grad_norm``, ``grad_mean_abs``, ``grad_max_abs``, ``update_ratio`` (every N batches).
- `DeadUnits`: ``dead_fraction``, ``sparsity`` of ReLU-family layers on a probe set.
- `ActivationStats`: ``activation_mean``, ``activation_std``, ``saturation`` (sigmoid, tanh) on a probe
  set, and histograms kept on the callback.
- `WeightStats`: ``weight_mean``, ``weight_std``, ``weight_norm`` of each kernel.

And `gradient_norms`, the kernels' gradient norms of one batch, without training.
"""

from layerwise.diagnostics.activation_stats import ActivationStats
from layerwise.diagnostics.dead_units import DeadUnits
from layerwise.diagnostics.gradient_flow import GradientFlow
from layerwise.diagnostics.gradient_norms import gradient_norms
from layerwise.diagnostics.weight_stats import WeightStats

__all__ = ["ActivationStats", "DeadUnits", "GradientFlow", "WeightStats", "gradient_norms"]
