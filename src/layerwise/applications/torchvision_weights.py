"""torchvision's weights on layerwise's networks: a state dict with torchvision's key names, mapped onto the layers
of `ResNet18` .. `ResNet152`, `VGG11` .. `VGG19` (with or without BN), `AlexNet` and `GoogLeNet`.

No weights can be downloaded here, but a user who has torchvision's files (or a network of the same layout
trained in PyTorch) loads them with ``weights="resnet18.pth"`` in the builder, or with
`load_torchvision_weights` on a built model. Each builder lays its layers out as torchvision does (padding,
strides, the order of the channels that a classifier flattens), so the converted network computes what the
torch one does. The conversion:

- a convolution's weight (F, C, kh, kw) becomes the kernel (kh, kw, C, F); a linear layer's weight
  (out, in) the kernel (in, out);
- a linear layer that reads a flattened feature map (VGG's and AlexNet's fc1, GoogLeNet's auxiliary fc1) has
  its input rows reordered from torch's channel-major (C, H, W) flattening to the channels-last (H, W, C) one;
- BatchNorm2d's weight, bias, running_mean and running_var become gamma, beta, moving_mean and
  moving_variance (num_batches_tracked has no counterpart and is dropped);
- the keys are renamed: ``layer2.0.downsample.1.weight`` is ``conv3_block1_0_bn/gamma``,
  ``inception4a.branch2.0.conv.weight`` is ``inception4a_branch2_reduce_conv/kernel``, ``features.3.weight``
  the kernel of the convolution that torchvision's ``features`` holds at index 3, ``fc.weight`` and
  ``classifier.6.weight`` the predictions' kernel.
"""

import os
import re

import numpy as np

#: torchvision's BatchNorm2d entries and the BatchNormalization parameters they are.
_NORM = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean", "running_var": "moving_variance"}
_DENSE = {"weight": "kernel", "bias": "bias"}
#: torchvision's nn.Sequential indices of the Linear layers in VGG's and AlexNet's classifiers.
_CLASSIFIERS = {"vgg": {"0": "fc1", "3": "fc2", "6": "predictions"},
                "alexnet": {"1": "fc1", "4": "fc2", "6": "predictions"}}
#: GoogLeNet's branches: torchvision's "branchN.i" is our "branchN[_reduce]".
_BRANCHES = {"branch1": "branch1", "branch2.0": "branch2_reduce", "branch2.1": "branch2",
             "branch3.0": "branch3_reduce", "branch3.1": "branch3", "branch4.1": "branch4"}


def _resnet_name(key):
    """ResNet: conv1/bn1, layerL.B.{convI, bnI, downsample.{0,1}}, fc."""
    parts = key.split(".")
    if parts[0] in ("conv1", "bn1"):
        return "conv1_" + ("conv" if parts[0] == "conv1" else "bn"), parts[1:]
    if parts[0] == "fc":
        return "predictions", parts[1:]
    stage, block, layer = re.fullmatch(r"layer(\d)", parts[0]).group(1), int(parts[1]), parts[2]
    prefix = f"conv{int(stage) + 1}_block{block + 1}"
    if layer == "downsample":
        return f"{prefix}_0_{'conv' if parts[3] == '0' else 'bn'}", parts[4:]
    kind, index = re.fullmatch(r"(conv|bn)(\d)", layer).groups()
    return f"{prefix}_{index}_{kind}", parts[3:]


def _googlenet_name(key):
    """GoogLeNet: convN.{conv,bn}, inceptionXY.branchN[.i].{conv,bn}, auxN.{conv.{conv,bn}, fc1, fc2}, fc."""
    parts = key.split(".")
    if parts[0] == "fc":
        return "predictions", parts[1:]
    if parts[0].startswith("inception"):
        branch = _BRANCHES[".".join(parts[1:3]) if parts[1] != "branch1" else "branch1"]
        rest = parts[3:] if parts[1] != "branch1" else parts[2:]
        return f"{parts[0]}_{branch}_{rest[0]}", rest[1:]
    if parts[0].startswith("aux") and parts[1] in ("fc1", "fc2"):
        return f"{parts[0]}_{parts[1]}", parts[2:]
    if parts[0].startswith("aux"):  # auxN.conv.{conv,bn}
        return f"{parts[0]}_conv_{parts[2]}", parts[3:]
    return f"{parts[0]}_{parts[1]}", parts[2:]


def _features_names(indices, normalized):
    """VGG's and AlexNet's ``features`` indices of the convolutions (and BNs): a stage ends where the step
    between two convolutions is larger than within a stage (a max pool sits between them)."""
    step = 3 if normalized else 2  # conv [, bn], relu
    names, stage, index = {}, 1, 0
    for previous, current in zip([None, *indices], indices):
        if previous is not None:
            stage, index = (stage, index + 1) if current - previous == step else (stage + 1, 1)
        else:
            index = 1
        names[current] = f"block{stage}_conv{index}"
        if normalized:
            names[current + 1] = f"block{stage}_bn{index}"
    return names


