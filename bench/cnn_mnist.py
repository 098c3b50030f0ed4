"""LeNet-style CNN on MNIST: layerwise against PyTorch on the same CPU, in the same run.

Network (issue 5): Conv(32, 3x3, same)-ReLU-MaxPool2-Conv(64, 3x3, same)-ReLU-MaxPool2-Flatten-Dense(128)-ReLU-
Dense(10), batch 128, plain SGD, float32. Prints
  * training seconds for a fixed number of batches (and the extrapolation to one 469-batch epoch) and the
    ratio layerwise / PyTorch, of the medians and of the fastest of interleaved repeats (the machine is
    shared: the fastest runs are the least disturbed);
  * where layerwise spends its training time, per layer and per step (forward, weight gradient, input
    gradient, pooling ...);
  * the inference throughput ratio on the 10,000 test images;
  * the peak memory of training, each library in its own subprocess (growth of the resident set, VmHWM), the
    median of three processes each.

Run (the two OpenBLAS variables are unset for this command only, so OpenBLAS picks its own kernels):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /work/venv/bin/python bench/cnn_mnist.py [--batches 60]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _clock import Clock  # noqa: E402
import layerwise  # noqa: E402
from layerwise import layers  # noqa: E402
from layerwise.layers.convolutional import conv2d as conv2d_module  # noqa: E402

BATCH = 128
EPOCH_BATCHES = 469


def load_mnist():
    (x_train, y_train), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    scale = np.float32(1 / 255)
    return ((x_train[..., None] * scale).astype(np.float32), y_train.astype(np.int64),
            (x_test[..., None] * scale).astype(np.float32), y_test.astype(np.int64))


def layerwise_network():
    """The issue's network, seeded and not yet compiled (also used by cnn_mnist_accuracy.py)."""
    layerwise.utils.set_random_seed(0)
    return layerwise.Sequential([
        layerwise.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])


