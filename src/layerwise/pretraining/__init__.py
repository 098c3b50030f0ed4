"""Greedy layer-wise pre-training (lectures 002 and 004): autoencoders, RBMs and deep belief networks."""

from layerwise.pretraining.autoencoder import Autoencoder
from layerwise.pretraining.bernoulli_rbm import BernoulliRBM
from layerwise.pretraining.dbn import DeepBeliefNetwork
from layerwise.pretraining.gaussian_bernoulli_rbm import GaussianBernoulliRBM
from layerwise.pretraining.greedy import pretrain
from layerwise.pretraining.layer_report import LayerReport

__all__ = ["Autoencoder", "BernoulliRBM", "DeepBeliefNetwork", "GaussianBernoulliRBM", "LayerReport", "pretrain"]
