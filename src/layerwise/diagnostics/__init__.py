"""Diagnostics: look inside a model's training (gradient norms per layer)."""

from layerwise.diagnostics.gradient_norms import gradient_norms

__all__ = ["gradient_norms"]
