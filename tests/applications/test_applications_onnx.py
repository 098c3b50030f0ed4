"""Every network of layerwise.applications exports to ONNX and computes there what it computes here: each at a
small input size, and the full ResNet-50 at 224x224."""

import numpy as np
import onnxruntime
import pytest

from layerwise import applications
from layerwise.export import to_onnx
from torch_conv_bn import randomize_batch_normalization

#: Each builder at a small size, with logits out (a softmax would hide differences in its saturated tail).
SMALL = {
    "LeNet5": lambda: applications.LeNet5(classifier_activation=None),
    "LeNet5-modern": lambda: applications.LeNet5(variant="modern", classifier_activation=None),
    "AlexNet": lambda: applications.AlexNet(input_shape=(32, 32, 3), classes=10, stem="cifar", width_multiplier=0.125,
                                            classifier_activation=None),
    "VGG16_bn": lambda: applications.VGG16(input_shape=(32, 32, 3), classes=10, batch_norm=True,
                                           width_multiplier=0.125, classifier_activation=None),
    "GoogLeNet": lambda: applications.GoogLeNet(input_shape=(32, 32, 3), classes=10, width_multiplier=0.125,
                                                classifier_activation=None),
    "ResNet18": lambda: applications.ResNet18(input_shape=(32, 32, 3), classes=10, width_multiplier=0.25,
                                              classifier_activation=None),
    "ResNet50": lambda: applications.ResNet50(input_shape=(32, 32, 3), classes=10, width_multiplier=0.125,
                                              classifier_activation=None),
    "resnet_cifar20": lambda: applications.resnet_cifar(20, input_shape=(28, 28, 1), filters=(8, 16, 32)),
}


def _onnx_outputs(model, x, path):
    to_onnx(model, path)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _assert_agrees(model, x, path, rng):
    randomize_batch_normalization(model, rng)  # so the exported BN folds real statistics, not 0 and 1
    expected = model.predict(x, verbose=0)
    actual = _onnx_outputs(model, x, path)
    assert actual.shape == expected.shape and actual.dtype == np.float32
    # 1e-4 relative to the outputs' scale: float32 sums of thousands of terms, summed in another order.
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4 * float(np.abs(expected).max()))


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_networks_agree_with_onnxruntime(name, tmp_path, rng):
    model = SMALL[name]()
    x = rng.uniform(0, 1, size=(3, *model.input_shape[1:])).astype("float32")
    _assert_agrees(model, x, tmp_path / f"{name}.onnx", rng)


def test_resnet50_at_224_agrees_with_onnxruntime(tmp_path, rng):
    model = applications.ResNet50(classifier_activation=None)
    _assert_agrees(model, rng.uniform(0, 1, size=(1, 224, 224, 3)).astype("float32"), tmp_path / "r50.onnx", rng)
