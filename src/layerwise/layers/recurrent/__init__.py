"""Recurrent layers and their wrappers."""

from layerwise.layers.recurrent.gru import GRU
from layerwise.layers.recurrent.lstm import LSTM
from layerwise.layers.recurrent.simple_rnn import SimpleRNN

__all__ = ["GRU", "LSTM", "SimpleRNN"]
