"""Greedy layer-wise pre-training (lectures 002 and 004): autoencoders, RBMs and deep belief networks."""

from layerwise.pretraining._fresh import LayerReport
from layerwise.pretraining.autoencoder import Autoencoder
from layerwise.pretraining.bernoulli_rbm import BernoulliRBM
from layerwise.pretraining.dbn import DeepBeliefNetwork
from layerwise.pretraining.gaussian_bernoulli_rbm import GaussianBernoulliRBM
from layerwise.pretraining.greedy import pretrain

__all__ = ["Autoencoder", "BernoulliRBM", "DeepBeliefNetwork", "GaussianBernoulliRBM", "LayerReport", "pretrain"]
