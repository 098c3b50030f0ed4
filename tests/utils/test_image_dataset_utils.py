"""image_dataset_from_directory: the files, labels, order and split Keras's gives, decoded by Pillow and resized
as `Resizing` and torch's bilinear interpolation (half-pixel centres, no antialiasing) resize."""

import sys

import numpy as np
import pytest
import torch
from PIL import Image

import layerwise
from layerwise.layers import Dense, Flatten, Resizing
from layerwise.utils import image_dataset_from_directory


def _save(path, pixels, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, **options)


@pytest.fixture
def folder(tmp_path, rng):
    """cat: 2 PNGs (one in a nested folder) and a BMP; dog: a JPEG, an upper-case .JPEG and a 2-frame GIF; bird:
    a PNG. A text file and an image directly in the root are not part of any class."""
    pixels = {}

    def image(relative, height=6, width=8, **options):
        array = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
        _save(tmp_path / relative, array, **options)
        pixels[relative] = array

    image("cat/b.png")
    image("cat/a.bmp", height=5, width=5)
    image("cat/inner/c.png", height=10, width=4)
    image("dog/x.jpg", quality=100, subsampling=0)
    image("dog/y.JPEG", quality=100, subsampling=0)
    frames = [Image.new("L", (8, 6), 90), Image.new("L", (8, 6), 200)]
    frames[0].save(tmp_path / "dog/z.gif", save_all=True, append_images=frames[1:])
    image("bird/p.png")
    image("root.png")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    return tmp_path, pixels


def test_files_labels_and_class_names_as_keras_indexes_them(folder, capsys):
    root, _ = folder
    data = image_dataset_from_directory(root, image_size=(6, 8), shuffle=False, batch_size=3)
    assert "Found 7 files belonging to 3 classes." in capsys.readouterr().out
    assert data.class_names == ["bird", "cat", "dog"]
    relative = [path[len(str(root)) + 1:] for path in data.file_paths]
    assert relative == ["bird/p.png", "cat/a.bmp", "cat/b.png", "cat/inner/c.png", "dog/x.jpg", "dog/y.JPEG",
                        "dog/z.gif"]
    batches = list(data)
    assert [len(x) for x, _ in batches] == [3, 3, 1]
    labels = np.concatenate([y for _, y in batches])
    assert labels.dtype == np.int32 and labels.tolist() == [0, 1, 1, 1, 2, 2, 2]


def test_pixels_are_decoded_exactly_and_resized_as_resizing_and_torch(folder):
    root, pixels = folder
    data = image_dataset_from_directory(root, image_size=(4, 5), shuffle=False, batch_size=None, verbose=False)
    images, _ = next(iter(data))
    assert images.shape == (7, 4, 5, 3) and images.dtype == np.float32
    for index, name in [(0, "bird/p.png"), (1, "cat/a.bmp"), (2, "cat/b.png"), (3, "cat/inner/c.png")]:
        source = pixels[name].astype(np.float32)
        expected = Resizing(4, 5)(source[None])[0]
        np.testing.assert_allclose(images[index], expected, rtol=1e-5, atol=1e-3)
        reference = torch.nn.functional.interpolate(torch.tensor(source).permute(2, 0, 1)[None], size=(4, 5),
                                                    mode="bilinear", align_corners=False, antialias=False)
        np.testing.assert_allclose(images[index], reference[0].permute(1, 2, 0).numpy(), rtol=1e-5, atol=1e-3)
    jpeg = Resizing(4, 5)(pixels["dog/x.jpg"].astype(np.float32)[None])[0]
    assert np.abs(images[4] - jpeg).mean() < 8  # lossy, at quality 100
    np.testing.assert_allclose(images[6], 90.0)  # a GIF's first frame, grey in every channel


def test_crop_to_aspect_ratio_and_nearest_interpolation(folder):
    root, pixels = folder
    data = image_dataset_from_directory(root / "cat", labels=None, image_size=(3, 3), shuffle=False,
                                        crop_to_aspect_ratio=True, interpolation="nearest", verbose=False)
    images = next(iter(data))
    tall = pixels["cat/inner/c.png"].astype(np.float32)[None]  # 10 x 4: the centred 4 x 4 square is kept
    np.testing.assert_array_equal(images[2], Resizing(3, 3, "nearest", crop_to_aspect_ratio=True)(tall)[0])
    np.testing.assert_array_equal(images[2], Resizing(3, 3, "nearest")(tall[:, 3:7])[0])


@pytest.mark.parametrize("label_mode, shape, dtype", [("int", (7,), np.int32), ("categorical", (7, 3), np.float32)])
def test_label_modes(folder, label_mode, shape, dtype):
    root, _ = folder
    _, y = next(iter(image_dataset_from_directory(root, label_mode=label_mode, image_size=2, batch_size=None,
                                                  shuffle=False, verbose=False)))
    assert y.shape == shape and y.dtype == dtype
    if label_mode == "categorical":
        assert y.argmax(axis=1).tolist() == [0, 1, 1, 1, 2, 2, 2] and y.sum() == 7


