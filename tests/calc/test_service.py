"""Erlang C staffing: textbook numbers, an exact reference, large loads and invariants."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetplan.calc import service as svc


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """Textbook formula with exact big-integer factorials (only sane for small loads)."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents, agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def exact_service_level(agents: int, calls: int, aht: int, answer: int, minutes: int) -> float:
    traffic = Fraction(calls * aht, minutes * 60)
    if agents <= traffic:
        return 0.0
    c = exact_erlang_c(agents, traffic)
    return 1.0 - float(c) * math.exp(-float(agents - traffic) * answer / aht)


# ----------------------------------------------------------------------------- textbook
def test_textbook_100_calls_per_half_hour_needs_14_agents() -> None:
    assert svc.traffic_erlangs(100, 180, 30) == pytest.approx(10.0)
    assert svc.agents_required(100, 180, 0.8, 20, interval_minutes=30) == 14
    assert svc.service_level(14, 100, 180, 20, 30) == pytest.approx(0.8884, abs=1e-4)
    assert svc.service_level(13, 100, 180, 20, 30) == pytest.approx(0.7956, abs=1e-4)
    assert svc.average_wait_seconds(14, 100, 180, 30) == pytest.approx(7.84, abs=0.01)


@pytest.mark.parametrize("calls,aht,answer,minutes", [(100, 180, 20, 30), (40, 240, 15, 60),
                                                      (7, 300, 30, 15), (250, 120, 10, 60)])
def test_matches_exact_factorial_formula(calls: int, aht: int, answer: int, minutes: int) -> None:
    traffic = calls * aht / (minutes * 60)
    for agents in range(math.floor(traffic) + 1, math.floor(traffic) + 12):
        ours = svc.service_level(agents, calls, aht, answer, minutes)
        assert ours == pytest.approx(exact_service_level(agents, calls, aht, answer, minutes),
                                     abs=1e-12)
        exact_c = exact_erlang_c(agents, Fraction(calls * aht, minutes * 60))
        assert svc.erlang_c(agents, traffic) == pytest.approx(float(exact_c), rel=1e-11)


def test_edge_cases() -> None:
    assert svc.service_level(0, 0, 180, 20) == 1.0
    assert svc.service_level(10, 200, 180, 20) == 0.0  # 10 Erlangs, 10 agents: unstable
    assert math.isinf(svc.average_wait_seconds(10, 200, 180))
    assert svc.average_wait_seconds(3, 0, 180) == 0.0
    assert svc.agents_required(0, 180, 0.8, 20) == 0
    assert svc.erlang_c(5, 0) == 0.0


def test_occupancy_cap_and_shrinkage() -> None:
    base = svc.agents_required(100, 180, 0.8, 20, 30)
    capped = svc.agents_required(100, 180, 0.8, 20, 30, max_occupancy=0.6)
    assert capped == math.ceil(10 / 0.6) and capped > base
    assert svc.agents_required(100, 180, 0.8, 20, 30, shrinkage=0.3) == math.ceil(base / 0.7)


def test_chat_concurrency() -> None:
    assert svc.concurrency_factor(1) == 1.0
    assert svc.concurrency_factor(3) == 2.5
    assert svc.CONCURRENCY_FACTORS == {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9}
    single = svc.agents_required(300, 240, 0.8, 30)
    triple = svc.agents_required(300, 240, 0.8, 30, concurrency=svc.concurrency_factor(3))
    assert triple < single
    # dividing handle time by the factor is the same as dividing arrivals by it
    assert svc.traffic_erlangs(300, 240, 60, 2.5) == pytest.approx(300 * 96 / 3600)
    with pytest.raises(ValueError, match="chats_at_once"):
        svc.concurrency_factor(5)


# ----------------------------------------------------------------------------- large loads
def test_large_load_is_fast_and_monotone() -> None:
    needs = [svc.agents_required(v, 180, 0.8, 20) for v in range(1000, 20001, 1000)]
    assert needs == sorted(needs)
    big = svc.agents_required(5000, 180, 0.8, 20)
    assert 250 < big < 270  # 250 Erlangs need a few agents over the load
    assert svc.service_level(big, 5000, 180, 20) >= 0.8
    assert svc.service_level(big - 1, 5000, 180, 20) < 0.8
    huge = svc.agents_required(200_000, 300, 0.9, 10)
    assert 16_667 < huge < 16_900


@settings(max_examples=60, deadline=None)
@given(calls=st.floats(1, 3000), aht=st.floats(20, 900), target=st.floats(0.05, 0.99),
       answer=st.floats(0, 120), minutes=st.sampled_from([15, 30, 60]),
       conc=st.sampled_from([1.0, 1.7, 2.5, 2.9]))
def test_required_agents_are_the_smallest_that_reach_the_target(
    calls: float, aht: float, target: float, answer: float, minutes: int, conc: float
) -> None:
    n = svc.agents_required(calls, aht, target, answer, minutes, conc)
    assert svc.service_level(n, calls, aht, answer, minutes, conc) >= target - 1e-12
    assert svc.service_level(n - 1, calls, aht, answer, minutes, conc) < target


@settings(max_examples=60, deadline=None)
@given(calls=st.floats(0, 5000), aht=st.floats(10, 900), answer=st.floats(0, 300),
       agents=st.integers(0, 400))
def test_service_level_bounded_and_monotone_in_agents(
    calls: float, aht: float, answer: float, agents: int
) -> None:
    sl = svc.service_level(agents, calls, aht, answer)
    more = svc.service_level(agents + 1, calls, aht, answer)
    assert 0.0 <= sl <= 1.0
    assert more >= sl - 1e-12
    assert svc.average_wait_seconds(agents + 1, calls, aht) <= svc.average_wait_seconds(
        agents, calls, aht)


# ----------------------------------------------------------------------------- series / errors
def test_requirement_series_respects_closed_intervals() -> None:
    params = {"aht_seconds": 180, "target_sl": 0.8, "answer_seconds": 20, "interval_minutes": 30}
    assert svc.requirement_series([100, 0, 100], [True, True, False], **params) == [14, 0, 0]
    assert svc.requirement_series([100, 50], None, **params) == [14, 8]
    with pytest.raises(ValueError, match="open_mask"):
        svc.requirement_series([1, 2], [True], **params)


@pytest.mark.parametrize("kwargs,word", [
    ({"target_sl": 1.2}, "target_sl"),
    ({"target_sl": 1.0}, "target_sl"),
    ({"aht_seconds": 0}, "aht_seconds"),
    ({"arrivals": -1}, "arrivals"),
    ({"arrivals": float("nan")}, "arrivals"),
    ({"answer_seconds": -5}, "answer_seconds"),
    ({"interval_minutes": 0}, "interval_minutes"),
    ({"concurrency": 0.5}, "concurrency"),
    ({"max_occupancy": 0}, "max_occupancy"),
    ({"shrinkage": 1}, "shrinkage"),
    ({"arrivals": "many"}, "arrivals"),
])
def test_bad_inputs_name_the_argument(kwargs: dict, word: str) -> None:
    args = {"arrivals": 100, "aht_seconds": 180, "target_sl": 0.8, "answer_seconds": 20} | kwargs
    with pytest.raises(ValueError, match=word):
        svc.agents_required(**args)


def test_agents_must_be_whole() -> None:
    with pytest.raises(ValueError, match="agents must be a whole number"):
        svc.service_level(3.5, 10, 180, 20)
    assert svc.service_level(14.0, 100, 180, 20, 30) == svc.service_level(14, 100, 180, 20, 30)
