"""The data the commands feed a model: named image datasets shaped for its input, labels for its loss."""

#: Image datasets the commands load by name, images scaled to [0, 1].
DATASETS = ("mnist", "fashion_mnist", "cifar10")


def dataset_split(name, split, model, limit=None):
    """(x, y) of the ``split`` ("train" or "test") of dataset ``name``: its first ``limit`` images (all by
    default) reshaped to the model's input and scaled to [0, 1], and the integer labels as a vector.

    Raises:
        ValueError: the dataset's images do not hold as many values as the model's input.
    """
    import numpy as np

    import layerwise

    train, test = getattr(layerwise.datasets, name).load_data()
    x, y = train if split == "train" else test
    x, y = x[:limit], y[:limit]
    shape = tuple(model.input_shape[1:])
    if int(np.prod(shape)) != int(np.prod(x.shape[1:])):
        raise ValueError(f"expected samples of {int(np.prod(shape))} values for the model's input {shape}, "
                         f"received {name} with samples of shape {x.shape[1:]}")
    return x.reshape((len(x),) + shape).astype("float32") / 255, y.reshape(-1)


def targets_for(model, y):
    """Integer labels one-hot encoded when the model's loss is categorical cross-entropy, else as they are."""
    import layerwise
    from layerwise import losses

    if isinstance(model.loss, losses.CategoricalCrossentropy) and y.ndim == 1:
        return layerwise.utils.to_categorical(y, int(model.compute_output_shape(model.input_shape)[-1]))
    return y
