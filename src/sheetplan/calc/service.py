"""Customer-service staffing with Erlang C (M/M/N queue), the way workforce tools do it.

Traffic in Erlangs is ``A = arrivals × handle_time / interval_seconds``. Erlang C is computed
through the Erlang B recursion ``B(n) = A·B(n-1) / (n + A·B(n-1))``, which never forms a
factorial or a power, so it stays exact and fast for thousands of agents.

Chat agents hold several conversations at once. The usual WFM shortcut divides the handle
time by a *concurrency factor* before Erlang C (see :data:`CONCURRENCY_FACTORS`).

All functions validate their inputs and raise ``ValueError`` with a short English message
naming the argument; the UDF layer shows that text in the cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = [
    "CONCURRENCY_FACTORS",
    "agents_required",
    "average_wait_seconds",
    "concurrency_factor",
    "erlang_c",
    "occupancy",
    "requirement_series",
    "service_level",
    "traffic_erlangs",
]

#: Chats handled at once -> handle-time divisor. These are rules of thumb common in
#: workforce-management practice (vendor guides and WFM forums quote ~1.7 for two chats,
#: ~2.5 for three and ~2.9 for four): an agent with k chats is slower on each one, so the
#: throughput gain is less than k. They are defaults — a shop with its own measured
#: chats-per-agent-hour should pass its own factor as ``concurrency``.
CONCURRENCY_FACTORS: dict[int, float] = {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9}

_SL_TOLERANCE = 1e-12  # lets a target such as 0.8 be met by an SL of 0.7999999999999999
_MAX_AGENTS = 10_000_000  # guard against a search that cannot end (bad inputs)


# ----------------------------------------------------------------------------- validation
def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return float(value)


def _non_negative(name: str, value: Any) -> float:
    v = _number(name, value)
    if v < 0:
        raise ValueError(f"{name} must not be negative")
    return v


def _positive(name: str, value: Any) -> float:
    v = _number(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be greater than 0")
    return v


def _whole(name: str, value: Any) -> int:
    v = _non_negative(name, value)
    if v != int(v):
        raise ValueError(f"{name} must be a whole number")
    return int(v)


def _fraction(name: str, value: Any, *, low_open: bool, high_open: bool) -> float:
    v = _number(name, value)
    too_low = v <= 0 if low_open else v < 0
    too_high = v >= 1 if high_open else v > 1
    if too_low or too_high:
        raise ValueError(f"{name} must be between 0 and 1")
    return v


def _check_common(
    arrivals: Any, aht_seconds: Any, interval_minutes: Any, concurrency: Any
) -> tuple[float, float, float, float]:
    lam = _non_negative("arrivals", arrivals)
    aht = _positive("aht_seconds", aht_seconds)
    minutes = _positive("interval_minutes", interval_minutes)
    conc = _number("concurrency", concurrency)
    if conc < 1:
        raise ValueError("concurrency must be at least 1")
    return lam, aht, minutes, conc


# ----------------------------------------------------------------------------- core maths
def concurrency_factor(chats_at_once: int) -> float:
    """Handle-time divisor for an agent holding ``chats_at_once`` chats (1–4)."""
    n = _whole("chats_at_once", chats_at_once)
    if n not in CONCURRENCY_FACTORS:
        raise ValueError("chats_at_once must be 1, 2, 3 or 4")
    return CONCURRENCY_FACTORS[n]


def traffic_erlangs(
    arrivals: float, aht_seconds: float, interval_minutes: float = 60, concurrency: float = 1.0
) -> float:
    """Offered load in Erlangs, with the handle time shortened by the concurrency factor."""
    lam, aht, minutes, conc = _check_common(arrivals, aht_seconds, interval_minutes, concurrency)
    return lam * (aht / conc) / (minutes * 60.0)


def _erlang_b(agents: int, traffic: float) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def _c_from_b(agents: int, traffic: float, b: float) -> float:
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact has to wait; 1.0 when the queue is unstable (N <= A)."""
    n = _whole("agents", agents)
    a = _non_negative("traffic", traffic)
    if a == 0:
        return 0.0
    if n <= a:
        return 1.0
    return _c_from_b(n, a, _erlang_b(n, a))


def _sl_from_c(c: float, agents: int, traffic: float, handle: float, answer: float) -> float:
    sl = 1.0 - c * math.exp(-(agents - traffic) * answer / handle)
    return min(1.0, max(0.0, sl))


