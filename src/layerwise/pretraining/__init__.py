"""Greedy layer-wise pre-training (lectures 002 and 004): autoencoders, RBMs and deep belief networks."""

from layerwise.pretraining.autoencoder import Autoencoder

__all__ = ["Autoencoder"]
