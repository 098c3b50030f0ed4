"""Learning-rate schedules against their closed forms, Keras's documented values and torch's schedulers."""

import math

import numpy as np
import pytest
import torch

from layerwise.optimizers import schedules

STEPS = range(0, 120)


def torch_rates(make_scheduler, base_lr, steps=len(STEPS)):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return np.array(rates)


def rates(schedule):
    return np.array([schedule(step) for step in STEPS])


def test_exponential_decay_closed_form_and_torch():
    smooth = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose(rates(smooth), [0.1 * 0.5 ** (t / 10) for t in STEPS], rtol=1e-14)
    np.testing.assert_allclose(rates(smooth), torch_rates(
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.5 ** 0.1), 0.1), rtol=1e-12)
    step = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(rates(step), torch_rates(
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.5), 0.1), rtol=1e-12)


def test_piecewise_constant_decay_keras_example():
    # Keras's docstring: 1.0 for the first 100001 steps, 0.5 for the next 10000 steps, 0.1 after.
    schedule = schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
    assert [schedule(t) for t in (0, 100000, 100001, 110000, 110001, 10 ** 7)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    with pytest.raises(ValueError, match="one more entry"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_inverse_time_decay_and_lecture_1_over_sqrt_t():
    schedule = schedules.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    np.testing.assert_allclose(rates(schedule), [0.1 / (1 + 0.5 * t) for t in STEPS], rtol=1e-14)
    staircase = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert staircase(19) == pytest.approx(0.1 / 1.5) and staircase(20) == pytest.approx(0.05)
    lecture = schedules.InverseTimeDecay(0.3, decay_steps=1, decay_rate=1.0, power=0.5)
    np.testing.assert_allclose(rates(lecture), [0.3 / math.sqrt(t + 1) for t in STEPS], rtol=1e-14)


def test_cosine_decay_matches_torch_and_warmup_closed_form():
    schedule = schedules.CosineDecay(0.1, decay_steps=50, alpha=0.2)
    np.testing.assert_allclose(rates(schedule)[:51], torch_rates(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.02), 0.1, 51), rtol=1e-10)
    assert schedule(80) == pytest.approx(0.02)
    warm = schedules.CosineDecay(0.0, decay_steps=40, warmup_target=0.1, warmup_steps=20)
    expected = [0.1 * t / 20 if t < 20 else 0.05 * (1 + math.cos(math.pi * min(t - 20, 40) / 40)) for t in STEPS]
    np.testing.assert_allclose(rates(warm), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("t_mul", [1.0, 2.0])
def test_cosine_decay_restarts_matches_torch_warm_restarts(t_mul):
    schedule = schedules.CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=t_mul, alpha=0.1)
    expected = torch_rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        o, T_0=10, T_mult=int(t_mul), eta_min=0.01), 0.1)
    np.testing.assert_allclose(rates(schedule), expected, rtol=1e-9)


def test_cosine_decay_restarts_m_mul_lowers_each_peak():
    schedule = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert [schedule(t) for t in (0, 10, 30, 70)] == pytest.approx([1.0, 0.5, 0.25, 0.125])


def test_polynomial_decay_closed_form_torch_and_cycle():
    schedule = schedules.PolynomialDecay(0.1, decay_steps=50, end_learning_rate=0.0, power=2.0)
    np.testing.assert_allclose(rates(schedule), torch_rates(
        lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=50, power=2.0), 0.1), rtol=1e-10, atol=1e-15)
    floor = schedules.PolynomialDecay(0.1, decay_steps=10)
    assert floor(10) == floor(1000) == pytest.approx(1e-4)
    cycle = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    assert cycle(15) == pytest.approx(0.1 * (1 - 15 / 20)) and cycle(0) == 0.1


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([5, 10], [0.3, 0.2, 0.1]),
    schedules.InverseTimeDecay(0.1, 1, 1.0, power=0.5),
    schedules.CosineDecay(0.1, 20, alpha=0.1, warmup_target=0.2, warmup_steps=5),
    schedules.CosineDecayRestarts(0.1, 10, m_mul=0.9),
    schedules.PolynomialDecay(0.1, 10, power=0.5, cycle=True),
], ids=lambda s: type(s).__name__)
def test_config_round_trip(schedule):
    clone = schedules.deserialize(schedules.serialize(schedule))
    assert type(clone) is type(schedule) and clone.get_config() == schedule.get_config()
    assert rates(clone).tolist() == rates(schedule).tolist()
