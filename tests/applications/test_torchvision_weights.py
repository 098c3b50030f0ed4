"""torchvision's state dicts load onto the builders: networks written in torch with torchvision's module names
(`torchvision_twins`), randomly initialized and with BN statistics away from 0 and 1, saved as .pth and as
safetensors, loaded with ``weights=``, compute the same outputs to 1e-4."""

import numpy as np
import pytest
import torch

from layerwise import applications
from layerwise.applications.googlenet import INCEPTION_FILTERS
from layerwise.applications.torchvision_weights import load_torchvision_weights, torchvision_to_layerwise
from layerwise.errors import ModelFileError
from layerwise.saving import safetensors
from torchvision_twins import VGG, AlexNet, BasicBlock, Bottleneck, GoogLeNet, ResNet

#: name: (the torch twin, the builder's arguments, the input size).
NETWORKS = {
    "resnet18": (lambda: ResNet(BasicBlock, (2, 2, 2, 2)), lambda w: applications.ResNet18(
        input_shape=(64, 64, 3), classifier_activation=None, weights=w), 64),
    "resnet50": (lambda: ResNet(Bottleneck, (3, 4, 6, 3), classes=10, width=0.125), lambda w: applications.ResNet50(
        input_shape=(64, 64, 3), classes=10, width_multiplier=0.125, classifier_activation=None, weights=w), 64),
    "vgg11_bn": (lambda: VGG((1, 1, 2, 2, 2), classes=10, width=0.125), lambda w: applications.VGG11(
        input_shape=(32, 32, 3), classes=10, batch_norm=True, width_multiplier=0.125, classifier_activation=None,
        weights=w), 32),
    "vgg13": (lambda: VGG((2, 2, 2, 2, 2), classes=10, width=0.125, batch_norm=False), lambda w: applications.VGG13(
        input_shape=(32, 32, 3), classes=10, width_multiplier=0.125, classifier_activation=None, weights=w), 32),
    "alexnet": (lambda: AlexNet(classes=10, width=0.125), lambda w: applications.AlexNet(
        input_shape=(224, 224, 3), classes=10, width_multiplier=0.125, classifier_activation=None, weights=w), 224),
    "googlenet": (lambda: GoogLeNet(INCEPTION_FILTERS, classes=10, width=0.25), lambda w: applications.GoogLeNet(
        input_shape=(64, 64, 3), classes=10, width_multiplier=0.25, aux_classifiers=True,
        classifier_activation=None, weights=w), 64),
}


def _torch_twin(name):
    torch.manual_seed(0)
    twin = NETWORKS[name][0]()
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in twin.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                count = module.num_features
                module.weight.copy_(torch.rand(count, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(count, generator=generator) * 0.1)
                module.running_mean.copy_(torch.randn(count, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(count, generator=generator) + 0.5)
    return twin.eval()


def _assert_same_outputs(twin, model, size, rng):
    x = rng.uniform(0, 1, size=(2, size, size, 3)).astype("float32")
    with torch.no_grad():
        expected = twin(torch.from_numpy(x.transpose(0, 3, 1, 2)))
    expected = [t.numpy() for t in expected] if isinstance(expected, list) else [expected.numpy()]
    actual = model.predict(x, verbose=0)
    actual = actual if isinstance(actual, list) else [actual]
    assert len(actual) == len(expected)
    for ours, theirs in zip(actual, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4 * float(np.abs(theirs).max()))


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_pth_state_dict_loads_with_weights(name, tmp_path, rng):
    twin = _torch_twin(name)
    path = tmp_path / f"{name}.pth"
    torch.save(twin.state_dict(), path)
    _assert_same_outputs(twin, NETWORKS[name][1](str(path)), NETWORKS[name][2], rng)


def test_safetensors_with_torchvision_or_layerwise_names(tmp_path, rng):
    twin = _torch_twin("resnet18")
    state = {key: value.numpy() for key, value in twin.state_dict().items() if value.dtype.is_floating_point}
    safetensors.save_file(state, tmp_path / "torch.safetensors")
    model = NETWORKS["resnet18"][1](tmp_path / "torch.safetensors")
    _assert_same_outputs(twin, model, 64, rng)
    model.save_weights(tmp_path / "ours.safetensors")  # layerwise's own names load the same way
    _assert_same_outputs(twin, NETWORKS["resnet18"][1](tmp_path / "ours.safetensors"), 64, rng)
    model.save(tmp_path / "ours.layerwise")
    _assert_same_outputs(twin, NETWORKS["resnet18"][1](tmp_path / "ours.layerwise"), 64, rng)


def test_a_state_dict_in_memory_and_a_mismatch():
    twin = _torch_twin("resnet18")
    model = applications.ResNet18(input_shape=(64, 64, 3))
    load_torchvision_weights(model, twin.state_dict())
    np.testing.assert_array_equal(model.get_layer("conv1").get_layer("conv1_conv").kernel.value,
                                  twin.conv1.weight.detach().numpy().transpose(2, 3, 1, 0))
    # ResNet-34 has a third block in conv2 that ResNet-18's state dict does not fill.
    with pytest.raises(ModelFileError, match="the state dict: the weights do not match the model; missing: conv2_b"):
        load_torchvision_weights(applications.ResNet34(input_shape=(64, 64, 3)), twin.state_dict())
    with pytest.raises(ValueError, match="not a torchvision ResNet, VGG, AlexNet or GoogLeNet state dict"):
        torchvision_to_layerwise({"encoder.weight": np.zeros(3)})
    with pytest.raises(ValueError, match="has a key torchvision's resnet does not: 'layer1.0.gate.weight'"):
        torchvision_to_layerwise({"layer1.0.gate.weight": np.zeros(3)})


def test_flattened_classifier_rows_move_from_channel_major_to_channels_last():
    # fc1 of a VGG reads a (C=2, 7, 7) map: torch's input row c*49 + p is our row p*2 + c.
    weight = np.arange(3 * 98, dtype="float32").reshape(3, 98)
    state = {"features.0.weight": np.zeros((2, 3, 3, 3)), "classifier.0.weight": weight}
    converted = torchvision_to_layerwise(state)
    kernel = converted["fc1/kernel"]
    for c in range(2):
        for p in range(49):
            np.testing.assert_array_equal(kernel[p * 2 + c], weight[:, c * 49 + p])
