"""The metrics of issue 18: each against scikit-learn (where it has the metric) or a hand computation of Keras's
formula, streamed over uneven weighted batches equal to the whole data at once, and round-tripped through config."""

import numpy as np
import pytest
from sklearn import metrics as sk

import layerwise
from layerwise import metrics
from layerwise.layers import Dense

RNG = np.random.default_rng(7)
N = 60
BINARY = RNG.integers(0, 2, size=N).astype(float)
SCORES = np.clip(BINARY * 0.3 + RNG.uniform(0, 0.7, size=N), 0, 1)
WEIGHTS = RNG.uniform(0.2, 2.0, size=N)
CLASSES = 4
LABELS = RNG.integers(0, CLASSES, size=N)
ONE_HOT = np.eye(CLASSES)[LABELS]
PROBABILITIES = RNG.dirichlet(np.ones(CLASSES), size=N)
MULTI_LABEL = RNG.integers(0, 2, size=(N, CLASSES)).astype(float)
MULTI_SCORES = np.clip(MULTI_LABEL * 0.4 + RNG.uniform(0, 0.6, size=(N, CLASSES)), 0, 1)
REGRESSION_TRUE = RNG.normal(size=(N, 3))
REGRESSION_PRED = REGRESSION_TRUE + RNG.normal(scale=0.5, size=(N, 3))


def _streamed(metric, y_true, y_pred, sample_weight=None, sizes=(7, 30, 1, 22)):
    """The metric's result after batches of uneven sizes."""
    metric.reset_state()
    start = 0
    for size in sizes:
        part = slice(start, start + size)
        metric.update_state(y_true[part], y_pred[part], None if sample_weight is None else sample_weight[part])
        start += size
    assert start == len(y_true)
    return metric.result()


STREAM_CASES = [
    (lambda: metrics.AUC(num_thresholds=50), BINARY, SCORES),
    (lambda: metrics.AUC(curve="PR"), BINARY, SCORES),
    (lambda: metrics.AUC(curve="PR", summation_method="majoring", multi_label=True), MULTI_LABEL, MULTI_SCORES),
    (lambda: metrics.Precision(thresholds=[0.3, 0.5, 0.7]), BINARY, SCORES),
    (lambda: metrics.Recall(class_id=2), ONE_HOT, PROBABILITIES),
    (lambda: metrics.Precision(top_k=2), MULTI_LABEL, MULTI_SCORES),
    (lambda: metrics.TruePositives(), BINARY, SCORES),
    (lambda: metrics.PrecisionAtRecall(0.6), BINARY, SCORES),
    (lambda: metrics.SensitivityAtSpecificity(0.5, num_thresholds=20), BINARY, SCORES),
    (lambda: metrics.F1Score(average="macro", threshold=0.5), MULTI_LABEL, MULTI_SCORES),
    (lambda: metrics.FBetaScore(beta=0.5), ONE_HOT, PROBABILITIES),
    (lambda: metrics.R2Score(), REGRESSION_TRUE, REGRESSION_PRED),
    (lambda: metrics.RootMeanSquaredError(), REGRESSION_TRUE, REGRESSION_PRED),
    (lambda: metrics.MeanIoU(num_classes=CLASSES), LABELS, PROBABILITIES.argmax(-1)),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), LABELS, PROBABILITIES),
    (lambda: metrics.CategoricalCrossentropy(), ONE_HOT, PROBABILITIES),
    (lambda: metrics.CosineSimilarity(), REGRESSION_TRUE, REGRESSION_PRED),
]


