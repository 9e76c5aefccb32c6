"""Cover in the roster model: what a gap costs, by how deep it is and where it falls.

A flat cost per short person-hour lets a solver put every short hour into the one interval that
matters (the flash sale's 00:00 with half its seats) because sixteen short hours there weigh
the same as one short hour in sixteen quiet ones. A service does not degrade that way: the
first missing agent of thirty costs a little waiting, the sixteenth leaves the queue unserved.
So a gap is weighed convexly by depth: the j-th missing person of an interval that needs ``r``
costs ``DEPTH_WEIGHTS[ceil(K·j/r) − 1]`` (K the number of weights) by the quarter of the
requirement the gap then reaches — into the first quarter at 1, the second at 2, the third at
4, the last at 8 — times the interval's priority (必保时段 must-cover windows, default 1). The
person whose absence leaves a post empty always costs the most: a one-person post left empty
costs 8 an hour, as the last seat of a large one does (weighed by the quarter the gap started
in, it cost 1, and a roster left a one-person post empty for whole days to spare the fourth
agent of a larger one). Being convex and increasing, the cheapest layers fill first, so a
piecewise-linear stand-in needs only one integer variable per layer.

Per-shift head counts (值班需求 with a 班次) get the same layers over their ``need``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

# weight per missing person in each quarter of the requirement (1st quarter missing … last quarter)
DEPTH_WEIGHTS: tuple[int, ...] = (1, 2, 4, 8)
PRIORITY_SCALE = 10  # priorities (e.g. 1.5) are modelled in tenths, so weights stay integers


def layers(need: int, weights: Sequence[int] = DEPTH_WEIGHTS) -> list[tuple[int, int]]:
    """(people, weight per person) of the successive layers of a gap in a requirement of ``need``."""
    k = len(weights)
    out: list[tuple[int, int]] = []
    for j in range(1, need + 1):  # the j-th missing person: the gap reaches quarter ceil(k·j/need)
        w = int(weights[min(k, -(-k * j // need)) - 1])
        if out and out[-1][1] == w:
            out[-1] = (out[-1][0] + 1, w)
        else:
            out.append((1, w))
    return out


def gap_cost(need: int, short: int, weights: Sequence[int] = DEPTH_WEIGHTS) -> int:
    """What ``short`` missing people of ``need`` cost (unscaled): the cheapest layers first."""
    total, left = 0, max(0, min(short, need))
    for size, w in layers(need, weights):
        take = min(size, left)
        total += take * w
        left -= take
        if not left:
            break
    return total


def priority_units(value: float) -> int:
    """A priority multiplier in the model's integer tenths (at least 1)."""
    return max(1, round(value * PRIORITY_SCALE))


def add_interval_cover(
    model: cp_model.CpModel,
    requirement: Mapping[str, Sequence[int]],
    priority: Mapping[str, Sequence[float]],
    covering: Sequence[Sequence[int]],
    vars_by_post_inst: Mapping[tuple[str, int], Sequence[cp_model.IntVar]],
    weights: Sequence[int],
    base: int = PRIORITY_SCALE,
) -> tuple[list[tuple[cp_model.IntVar, int]], int]:
    """Soft cover of every post and interval: (variable, weight) terms of the shortfall and the
    weighted shortfall no shift can cover at all. Intervals with the same covering shifts, the
    same requirement and the same priority share one cover variable and one set of layers.
    ``base`` is the weight of priority 1 (``PRIORITY_SCALE``; 1 where priorities do not apply)."""
    terms: list[tuple[cp_model.IntVar, int]] = []
    const = 0
    for post in requirement:  # the plan's order, never sorted by name (a renamed plan solves the same)
        prio = priority.get(post)
        groups: dict[tuple[int, ...], Counter[tuple[int, int]]] = defaultdict(Counter)
        for t, r in enumerate(requirement[post]):
            if r > 0:
                key = tuple(k for k in covering[t] if (post, k) in vars_by_post_inst)
                groups[key][(int(r), priority_units(prio[t]) if prio is not None else base)] += 1
        for g, (key, reqs) in enumerate(groups.items()):
            lits = [v for k in key for v in vars_by_post_inst[(post, k)]]
            if not lits:
                const += sum(m * p * gap_cost(r, r, weights) for (r, p), m in reqs.items())
                continue
            cover = model.new_int_var(0, len(lits), f"cover|{post}|{g}")
            model.add(cover == sum(lits))
            for (r, p), m in sorted(reqs.items()):
                parts = []
                for i, (size, w) in enumerate(layers(r, weights)):
                    s = model.new_int_var(0, size, f"short|{post}|{g}|{r}|{p}|{i}")
                    parts.append(s)
                    terms.append((s, m * p * w))
                model.add(sum(parts) + cover >= r)
    return terms, const


def add_layered(model: cp_model.CpModel, under: cp_model.IntVar, need: int, weights: Sequence[int],
                name: str) -> list[tuple[cp_model.IntVar, int]]:
    """``under`` split into depth layers of ``need`` (cheapest first), as (variable, weight) terms."""
    parts, terms = [], []
    for i, (size, w) in enumerate(layers(need, weights)):
        s = model.new_int_var(0, size, f"{name}|{i}")
        parts.append(s)
        terms.append((s, w))
    model.add(sum(parts) == under)
    return terms
