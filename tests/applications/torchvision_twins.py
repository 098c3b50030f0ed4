"""torchvision's ResNet, VGG, AlexNet and GoogLeNet written out in torch, with torchvision's module names (so
their state dicts have torchvision's keys) and a width factor, for the weight-conversion tests: torchvision's
PyPI wheel does not load against the CPU build of torch here."""

import torch
from torch import nn


def _w(units, width):
    return max(1, round(units * width))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inputs, filters, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, filters, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(filters)
        self.downsample = (nn.Sequential(nn.Conv2d(inputs, filters, 1, stride, bias=False), nn.BatchNorm2d(filters))
                           if stride != 1 or inputs != filters else None)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inputs, filters, stride):
        super().__init__()
        outputs = 4 * filters
        self.conv1, self.bn1 = nn.Conv2d(inputs, filters, 1, bias=False), nn.BatchNorm2d(filters)
        self.conv2, self.bn2 = nn.Conv2d(filters, filters, 3, stride, 1, bias=False), nn.BatchNorm2d(filters)
        self.conv3, self.bn3 = nn.Conv2d(filters, outputs, 1, bias=False), nn.BatchNorm2d(outputs)
        self.downsample = (nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))
                           if stride != 1 or inputs != outputs else None)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn3(self.conv3(torch.relu(self.bn2(self.conv2(y)))))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, block, blocks, classes=1000, width=1.0):
        super().__init__()
        channels = _w(64, width)
        self.conv1, self.bn1 = nn.Conv2d(3, channels, 7, 2, 3, bias=False), nn.BatchNorm2d(channels)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        for stage, (filters, count) in enumerate(zip((64, 128, 256, 512), blocks)):
            modules = []
            for index in range(count):
                modules.append(block(channels, _w(filters, width), 2 if stage and not index else 1))
                channels = _w(filters, width) * block.expansion
            setattr(self, f"layer{stage + 1}", nn.Sequential(*modules))
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}")(x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class VGG(nn.Module):
    def __init__(self, convolutions, classes=1000, width=1.0, batch_norm=True):
        super().__init__()
        layers, channels = [], 3
        for filters, count in zip((64, 128, 256, 512, 512), convolutions):
            for _ in range(count):
                layers += [nn.Conv2d(channels, _w(filters, width), 3, padding=1)]
                layers += [nn.BatchNorm2d(_w(filters, width))] if batch_norm else []
                layers += [nn.ReLU()]
                channels = _w(filters, width)
            layers.append(nn.MaxPool2d(2, 2))
        self.features, self.avgpool = nn.Sequential(*layers), nn.AdaptiveAvgPool2d((7, 7))
        hidden = _w(4096, width)
        self.classifier = nn.Sequential(nn.Linear(channels * 49, hidden), nn.ReLU(), nn.Dropout(),
                                        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class AlexNet(nn.Module):
    def __init__(self, classes=1000, width=1.0):
        super().__init__()
        c = [_w(units, width) for units in (64, 192, 384, 256, 256)]
        self.features = nn.Sequential(
            nn.Conv2d(3, c[0], 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c[0], c[1], 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c[1], c[2], 3, padding=1), nn.ReLU(), nn.Conv2d(c[2], c[3], 3, padding=1), nn.ReLU(),
            nn.Conv2d(c[3], c[4], 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.avgpool, hidden = nn.AdaptiveAvgPool2d((6, 6)), _w(4096, width)
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(c[4] * 36, hidden), nn.ReLU(), nn.Dropout(),
                                        nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class BasicConv2d(nn.Module):
    def __init__(self, inputs, filters, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(inputs, filters, kernel_size, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(filters, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, inputs, b1, r3, b3, r5, b5, projection):
        super().__init__()
        self.branch1 = BasicConv2d(inputs, b1, 1)
        self.branch2 = nn.Sequential(BasicConv2d(inputs, r3, 1), BasicConv2d(r3, b3, 3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(inputs, r5, 1), BasicConv2d(r5, b5, 3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), BasicConv2d(inputs, projection, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    def __init__(self, inputs, classes, width):
        super().__init__()
        self.conv = BasicConv2d(inputs, _w(128, width), 1)
        self.fc1, self.fc2 = nn.Linear(_w(128, width) * 16, _w(1024, width)), nn.Linear(_w(1024, width), classes)

    def forward(self, x):
        x = torch.flatten(self.conv(nn.functional.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(torch.relu(self.fc1(x)))


class GoogLeNet(nn.Module):
    def __init__(self, filters, classes=1000, width=1.0):
        super().__init__()
        self.conv1 = BasicConv2d(3, _w(64, width), 7, 2, 3)
        self.maxpool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = BasicConv2d(_w(64, width), _w(64, width), 1)
        self.conv3 = BasicConv2d(_w(64, width), _w(192, width), 3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        channels, self.order = _w(192, width), list(filters)
        for module, counts in filters.items():
            counts = [_w(count, width) for count in counts]
            setattr(self, f"inception{module}", Inception(channels, *counts))
            channels = counts[0] + counts[2] + counts[4] + counts[5]
            if module in ("4a", "4d"):
                setattr(self, "aux1" if module == "4a" else "aux2", InceptionAux(channels, classes, width))
        self.maxpool3, self.maxpool4 = nn.MaxPool2d(3, 2, ceil_mode=True), nn.MaxPool2d(2, 2, ceil_mode=True)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        auxiliary = []
        for module in self.order:
            if module in ("4a", "5a"):
                x = (self.maxpool3 if module == "4a" else self.maxpool4)(x)
            x = getattr(self, f"inception{module}")(x)
            if module in ("4a", "4d"):
                auxiliary.append((self.aux1 if module == "4a" else self.aux2)(x))
        return [self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)), *auxiliary]