@pytest.mark.parametrize("factory, y_true, y_pred", STREAM_CASES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("weighted", [False, True])
def test_streamed_over_uneven_batches_equals_the_whole_data(factory, y_true, y_pred, weighted):
    weights = WEIGHTS if weighted else None
    whole = factory()
    whole.update_state(y_true, y_pred, weights)
    np.testing.assert_allclose(_streamed(factory(), y_true, y_pred, weights), whole.result(), rtol=1e-12)


# ---- confusion metrics ------------------------------------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
def test_auc_roc_at_thresholds_between_the_scores_is_sklearns_roc_auc(weighted):
    """With a threshold between every two distinct scores the ROC points are exact, and Keras's trapezoids are
    scikit-learn's."""
    distinct = np.unique(SCORES)
    auc = metrics.AUC(thresholds=(distinct[:-1] + distinct[1:]) / 2)
    weights = WEIGHTS if weighted else None
    auc.update_state(BINARY, SCORES, weights)
    assert auc.result() == pytest.approx(sk.roc_auc_score(BINARY, SCORES, sample_weight=weights), rel=1e-12)


def test_auc_with_keras_thresholds_by_hand():
    """Keras's thresholds -eps, 1/(n-1), ..., 1 + eps, counts of p > t, trapezoids on (fpr, tpr)."""
    n = 7
    thresholds = [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]
    tpr = [np.sum((SCORES > t) & (BINARY == 1)) / np.sum(BINARY == 1) for t in thresholds]
    fpr = [np.sum((SCORES > t) & (BINARY == 0)) / np.sum(BINARY == 0) for t in thresholds]
    expected = sum((fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2 for i in range(n - 1))
    auc = metrics.AUC(num_thresholds=n)
    auc.update_state(BINARY, SCORES)
    assert auc.result() == pytest.approx(expected, rel=1e-12)
    assert metrics.AUC(num_thresholds=10001)(BINARY, SCORES) == pytest.approx(sk.roc_auc_score(BINARY, SCORES),
                                                                               abs=2e-3)


def test_pr_auc_interpolation_by_hand_and_near_average_precision():
    """Davis & Goadrich's interpolation, Keras's closed form, written out interval by interval."""
    n = 5
    thresholds = [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]
    tp = np.array([np.sum((SCORES > t) & (BINARY == 1)) for t in thresholds], float)
    fp = np.array([np.sum((SCORES > t) & (BINARY == 0)) for t in thresholds], float)
    positives = np.sum(BINARY == 1)
    expected = 0.0
    for i in range(n - 1):
        d_tp, d_p = tp[i] - tp[i + 1], (tp[i] + fp[i]) - (tp[i + 1] + fp[i + 1])
        if d_p <= 0 or d_tp == 0:
            continue
        slope = d_tp / d_p
        intercept = tp[i + 1] - slope * (tp[i + 1] + fp[i + 1])
        ratio = (tp[i] + fp[i]) / (tp[i + 1] + fp[i + 1]) if tp[i + 1] + fp[i + 1] > 0 else 1.0
        expected += slope * (d_tp + intercept * np.log(ratio)) / positives
    assert metrics.AUC(num_thresholds=n, curve="PR")(BINARY, SCORES) == pytest.approx(expected, rel=1e-12)
    fine = metrics.AUC(num_thresholds=2001, curve="PR")(BINARY, SCORES)
    assert fine == pytest.approx(sk.average_precision_score(BINARY, SCORES), abs=0.02)


def test_multi_label_auc_is_the_mean_of_the_labels_aucs():
    auc = metrics.AUC(num_thresholds=400, multi_label=True, label_weights=[1, 2, 0, 1])
    per_label = [metrics.AUC(num_thresholds=400)(MULTI_LABEL[:, j], MULTI_SCORES[:, j]) for j in range(CLASSES)]
    assert auc(MULTI_LABEL, MULTI_SCORES) == pytest.approx(np.average(per_label, weights=[1, 2, 0, 1]), rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_precision_recall_and_counts_match_sklearn(weighted):
    weights = WEIGHTS if weighted else None
    predicted = SCORES > 0.5
    assert metrics.Precision()(BINARY, SCORES, weights) == pytest.approx(
        sk.precision_score(BINARY, predicted, sample_weight=weights), rel=1e-12)
    assert metrics.Recall()(BINARY, SCORES, weights) == pytest.approx(
        sk.recall_score(BINARY, predicted, sample_weight=weights), rel=1e-12)
    tn, fp, fn, tp = sk.confusion_matrix(BINARY, predicted, sample_weight=weights).ravel()
    counts = [metrics.TruePositives(), metrics.FalsePositives(), metrics.TrueNegatives(), metrics.FalseNegatives()]
    assert [metric(BINARY, SCORES, weights) for metric in counts] == pytest.approx([tp, fp, tn, fn], rel=1e-12)


def test_precision_at_several_thresholds_class_id_and_top_k_by_hand():
    values = metrics.Precision(thresholds=[0.2, 0.6])(BINARY, SCORES)
    expected = [sk.precision_score(BINARY, SCORES > t) for t in (0.2, 0.6)]
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    assert metrics.Recall(class_id=1)(ONE_HOT, PROBABILITIES) == pytest.approx(
        sk.recall_score(ONE_HOT[:, 1], PROBABILITIES[:, 1] > 0.5), rel=1e-12)
    top2 = np.argsort(-MULTI_SCORES, axis=1)[:, :2]
    kept = np.zeros_like(MULTI_SCORES, dtype=bool)
    np.put_along_axis(kept, top2, True, axis=1)
    predicted = kept & (MULTI_SCORES > 0.5)
    assert metrics.Precision(top_k=2)(MULTI_LABEL, MULTI_SCORES) == pytest.approx(
        np.sum(predicted & (MULTI_LABEL == 1)) / np.sum(predicted), rel=1e-12)


@pytest.mark.parametrize("factory, constrained, dependent, target", [
    (metrics.PrecisionAtRecall, "recall", "precision", 0.7),
    (metrics.RecallAtPrecision, "precision", "recall", 0.6),
    (metrics.SensitivityAtSpecificity, "specificity", "recall", 0.5),
    (metrics.SpecificityAtSensitivity, "recall", "specificity", 0.8),
])
def test_rate_at_a_constraint_by_hand(factory, constrained, dependent, target):
    """Keras: the largest `dependent` rate over thresholds 0, 1/(n-1), ..., 1 where `constrained` >= target."""
    n = 30
    best = 0.0
    for t in np.linspace(0, 1, n):
        predicted = SCORES > t
        tp, fp = np.sum(predicted & (BINARY == 1)), np.sum(predicted & (BINARY == 0))
        fn, tn = np.sum(~predicted & (BINARY == 1)), np.sum(~predicted & (BINARY == 0))
        rates = {"recall": tp / (tp + fn), "precision": tp / (tp + fp) if tp + fp else 0.0,
                 "specificity": tn / (tn + fp)}
        if rates[constrained] >= target:
            best = max(best, rates[dependent])
    assert factory(target, num_thresholds=n)(BINARY, SCORES) == pytest.approx(best, rel=1e-12)


# ---- scores -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_f_beta_matches_sklearn(average, beta):
    predicted = (MULTI_SCORES > 0.5).astype(int)
    expected = sk.fbeta_score(MULTI_LABEL, predicted, beta=beta, average=average, zero_division=0)
    result = metrics.FBetaScore(average=average, beta=beta, threshold=0.5)(MULTI_LABEL, MULTI_SCORES)
    np.testing.assert_allclose(result, expected, rtol=1e-5)  # Keras's eps in each division


def test_f1_without_threshold_takes_the_arg_max_of_each_row():
    expected = sk.f1_score(LABELS, PROBABILITIES.argmax(-1), average="macro")
    assert metrics.F1Score(average="macro")(ONE_HOT, PROBABILITIES) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_accuracy_matches_sklearn(k):
    expected = sk.top_k_accuracy_score(LABELS, PROBABILITIES, k=k, labels=range(CLASSES), sample_weight=WEIGHTS)
    assert metrics.SparseTopKCategoricalAccuracy(k=k)(LABELS, PROBABILITIES, WEIGHTS) == pytest.approx(expected)
    assert metrics.TopKCategoricalAccuracy(k=k)(ONE_HOT, PROBABILITIES, WEIGHTS) == pytest.approx(expected)


@pytest.mark.parametrize("aggregation, multioutput", [
    ("uniform_average", "uniform_average"), ("variance_weighted_average", "variance_weighted"),
    (None, "raw_values")])
def test_r2_matches_sklearn(aggregation, multioutput):
    result = metrics.R2Score(class_aggregation=aggregation)(REGRESSION_TRUE, REGRESSION_PRED, WEIGHTS)
    expected = sk.r2_score(REGRESSION_TRUE, REGRESSION_PRED, sample_weight=WEIGHTS, multioutput=multioutput)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_adjusted_r2_and_rmse():
    r2 = sk.r2_score(REGRESSION_TRUE, REGRESSION_PRED)
    entries = REGRESSION_TRUE.size
    assert metrics.R2Score(num_regressors=4)(REGRESSION_TRUE, REGRESSION_PRED) == pytest.approx(
        1 - (1 - r2) * (entries - 1) / (entries - 4 - 1), rel=1e-12)
    assert metrics.RootMeanSquaredError()(REGRESSION_TRUE, REGRESSION_PRED, WEIGHTS) == pytest.approx(
        np.sqrt(sk.mean_squared_error(REGRESSION_TRUE, REGRESSION_PRED, sample_weight=WEIGHTS)), rel=1e-12)


def test_iou_family_matches_sklearn_jaccard():
    predicted = PROBABILITIES.argmax(-1)
    per_class = sk.jaccard_score(LABELS, predicted, average=None, labels=range(CLASSES), sample_weight=WEIGHTS)
    assert metrics.MeanIoU(CLASSES)(LABELS, predicted, WEIGHTS) == pytest.approx(per_class.mean(), rel=1e-12)
    assert metrics.IoU(CLASSES, [1, 3])(LABELS, predicted, WEIGHTS) == pytest.approx(per_class[[1, 3]].mean())
    assert metrics.OneHotMeanIoU(CLASSES)(ONE_HOT, PROBABILITIES, WEIGHTS) == pytest.approx(per_class.mean())
    assert metrics.OneHotIoU(CLASSES, [2])(ONE_HOT, PROBABILITIES, WEIGHTS) == pytest.approx(per_class[2])
    binary = sk.jaccard_score(BINARY, SCORES > 0.5, average=None)
    assert metrics.BinaryIoU()(BINARY, SCORES) == pytest.approx(binary.mean(), rel=1e-12)
    assert metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)(BINARY, SCORES) == pytest.approx(binary[1])
    # Keras drops the entries whose target is the ignored class; class 0, still predicted elsewhere, scores 0.
    kept = LABELS != 0
    assert np.any(predicted[kept] == 0)
    assert metrics.MeanIoU(CLASSES, ignore_class=0)(LABELS, predicted) == pytest.approx(
        np.mean(sk.jaccard_score(LABELS[kept], predicted[kept], average=None, labels=range(CLASSES))))


# ---- means, losses as metrics, names ----------------------------------------------------------------

@pytest.mark.parametrize("metric, loss", [
    (metrics.BinaryCrossentropy(from_logits=True), layerwise.losses.BinaryCrossentropy(from_logits=True)),
    (metrics.CategoricalCrossentropy(label_smoothing=0.1),
     layerwise.losses.CategoricalCrossentropy(label_smoothing=0.1)),
    (metrics.KLDivergence(), layerwise.losses.KLDivergence()), (metrics.Poisson(), layerwise.losses.Poisson()),
    (metrics.Hinge(), layerwise.losses.Hinge()), (metrics.SquaredHinge(), layerwise.losses.SquaredHinge()),
    (metrics.CategoricalHinge(), layerwise.losses.CategoricalHinge()),
    (metrics.LogCoshError(), layerwise.losses.LogCosh()),
    (metrics.MeanAbsolutePercentageError(), layerwise.losses.MeanAbsolutePercentageError()),
    (metrics.MeanSquaredLogarithmicError(), layerwise.losses.MeanSquaredLogarithmicError()),
])
def test_a_loss_metric_is_the_weighted_mean_of_the_loss(metric, loss):
    y_true, y_pred = ONE_HOT, PROBABILITIES
    values = loss.call(y_true, y_pred)
    assert metric(y_true, y_pred, WEIGHTS) == pytest.approx(np.average(values, weights=WEIGHTS), rel=1e-12)


def test_correlations_per_sample_as_keras():
    expected = [np.corrcoef(t, p)[0, 1] for t, p in zip(REGRESSION_TRUE, REGRESSION_PRED)]
    assert metrics.PearsonCorrelation()(REGRESSION_TRUE, REGRESSION_PRED, WEIGHTS) == pytest.approx(
        np.average(expected, weights=WEIGHTS), rel=1e-12)
    t, p = REGRESSION_TRUE, REGRESSION_PRED
    norm = t.var(1) + p.var(1) + (t.mean(1) - p.mean(1)) ** 2
    keras = np.mean(2 * (t - p.mean(1, keepdims=True)) * (p - p.mean(1, keepdims=True)), axis=1) / (norm + 1e-7)
    assert metrics.ConcordanceCorrelation()(t, p) == pytest.approx(np.mean(keras), rel=1e-9)


def test_mean_sum_wrapper_and_cosine_similarity():
    assert metrics.Sum()([1.0, 2.0], [2.0, 0.5]) == 3.0
    assert metrics.Mean()([[1.0, 3.0], [5.0, 7.0]], [1.0, 3.0]) == pytest.approx((4 + 36) / 8)
    wrapper = metrics.MeanMetricWrapper(metrics.sparse_top_k_categorical_accuracy, k=1, name="top1")
    assert wrapper(LABELS, PROBABILITIES) == pytest.approx(np.mean(PROBABILITIES.argmax(-1) == LABELS))
    clone = metrics.deserialize(metrics.serialize(wrapper))
    assert (clone.name, clone(LABELS, PROBABILITIES)) == ("top1", wrapper.result())
    cosine = metrics.CosineSimilarity()(REGRESSION_TRUE, REGRESSION_PRED)
    unit = [v / np.linalg.norm(v, axis=1, keepdims=True) for v in (REGRESSION_TRUE, REGRESSION_PRED)]
    assert cosine == pytest.approx(np.mean(np.sum(unit[0] * unit[1], axis=1)), rel=1e-12)


@pytest.mark.parametrize("value, weight", [(0.25, 128), (np.float32(1.7), 3.0), (2.0, None), (True, np.int64(5)),
                                           (np.float64(-1.5), 0.5)])
def test_a_mean_of_single_values_sums_as_the_mean_of_arrays(value, weight):
    scalar, array = metrics.Mean(), metrics.Mean()
    for _ in range(3):  # as fit tracks a batch's loss, weighted by its sample count
        scalar.update_state(value, weight)
        array.update_state(np.array([value], dtype=np.float64), None if weight is None else np.array([weight]))
    assert (scalar.total, scalar.count) == (array.total, array.count)
    assert isinstance(scalar.total, float) and isinstance(scalar.count, float)


REGISTERED = sorted({cls for cls in metrics._TABLE.values() if cls is not metrics.MeanMetricWrapper},
                    key=lambda cls: cls.__name__)
REQUIRED = {"IoU": {"num_classes": 3, "target_class_ids": [0]}, "MeanIoU": {"num_classes": 3},
            "OneHotIoU": {"num_classes": 3, "target_class_ids": [1]}, "OneHotMeanIoU": {"num_classes": 3},
            "PrecisionAtRecall": {"recall": 0.5}, "RecallAtPrecision": {"precision": 0.5},
            "SensitivityAtSpecificity": {"specificity": 0.5}, "SpecificityAtSensitivity": {"sensitivity": 0.5}}


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.__name__)
def test_every_metric_config_round_trips_and_is_named_as_keras(cls):
    metric = cls(**REQUIRED.get(cls.__name__, {}))
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is cls and clone.get_config() == metric.get_config()
    assert metric.name == cls.default_name and metrics._TABLE[cls.default_name] is cls


def test_compile_refuses_unknown_names_and_lists_the_known_ones():
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"Unknown metric 'presicion'; known names: \[.*'precision'"):
        model.compile("sgd", "binary_crossentropy", metrics=["presicion"])
    with pytest.raises(ValueError, match=r"Unknown loss 'binary_cross_entropy'; known names: .*'binary_crossentropy'"):
        model.compile("sgd", "binary_cross_entropy")
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adamm'; known names: \[.*'adam'"):
        model.compile("adamm", "binary_crossentropy")


def test_model_metrics_names_and_an_epoch_metric_equal_to_the_whole_epoch():
    x = RNG.normal(size=(N, 3))
    y = BINARY
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1, activation="sigmoid")])
    precision = metrics.Precision(name="p")
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", "auc", precision])
    assert model.metrics == [] and model.metrics_names == []
    logs = model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "accuracy", "auc", "p"] == list(logs)
    assert isinstance(model.metrics[0], metrics.Mean) and model.metrics[3] is precision
    scores = model.predict(x, verbose=0)
    assert logs["auc"] == pytest.approx(metrics.AUC()(y, scores), rel=1e-9)
    assert logs["p"] == pytest.approx(sk.precision_score(y, scores[:, 0] > 0.5), rel=1e-9)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "auc", "p"}
