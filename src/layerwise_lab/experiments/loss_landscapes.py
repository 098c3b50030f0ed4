"""The loss surface of a residual network is smoother than that of the same network without shortcuts
(lecture 001, after Li et al. 2018).

Li et al. look at the loss J(θ + αδ + βη) on a plane through the trained weights θ spanned by two random
directions δ, η. A layer followed by batch normalization computes the same function for any scale of its
filters, so a raw Gaussian direction would move small filters far and large ones hardly at all; filter
normalization rescales each filter of δ (one output channel of a convolution kernel, one unit of a Dense
kernel) to the norm of the same filter of θ, which makes α = 1 the same relative step in every layer and the
surfaces of two networks comparable. Batch normalization's γ, β and moving statistics and any bias stay put
(zero in δ and η), as in Li et al.

How rough a surface is, Li et al. read from the Hessian's extreme eigenvalues at each point of the plane: a
convex point has λ_min ≥ 0, a saddle or a ridge a negative λ_min that is large next to λ_max. Here that is
measured on the surface itself: the 2x2 Hessian of J(α, β) by central differences at every interior grid point
(the eigenvalues' ratio does not depend on the grid spacing), counted non-convex when λ_min < 0 and
|λ_min / λ_max| > `NONCONVEX_RATIO`; and the number of strict local minima of the grid.

Li et al. also report the cost of the chaos: on CIFAR-10, ResNet-20/56/110 have 7.37/5.89/5.79% test error
with shortcuts and 8.18/13.31/16.44% without, so the criterion asks for the plain net's higher test error too.
Their depth trend (20, 56, 110) is not measured here: one depth, the lecture's 56, fits the lab's budget.
"""

import numpy as np

from layerwise.applications import resnet_cifar
from layerwise.losses import SparseCategoricalCrossentropy
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import dataset
from layerwise_lab._models import compiled

#: A point is non-convex when its smaller curvature is negative and larger in size than this fraction of the
#: larger one: a saddle or ridge, not the rounding of an almost flat valley.
NONCONVEX_RATIO = 0.1
#: How much larger (in points of the interior grid) the plain net's non-convex fraction must be to count as
#: rougher, rather than equal up to the grid's noise.
ROUGHER_BY = 0.05
NETWORKS = {"residual": False, "plain": True}


def filter_normalized_direction(model, weights, rng):
    """A random direction in ``model``'s weight space, as arrays in the order of ``weights``
    (``model.get_weights()``): Gaussian in every trainable kernel, each filter (the kernel's last axis: an
    output channel or unit) rescaled to the norm of the same filter of ``weights``; zero for batch
    normalization's parameters and statistics and for biases, which the plane leaves where they are."""
    direction = []
    for parameter, value in zip(model.weights, weights):
        if parameter.trainable and parameter.name.endswith("/kernel"):
            step = rng.standard_normal(value.shape).astype(value.dtype)
            axes = tuple(range(value.ndim - 1))
            step *= np.sqrt(np.sum(value ** 2, axis=axes, keepdims=True) / np.sum(step ** 2, axis=axes, keepdims=True))
            direction.append(step)
        else:
            direction.append(np.zeros_like(value))
    return direction


def loss_surface(model, x, y, weights, first, second, coordinates, progress=iter):
    """J(θ + α δ + β η) on the grid ``coordinates`` x ``coordinates`` (rows β, columns α), the loss of the
    fixed batch ``x``, ``y``; batch normalization normalizes with that batch's statistics (see the protocol).
    ``model`` is left at ``weights``."""
    loss = SparseCategoricalCrossentropy()
    surface = np.zeros((len(coordinates), len(coordinates)))
    for row, beta in enumerate(progress(coordinates)):
        for column, alpha in enumerate(coordinates):
            model.set_weights([w + alpha * d + beta * e for w, d, e in zip(weights, first, second)])
            surface[row, column] = loss(y, np.asarray(model(x, training=True)))
    model.set_weights(weights)
    return surface


def curvatures(surface):
    """(λ_min, λ_max): the eigenvalues of the 2x2 Hessian of ``surface`` by central differences at each
    interior point, in units of the grid spacing (shape (rows - 2, columns - 2) each)."""
    f = np.asarray(surface, dtype=np.float64)
    centre = f[1:-1, 1:-1]
    across = f[1:-1, 2:] - 2 * centre + f[1:-1, :-2]
    down = f[2:, 1:-1] - 2 * centre + f[:-2, 1:-1]
    mixed = (f[2:, 2:] - f[2:, :-2] - f[:-2, 2:] + f[:-2, :-2]) / 4
    mean, spread = (across + down) / 2, np.sqrt(((across - down) / 2) ** 2 + mixed ** 2)
    return mean - spread, mean + spread


