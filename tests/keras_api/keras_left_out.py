"""The Keras 3 public names that layerwise leaves out, by module, each group with the reason.

Only what cannot mean anything in a NumPy library belongs here (issue 18): wrappers of another framework's
models or checkpoints, and string and audio preprocessing. A name that could work on NumPy arrays but is not
written yet is *missing*, not left out: it stays in the coverage table's denominator.
"""

LEFT_OUT = {
    "layers": [
        ("wraps a TensorFlow SavedModel", ["TFSMLayer"]),
        ("wraps a JAX or Flax function", ["FlaxLayer", "JaxLayer"]),
        ("wraps a torch.nn.Module", ["TorchModuleWrapper"]),
        ("string preprocessing (vocabularies of strings, string hashing)",
         ["HashedCrossing", "Hashing", "StringLookup", "TextVectorization"]),
        ("audio preprocessing", ["MelSpectrogram", "STFTSpectrogram"]),
    ],
    "initializers": [
        ("audio preprocessing: the kernel of Keras's STFTSpectrogram", ["STFT", "STFTInitializer", "stft"]),
    ],
    "optimizers": [
        ("Keras 3 keeps it only to raise an error that points to TensorFlow's legacy optimizers", ["legacy"]),
    ],
    "callbacks": [
        ("writes Orbax (JAX) checkpoints", ["OrbaxCheckpoint"]),
        ("writes TensorFlow event files through tf.summary", ["TensorBoard"]),
    ],
    "utils": [
        ("string and audio preprocessing", ["audio_dataset_from_directory", "text_dataset_from_directory"]),
    ],
}