def torchvision_to_layerwise(state_dict) -> dict:
    """The state dict ``{torchvision key: array}`` of a ResNet, VGG, AlexNet or GoogLeNet as
    ``{layerwise weight name: array}`` for the builder of the same network (see the module docstring).

    Raises:
        ValueError: the keys are not those of one of these torchvision networks (the message names a key).

    Example:
        >>> import numpy as np
        >>> state = {"layer2.0.downsample.1.running_var": np.ones(128, "float32")}
        >>> list(torchvision_to_layerwise(state))
        ['conv3_block1_0_bn/moving_variance']
    """
    arrays = {key: np.asarray(value) for key, value in state_dict.items() if not key.endswith("num_batches_tracked")}
    keys = list(arrays)
    if any(re.match(r"layer\d\.", key) for key in keys):
        family = "resnet"
    elif any(key.startswith("inception3a.") for key in keys):
        family = "googlenet"
    elif any(key.startswith("features.") for key in keys):
        family = "vgg" if "classifier.0.weight" in arrays else "alexnet"
    else:
        raise ValueError(f"not a torchvision ResNet, VGG, AlexNet or GoogLeNet state dict (keys such as {keys[:3]})")

    if family in ("vgg", "alexnet"):
        convolutions = sorted(int(key.split(".")[1]) for key in keys
                              if key.startswith("features.") and key.endswith(".weight") and arrays[key].ndim == 4)
        normalized = any(key.endswith("running_mean") for key in keys)
        features = _features_names(convolutions, normalized)
        last_channels = arrays[f"features.{convolutions[-1]}.weight"].shape[0]

    converted = {}
    for key, value in arrays.items():
        try:
            if family == "resnet":
                layer, rest = _resnet_name(key)
            elif family == "googlenet":
                layer, rest = _googlenet_name(key)
            else:
                group, index, *rest = key.split(".")
                layer = features[int(index)] if group == "features" else _CLASSIFIERS[family][index]
        except (AttributeError, KeyError, IndexError, ValueError):
            raise ValueError(f"the {family} state dict has a key torchvision's {family} does not: {key!r}") from None
        attribute = rest[-1]
        if value.ndim == 4:
            converted[f"{layer}/kernel"] = value.transpose(2, 3, 1, 0)
            continue
        if "_bn" in layer:
            converted[f"{layer}/{_NORM[attribute]}"] = value
            continue
        if attribute == "weight":
            value = value.T
            channels = (last_channels if layer == "fc1" and family in ("vgg", "alexnet") else
                        arrays[f"{layer[:4]}.conv.conv.weight"].shape[0] if layer.endswith("_fc1") else None)
            if channels:  # (C, H, W) rows, channel-major, to (H, W, C) rows, channels last
                value = value.reshape(channels, -1, value.shape[1]).transpose(1, 0, 2).reshape(value.shape)
        converted[f"{layer}/{_DENSE[attribute]}"] = value
    return converted


def _read_state_dict(path):
    if path.endswith((".pth", ".pt")):
        try:
            import torch
        except ImportError as error:
            raise ImportError(f"reading {path} needs torch (pip install torch), or save its state dict as "
                              "safetensors") from error
        state = torch.load(path, map_location="cpu", weights_only=True)  # tensors only: never unpickles code
        return {key: value.numpy() for key, value in state.items()}
    from layerwise.saving import safetensors

    return safetensors.load_file(path)


def load_torchvision_weights(model, source) -> None:
    """Set a built network's weights from torchvision's state dict of the same network.

    Args:
        model: a network from `ResNet18` .. `ResNet152`, `VGG11` .. `VGG19`, `AlexNet` or `GoogLeNet`, built
            with the classes (and width) of the weights.
        source: a state dict ``{key: tensor or array}``, a ``.pth``/``.pt`` file of one (read with
            ``torch.load(weights_only=True)``, so torch must be installed) or a safetensors file of one.

    Raises:
        ModelFileError: the weights do not match the model; the message lists the missing, unexpected and
            mis-shaped names.
        ValueError: ``source`` is not a state dict of one of these networks.

    Example:
        >>> from layerwise.applications import ResNet18
        >>> model = ResNet18()
        >>> load_torchvision_weights(model, "resnet18-f37072fd.pth")  # doctest: +SKIP
        >>> same = ResNet18(weights="resnet18-f37072fd.pth")  # doctest: +SKIP
    """
    where = "the state dict"
    if isinstance(source, (str, os.PathLike)):
        where = os.fspath(source)
        source = _read_state_dict(where)
    assign_torchvision_weights(model, source, where)


def assign_torchvision_weights(model, state_dict, where) -> None:
    """`load_torchvision_weights` of a state dict in memory; ``where`` names its origin in errors."""
    from layerwise.saving.model_file import assign_weights

    state = {key: value.detach().cpu().numpy() if hasattr(value, "detach") else value
             for key, value in state_dict.items()}
    # Assigning into the model's arrays casts to its float type.
    assign_weights(model, torchvision_to_layerwise(state), where)