def nonconvex_fraction(surface, ratio=NONCONVEX_RATIO):
    """The fraction of interior grid points where the surface is markedly non-convex: λ_min < 0 and
    |λ_min| > ``ratio`` |λ_max| (Li et al.'s |λ_min / λ_max|; a concave point, both negative, counts)."""
    low, high = curvatures(surface)
    return float(np.mean((low < 0) & (-low > ratio * np.abs(high))))


def local_minima(surface):
    """The number of interior grid points lower than all 8 of their neighbours."""
    f = np.asarray(surface, dtype=np.float64)
    centre = f[1:-1, 1:-1]
    rows, columns = f.shape
    lower = np.ones(centre.shape, dtype=bool)
    for down in (-1, 0, 1):
        for across in (-1, 0, 1):
            if down or across:
                lower &= centre < f[1 + down:rows - 1 + down, 1 + across:columns - 1 + across]
    return int(np.count_nonzero(lower))


class LossLandscapes(Experiment):
    name = "loss-landscapes"
    title = "Loss landscapes: a residual network's surface is smoother than a plain network's"
    number = 22
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("The landscape of residual network is smoother. [...] Figure 1: The loss surfaces of ResNet-56 "
             "with/without skip connections. [...] Without residual connections, deeper nets have more chaotic "
             "landscapes")
    protocol = ("Fashion-MNIST by default (CIFAR-10 with --dataset cifar10, as Li et al.). He et al.'s CIFAR "
                "ResNet-56 with narrow stages (8, 16, 32 filters) and its plain twin (the same layers without "
                "shortcuts), each trained from the same seed for 3 epochs on 4,000 training images (Adam, "
                "learning rate 1e-3, batches of 64); test error on 2,000 test images. Then the loss on a fixed "
                "batch of 128 of those training images on a 21x21 grid θ + αδ + βη, α, β in [-1, 1], with two "
                "filter-normalized Gaussian directions δ, η (each filter rescaled to the norm of the same filter "
                "of θ; batch normalization's γ, β, moving statistics and biases zero in δ and η, as Li et al.). "
                "Batch normalization is evaluated in training mode, on the statistics of that batch recomputed at "
                "every grid point: Li et al. evaluate with the moving statistics, but after 3 epochs those still "
                "lag the weights, and statistics fixed at θ do not renormalize a perturbed layer, "
                "so a filter-sized step compounds through 56 layers into a saturated loss. Roughness: the "
                "fraction of interior grid points whose 2x2 finite-difference Hessian of the surface has "
                f"λ_min < 0 and |λ_min / λ_max| > {NONCONVEX_RATIO} (Li et al.'s non-convexity map, on the "
                "surface), and the number of strict local minima on the grid. One depth and one pair of directions fit "
                "the budget: Li et al.'s depth trend (20, 56, 110) is not measured. --quick: depth 8, 4-8-8 filters, "
                "256 images for 1 epoch, a 7x7 grid on 32 images.")
    criterion = ("Did not hold if the plain net's test error is not higher than the residual net's, or its "
                 "non-convex fraction is not higher than the residual net's. Held if its non-convex fraction "
                 f"exceeds the residual net's by at least {ROUGHER_BY} and its surface has at least as many local "
                 "minima. Inconclusive otherwise (rougher by less than the margin, or the two roughness measures "
                 "disagree), or when a surface has a non-finite loss.")
    minutes = 5
    datasets = ("fashion_mnist", "cifar10")

    def run(self, trial):
        depth, filters, train, epochs, resolution, batch = trial.size((56, (8, 16, 32), 4000, 3, 21, 128),
                                                                      (8, (4, 8, 8), 256, 1, 7, 32))
        (x, y), (x_test, y_test) = dataset(trial.dataset, train=train, test=trial.size(2000, 200), seed=trial.seed)
        coordinates = np.linspace(-1.0, 1.0, resolution)
        results, surfaces = {}, {}
        for name, plain in NETWORKS.items():
            seed = trial.seeded()
            model = compiled(resnet_cifar(depth, plain=plain, input_shape=x.shape[1:], filters=filters, classes=10))
            model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
            test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
            weights, rng = model.get_weights(), np.random.default_rng(seed)
            first, second = (filter_normalized_direction(model, weights, rng) for _ in range(2))
            surface = surfaces[name] = loss_surface(model, x[:batch], y[:batch], weights, first, second, coordinates,
                                                    lambda rows: trial.progress(rows, f"{name} surface"))
            finite = bool(np.all(np.isfinite(surface)))
            results[name] = {"test_error": 1.0 - float(test_accuracy), "test_loss": float(test_loss),
                             "centre_loss": float(surface[resolution // 2, resolution // 2]),
                             "min_loss": float(np.min(surface)), "max_loss": float(np.max(surface)),
                             "finite": finite, "nonconvex_fraction": nonconvex_fraction(surface) if finite else None,
                             "local_minima": local_minima(surface) if finite else None}
        trial.table("landscapes", [{"network": f"{name} {depth}", "test error": result["test_error"],
                                    "loss at θ": result["centre_loss"], "lowest loss": result["min_loss"],
                                    "highest loss": result["max_loss"],
                                    "non-convex fraction": result["nonconvex_fraction"],
                                    "local minima": result["local_minima"]} for name, result in results.items()],
                    caption=f"Test error on {len(x_test)} images; the surface of a batch of {batch} training images "
                            f"on a {resolution}x{resolution} grid, α, β in [-1, 1]")
        self._plot(trial, surfaces, coordinates, depth)
        return {"depth": depth, "resolution": resolution, "networks": results}

    def _plot(self, trial, surfaces, coordinates, depth):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(2, len(surfaces), figsize=(5.5 * len(surfaces), 9.5))
        logs = {name: np.log10(np.maximum(surface, 1e-6)) for name, surface in surfaces.items()}
        levels = np.linspace(min(float(np.min(log)) for log in logs.values()),
                             max(float(np.max(log)) for log in logs.values()), 25)
        half = (coordinates[1] - coordinates[0]) / 2
        interior = (coordinates[1] - half, coordinates[-2] + half) * 2   # the Hessian's points, as pixels
        for (name, log), (contour, ratios) in zip(logs.items(), axes.T):
            filled = contour.contourf(coordinates, coordinates, log, levels=levels, cmap="viridis")
            contour.contour(coordinates, coordinates, log, levels=levels, colors="white", linewidths=0.4)
            contour.plot(0, 0, marker="+", color="red")
            contour.set(title=f"{name} {depth}: J(θ + αδ + βη)", xlabel="α", ylabel="β", aspect="equal")
            figure.colorbar(filled, ax=contour, label="log10 loss")
            low, high = curvatures(surfaces[name])
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(low < 0, np.abs(low) / np.abs(high), 0.0)
            shown = ratios.imshow(np.minimum(ratio, 1.0), origin="lower", cmap="viridis", vmin=0, vmax=1,
                                  extent=interior)
            ratios.set(title=f"{name} {depth}: non-convexity", xlabel="α", ylabel="β")
            figure.colorbar(shown, ax=ratios, label="|λ_min / λ_max| where λ_min < 0, else 0 (capped at 1)")
        figure.tight_layout()
        trial.figure("loss_surfaces", figure,
                     caption="Top: the loss on the plane of two filter-normalized random directions through the "
                             "trained weights (red +), log10 of the loss, one color scale for both networks. "
                             "Bottom: where the surface is non-convex, Li et al.'s |λ_min / λ_max| of its 2x2 "
                             "Hessian.")

    def judge(self, numbers):
        residual, plain = numbers["networks"]["residual"], numbers["networks"]["plain"]
        if not (residual["finite"] and plain["finite"]):
            return Verdict(INCONCLUSIVE, "a loss surface has a non-finite loss: "
                                         f"residual finite {residual['finite']}, plain finite {plain['finite']}")
        reason = (f"test error: plain {plain['test_error']:.3f}, residual {residual['test_error']:.3f}; non-convex "
                  f"fraction: plain {plain['nonconvex_fraction']:.3f}, residual {residual['nonconvex_fraction']:.3f}; "
                  f"local minima: plain {plain['local_minima']}, residual {residual['local_minima']}")
        if plain["test_error"] <= residual["test_error"]:
            return Verdict.of(False, reason + " (the plain net is not worse)")
        if plain["nonconvex_fraction"] <= residual["nonconvex_fraction"]:
            return Verdict.of(False, reason + " (the plain net's surface is not more non-convex)")
        if (plain["nonconvex_fraction"] >= residual["nonconvex_fraction"] + ROUGHER_BY
                and plain["local_minima"] >= residual["local_minima"]):
            return Verdict.of(True, reason)
        return Verdict(INCONCLUSIVE, reason + " (rougher by less than the margin, or the measures disagree)")