def layerwise_model():
    model = layerwise_network()
    model.compile(optimizer=layerwise.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    return model


def torch_model():
    import torch
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    return model, torch.optim.SGD(model.parameters(), lr=0.05), nn.CrossEntropyLoss()


def train_layerwise(model, x, y, batches):
    model.fit(x[:batches * BATCH], y[:batches * BATCH], batch_size=min(BATCH, len(x)), epochs=1, verbose=0,
              shuffle=False)


def train_torch(net, x, y, batches):
    import torch
    model, optimizer, loss_fn = net
    xt = torch.from_numpy(np.ascontiguousarray(x[:batches * BATCH].transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(y[:batches * BATCH])
    for start in range(0, batches * BATCH, BATCH):
        optimizer.zero_grad()
        loss = loss_fn(model(xt[start:start + BATCH]), yt[start:start + BATCH])
        loss.backward()
        optimizer.step()


def infer_layerwise(model, x):
    return model.predict(x, batch_size=BATCH, verbose=0)


def infer_torch(net, x):
    import torch
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    with torch.inference_mode():
        return torch.cat([net[0](xt[i:i + BATCH]) for i in range(0, len(xt), BATCH)]).numpy()


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def compare(batches, repeats):
    x, y, x_test, _ = load_mnist()
    model, net = layerwise_model(), torch_model()
    train_layerwise(model, x, y, 3)
    train_torch(net, x, y, 3)
    train = defaultdict(list)
    infer = defaultdict(list)
    for _ in range(repeats):
        train["layerwise"].append(timed(train_layerwise, model, x, y, batches))
        train["torch"].append(timed(train_torch, net, x, y, batches))
        infer["layerwise"].append(timed(infer_layerwise, model, x_test))
        infer["torch"].append(timed(infer_torch, net, x_test))
    medians = {k: statistics.median(v) for k, v in train.items()}
    print(f"training, {batches} batches of {BATCH} (median of {repeats} interleaved runs; one "
          f"{EPOCH_BATCHES}-batch epoch extrapolated):")
    for name, seconds in medians.items():
        print(f"  {name:<10} {seconds:7.2f} s   ~{seconds * EPOCH_BATCHES / batches:6.1f} s/epoch   "
              f"runs: {', '.join(f'{t:.2f}' for t in train[name])}")
    best = {k: min(v) for k, v in train.items()}
    print(f"  ratio layerwise / torch: {medians['layerwise'] / medians['torch']:.2f} of the medians, "
          f"{best['layerwise'] / best['torch']:.2f} of the fastest runs (target <= 1.3)")
    inference = {k: statistics.median(v) for k, v in infer.items()}
    print(f"inference on {len(x_test)} test images, batch {BATCH}:")
    for name, seconds in inference.items():
        print(f"  {name:<10} {seconds:7.3f} s   {len(x_test) / seconds:8.0f} images/s")
    print(f"  throughput ratio torch / layerwise (time ratio layerwise / torch): "
          f"{inference['layerwise'] / inference['torch']:.2f} of the medians, "
          f"{min(infer['layerwise']) / min(infer['torch']):.2f} of the fastest runs (target <= 1.1)")


def breakdown(batches):
    """Per-layer, per-step time of layerwise training, by wrapping each layer's forward and backward."""
    x, y, _, _ = load_mnist()
    model = layerwise_model()
    train_layerwise(model, x, y, 3)
    clock = Clock()
    for name in ("conv_forward", "conv_backward_kernel", "conv_backward_input"):
        setattr(conv2d_module, name, clock.wrap(f"  {name}", getattr(conv2d_module, name)))
    for cls in {type(layer) for layer in model.layers}:
        for method in ("forward", "backward", "backward_preactivation"):
            if hasattr(cls, method):
                clock.wrap_layer_method(cls, method, lambda layer: f"{layer.name} ({type(layer).__name__})")
    total = timed(train_layerwise, model, x, y, batches)
    clock.report(f"layerwise training time by layer and step ({batches} batches, {total:.2f} s in total; "
                 "indented: the kernels inside the layer step above):", total)


def _resident_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_child(library, batches):
    """In a fresh process: how far training ``batches`` batches raises the peak resident set above the
    resident set with data and model loaded and the library initialised (one step on 2 samples, which
    loads BLAS/oneDNN kernels and starts their threads)."""
    x, y, _, _ = load_mnist()
    if library == "torch":
        net = torch_model()
        train_step = train_torch
    else:
        net = layerwise_model()
        train_step = train_layerwise
    train_step(net, x[:2], y[:2], 1)
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the current resident set (Linux >= 4.0)
    before = _resident_kib("VmRSS")
    train_step(net, x, y, batches)
    print(json.dumps({"peak_growth_mib": (_resident_kib("VmHWM") - before) / 1024}))


def memory(batches, repeats=3):
    """The median peak growth of ``repeats`` fresh processes per library, interleaved: one process's figure moved
    by a fifth from run to run (PyTorch's allocator and threads start differently each time)."""
    runs = {"layerwise": [], "torch": []}
    for _ in range(repeats):
        for library in runs:
            output = subprocess.run([sys.executable, __file__, "--memory-child", library, "--batches", str(batches)],
                                    check=True, capture_output=True, text=True).stdout
            runs[library].append(json.loads(output.strip().splitlines()[-1])["peak_growth_mib"])
    results = {library: statistics.median(values) for library, values in runs.items()}
    print(f"peak memory of training {batches} batches: peak resident set minus the resident set with data, "
          f"model and library initialised, each library in its own process (median of {repeats}):")
    for library, mib in results.items():
        print(f"  {library:<10} {mib:7.1f} MiB   runs: {', '.join(f'{value:.1f}' for value in runs[library])}")
    print(f"  ratio layerwise / torch: {results['layerwise'] / max(results['torch'], 1e-9):.2f} (target <= 1.0)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60, help="training batches per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (the median is quoted)")
    parser.add_argument("--memory-child", choices=("layerwise", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.batches)
        return
    from _environment import report_environment
    report_environment()
    compare(args.batches, args.repeats)
    breakdown(args.batches)
    memory(20)


if __name__ == "__main__":
    main()
