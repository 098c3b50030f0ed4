"""Recurrent layers and their wrappers."""

from layerwise.layers.recurrent.bidirectional import Bidirectional
from layerwise.layers.recurrent.gru import GRU
from layerwise.layers.recurrent.lstm import LSTM
from layerwise.layers.recurrent.simple_rnn import SimpleRNN
from layerwise.layers.recurrent.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed"]