def service_level(
    agents: int,
    arrivals: float,
    aht_seconds: float,
    answer_seconds: float,
    interval_minutes: float = 60,
    concurrency: float = 1.0,
) -> float:
    """Fraction of contacts answered within ``answer_seconds`` by ``agents`` agents.

    0 when the agents cannot carry the load (N <= traffic); 1.0 with no arrivals.
    """
    n = _whole("agents", agents)
    answer = _non_negative("answer_seconds", answer_seconds)
    a = traffic_erlangs(arrivals, aht_seconds, interval_minutes, concurrency)
    if a == 0:
        return 1.0
    if n <= a:
        return 0.0
    return _sl_from_c(erlang_c(n, a), n, a, aht_seconds / concurrency, answer)


def average_wait_seconds(
    agents: int,
    arrivals: float,
    aht_seconds: float,
    interval_minutes: float = 60,
    concurrency: float = 1.0,
) -> float:
    """Average speed of answer in seconds (``inf`` when the queue is unstable)."""
    n = _whole("agents", agents)
    a = traffic_erlangs(arrivals, aht_seconds, interval_minutes, concurrency)
    if a == 0:
        return 0.0
    if n <= a:
        return math.inf
    return erlang_c(n, a) * (aht_seconds / concurrency) / (n - a)


def occupancy(
    agents: int,
    arrivals: float,
    aht_seconds: float,
    interval_minutes: float = 60,
    concurrency: float = 1.0,
) -> float:
    """Share of agent time spent handling contacts (capped at 1 when overloaded)."""
    n = _whole("agents", agents)
    a = traffic_erlangs(arrivals, aht_seconds, interval_minutes, concurrency)
    if a == 0:
        return 0.0
    return 1.0 if n == 0 else min(1.0, a / n)


def _raw_agents(traffic: float, handle: float, target: float, answer: float, occ: float) -> int:
    """Smallest N with SL >= target and A/N <= occ; walks the B recursion once, upwards."""
    if traffic / occ >= _MAX_AGENTS:  # bounded work: the walk below is linear in N
        raise ValueError("max_occupancy is too small for this load (over 10 million agents)")
    start = max(math.floor(traffic) + 1, math.ceil(traffic / occ - 1e-12))
    b = _erlang_b(start - 1, traffic)
    n = start - 1
    while n < _MAX_AGENTS:
        n += 1
        b = traffic * b / (n + traffic * b)
        if n <= traffic or traffic / n > occ + 1e-12:
            continue
        sl = _sl_from_c(_c_from_b(n, traffic, b), n, traffic, handle, answer)
        if sl >= target - _SL_TOLERANCE:
            return n
    raise ValueError("arrivals too large to staff")  # pragma: no cover - guard only


def agents_required(
    arrivals: float,
    aht_seconds: float,
    target_sl: float,
    answer_seconds: float,
    interval_minutes: float = 60,
    concurrency: float = 1.0,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> int:
    """Agents to schedule so that ``target_sl`` of contacts wait at most ``answer_seconds``.

    Finds the smallest N on the phones meeting both the service-level target and the
    occupancy cap, then grosses it up for shrinkage (breaks, training, absence):
    ``ceil(N / (1 - shrinkage))``. No arrivals need no agents.
    """
    target = _fraction("target_sl", target_sl, low_open=False, high_open=True)
    answer = _non_negative("answer_seconds", answer_seconds)
    occ = _fraction("max_occupancy", max_occupancy, low_open=True, high_open=False)
    shrink = _fraction("shrinkage", shrinkage, low_open=False, high_open=True)
    a = traffic_erlangs(arrivals, aht_seconds, interval_minutes, concurrency)
    if a == 0:
        return 0
    n = _raw_agents(a, aht_seconds / concurrency, target, answer, occ)
    return math.ceil(n / (1.0 - shrink) - 1e-9)


def requirement_series(
    arrivals: Sequence[float], open_mask: Sequence[bool] | None = None, **params: Any
) -> list[int]:
    """Agents required per interval; closed intervals (``open_mask`` False) need none.

    ``params`` are the keyword arguments of :func:`agents_required` (``aht_seconds``,
    ``target_sl``, ``answer_seconds``, ``interval_minutes`` …).
    """
    values = list(arrivals)
    if open_mask is None:
        mask = [True] * len(values)
    else:
        mask = [bool(m) for m in open_mask]
        if len(mask) != len(values):
            raise ValueError("open_mask must have one entry per interval of arrivals")
    return [agents_required(v, **params) if m else 0 for v, m in zip(values, mask, strict=True)]