def test_binary_labels_class_names_and_color_modes(folder):
    root, _ = folder
    data = image_dataset_from_directory(root, label_mode="binary", class_names=["dog", "bird"], image_size=2,
                                        color_mode="grayscale", shuffle=False, verbose=False)
    x, y = next(iter(data))
    assert data.class_names == ["dog", "bird"] and x.shape == (4, 2, 2, 1)
    assert y.dtype == np.float32 and y[:, 0].tolist() == [0, 0, 0, 1]
    rgba = next(iter(image_dataset_from_directory(root, label_mode=None, image_size=2, color_mode="rgba",
                                                  verbose=False)))
    assert rgba.shape == (8, 2, 2, 4) and np.all(rgba[..., 3] == 255)  # labels=None: every image, root.png too


def test_explicit_labels_follow_the_sorted_paths(folder):
    root, _ = folder
    data = image_dataset_from_directory(root / "cat", labels=[2, 0, 1], image_size=2, shuffle=False, verbose=False)
    _, y = next(iter(data))
    assert y.tolist() == [2, 0, 1] and data.class_names == ["0", "1", "2"]
    assert [path.rsplit("/", 1)[-1] for path in data.file_paths] == ["a.bmp", "b.png", "c.png"]


def test_seeded_shuffle_and_validation_split_partition_the_files(folder):
    root, _ = folder
    options = dict(image_size=2, validation_split=0.3, seed=5, verbose=False)
    training = image_dataset_from_directory(root, subset="training", **options)
    validation = image_dataset_from_directory(root, subset="validation", **options)
    both = image_dataset_from_directory(root, subset="both", **options)
    assert len(training.file_paths) == 5 and len(validation.file_paths) == 2
    assert sorted(training.file_paths + validation.file_paths) == sorted(
        image_dataset_from_directory(root, shuffle=False, verbose=False).file_paths)
    assert both[0].file_paths == training.file_paths and both[1].file_paths == validation.file_paths
    unshuffled = image_dataset_from_directory(root, shuffle=False, verbose=False).file_paths
    assert training.file_paths + validation.file_paths != unshuffled
    # Every epoch visits the training files in a new order; the labels stay with their images.
    epochs = [np.concatenate([y for _, y in training]).tolist() for _ in range(4)]
    assert len({tuple(epoch) for epoch in epochs}) > 1 and all(sorted(e) == sorted(epochs[0]) for e in epochs)


def test_a_model_trains_on_it(folder):
    root, _ = folder
    data = image_dataset_from_directory(root, image_size=(4, 4), batch_size=4, seed=0, label_mode="categorical",
                                        verbose=False).map(lambda x, y: (x / 255.0, y))
    layerwise.utils.set_random_seed(0)
    model = layerwise.Sequential([layerwise.Input(shape=(4, 4, 3)), Flatten(), Dense(3, activation="softmax")])
    model.compile(optimizer=layerwise.optimizers.Adam(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(data, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize("arguments, message", [
    (dict(label_mode="binary"), "exactly 2 classes"),
    (dict(validation_split=0.2, subset="training"), "seed"),
    (dict(validation_split=0.2), "subset"),
    (dict(interpolation="bicubic"), "interpolation"),
    (dict(color_mode="cmyk"), "color_mode"),
    (dict(label_mode="sparse"), "label_mode"),
    (dict(labels=[0, 1]), "one label per image"),
    (dict(labels="folders"), "labels"),
    (dict(class_names=["cow"]), "class_names"),
    (dict(image_size=(3, 0)), "image_size"),
    (dict(data_format="channels_first"), "channels-last"),
])
def test_bad_arguments_are_named(folder, arguments, message):
    root, _ = folder
    with pytest.raises(ValueError, match=message):
        image_dataset_from_directory(root, verbose=False, **arguments)


def test_an_empty_folder_and_a_missing_pillow(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="no images found"):
        image_dataset_from_directory(tmp_path, verbose=False)
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"layerwise\[image\]"):
        image_dataset_from_directory(tmp_path, verbose=False)


@pytest.mark.parametrize("labels", [[0.7, 1.9, 0.2], [0, -1, 1], [[0], [1], [2]]])
def test_explicit_labels_must_be_non_negative_integers(folder, labels):
    root, _ = folder
    with pytest.raises(ValueError, match="labels must be non-negative integers"):
        image_dataset_from_directory(root / "cat", labels=labels, image_size=2, verbose=False)


def test_categorical_explicit_labels_have_a_column_for_every_class_up_to_the_largest(folder):
    root, _ = folder
    data = image_dataset_from_directory(root / "cat", labels=[0, 5, 5], label_mode="categorical", image_size=2,
                                        shuffle=False, verbose=False)
    _, y = next(iter(data))
    assert y.shape == (3, 6) and y.argmax(axis=1).tolist() == [0, 5, 5]
