"""Recurrent cells, the RNN layer that runs them over time, and its wrappers."""

from layerwise.layers.recurrent.bidirectional import Bidirectional
from layerwise.layers.recurrent.conv_lstm1d import ConvLSTM1D
from layerwise.layers.recurrent.conv_lstm2d import ConvLSTM2D
from layerwise.layers.recurrent.conv_lstm3d import ConvLSTM3D
from layerwise.layers.recurrent.gru import GRU
from layerwise.layers.recurrent.gru_cell import GRUCell
from layerwise.layers.recurrent.lstm import LSTM
from layerwise.layers.recurrent.lstm_cell import LSTMCell
from layerwise.layers.recurrent.rnn import RNN
from layerwise.layers.recurrent.simple_rnn import SimpleRNN
from layerwise.layers.recurrent.simple_rnn_cell import SimpleRNNCell
from layerwise.layers.recurrent.stacked_rnn_cells import StackedRNNCells
from layerwise.layers.recurrent.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN",
           "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed"]
