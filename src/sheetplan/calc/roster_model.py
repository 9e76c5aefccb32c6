"""Named duty rosters on one continuous campaign timeline, solved with OR-Tools CP-SAT.

Time is one line of intervals from 00:00 of the first campaign day (interval 0). A shift
template instantiated on day ``d`` starts at ``24·d + start_hour`` hours and simply runs on:
a 20:00 + 8 h night shift on day 0 covers 00:00–04:00 of day 1. Nothing wraps within a day
(the bug a popular workforce library has).

This module holds the roster's vocabulary: people, shift templates, rules, assignments, gaps,
results, and the shift instances on the timeline. The model is built in
:mod:`sheetplan.calc.roster_constraints` (one function per family of rules), gaps are weighed in
:mod:`sheetplan.calc.roster_cover`, inputs checked in :mod:`sheetplan.calc.roster_checks` and the
search run in phases in :mod:`sheetplan.calc.roster_solve`. Kept small on purpose so that 300
people × 8 days solve within seconds: one boolean per allowed and useful (person, shift, post),
rest as maximal cliques of an interval graph, cover shared by intervals with the same coverers.

Hours of a shift count towards the day it starts on (the duty day). A person who is
unavailable on a day works no hour of that day, so a night shift that runs into it is not
allowed either.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from . import roster_cover as rc
from .roster_rules import Request, ShiftCover

__all__ = [
    "KINDS",
    "Assignment",
    "Conflict",
    "FixedAssignment",
    "Gap",
    "Person",
    "Request",
    "RosterResult",
    "RosterRules",
    "ShiftCover",
    "ShiftTemplate",
    "assignment_rows",
    "block_reason",
    "model_size",
    "normalize_kind",
    "requirement_from_headcounts",
    "shift_instances",
]

Kind = Literal["fulltime", "student", "borrowed"]
Status = Literal["optimal", "feasible", "partial", "infeasible"]
KINDS: tuple[Kind, ...] = ("fulltime", "student", "borrowed")
_KIND_ALIASES: dict[str, Kind] = {
    "fulltime": "fulltime",
    "full-time": "fulltime",
    "full time": "fulltime",
    "全职": "fulltime",
    "正式": "fulltime",
    "student": "student",
    "学生": "student",
    "学生工": "student",
    "borrowed": "borrowed",
    "借调": "borrowed",
}
_EPS = 1e-6
_COST_SCALE = 100  # costs are modelled in hundredths (cents) so they are integers


def normalize_kind(value: str) -> Kind:
    """Map 全职/学生/借调 (or the English words) to the canonical person kind."""
    key = str(value).strip().lower()
    if key not in _KIND_ALIASES:
        raise ValueError(f"unknown person kind {value!r}; use one of 全职/学生/借调 or {KINDS}")
    return _KIND_ALIASES[key]


@dataclass(frozen=True)
class Person:
    """A named member of staff. ``posts`` are the skills; ``available_windows`` are interval
    ranges ``[start, end)`` on the campaign timeline when a borrowed person is lent."""

    name: str
    department: str
    posts: tuple[str, ...]
    kind: Kind = "fulltime"
    max_hours_per_day: float = 12
    max_hours_total: float | None = None
    unavailable_days: frozenset[int] = frozenset()
    available_windows: tuple[tuple[int, int], ...] | None = None
    cost_per_hour: float = 1.0
    min_hours_total: float | None = None
    max_consecutive_days: int | None = None  # this person's limit; None: the rules' limit
    min_consecutive_days: int = 1  # a run of work days not touching the campaign's ends is at least this long
    min_days_off: int = 1  # likewise a run of days off
    max_weekends: int | None = None  # weekends (RosterRules.weekends) with any work
    max_shifts: tuple[tuple[str, int], ...] = ()  # (shift code, at most that many)
    # days no shift may start on (a day off a hand edit decided, kept by --keep-edits): unlike an
    # unavailable day, the evening before's night shift may run into it
    off_days: frozenset[int] = frozenset()
    off_words: tuple[tuple[int, str], ...] = ()  # (day, the word typed there: 假, 年假 …) for the grid

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", normalize_kind(self.kind))
        shifts = self.max_shifts.items() if isinstance(self.max_shifts, Mapping) else self.max_shifts
        object.__setattr__(self, "max_shifts", tuple((str(c), int(n)) for c, n in shifts))
        object.__setattr__(self, "posts", tuple(self.posts))
        object.__setattr__(self, "unavailable_days", frozenset(self.unavailable_days))
        object.__setattr__(self, "off_days", frozenset(self.off_days))
        object.__setattr__(self, "off_words", tuple((int(d), str(w)) for d, w in self.off_words))
        if self.available_windows is not None:
            wins = tuple((int(a), int(b)) for a, b in self.available_windows)
            object.__setattr__(self, "available_windows", wins)
        if not self.name:
            raise ValueError("person name must not be empty")
        if self.max_hours_per_day <= 0:
            raise ValueError(f"{self.name}: max_hours_per_day must be positive")
        if self.max_hours_total is not None and self.max_hours_total < 0:
            raise ValueError(f"{self.name}: max_hours_total must not be negative")
        if self.cost_per_hour < 0:
            raise ValueError(f"{self.name}: cost_per_hour must not be negative")
        if self.min_hours_total is not None and not 0 <= self.min_hours_total <= (
                self.max_hours_total if self.max_hours_total is not None else math.inf):
            raise ValueError(f"{self.name}: min_hours_total must be between 0 and max_hours_total")
        if self.max_consecutive_days is not None and self.max_consecutive_days < 1:
            raise ValueError(f"{self.name}: max_consecutive_days must be at least 1")
        if self.min_consecutive_days < 1 or self.min_days_off < 1:
            raise ValueError(f"{self.name}: min_consecutive_days and min_days_off must be at least 1")
        if self.max_weekends is not None and self.max_weekends < 0:
            raise ValueError(f"{self.name}: max_weekends must not be negative")
        if any(n < 0 for _, n in self.max_shifts):
            raise ValueError(f"{self.name}: max_shifts must not be negative")

    def most_in_a_row(self, rules: RosterRules) -> int | None:
        """Days in a row this person may work: their own limit, else the rules' (one shift a day)."""
        if self.max_consecutive_days is not None:
            return self.max_consecutive_days
        return rules.max_consecutive_days if rules.one_shift_per_day else None

    def day_rules(self, rules: RosterRules) -> bool:
        """Whether any rule looks at this person's days (so the model needs a literal per day)."""
        return (self.most_in_a_row(rules) is not None or self.min_consecutive_days > 1 or self.min_days_off > 1
                or (self.max_weekends is not None and bool(rules.weekends)))


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift pattern repeated every day: starts at ``start_hour`` (hour of day), lasts
    ``hours``; may cross midnight. ``kinds`` says which person kinds may work it."""

    code: str
    start_hour: float
    hours: float
    kinds: frozenset[str] = frozenset(KINDS)
    label: str = ""
    not_followed_by: frozenset[str] = frozenset()  # codes no one may work the day after this shift

    def __post_init__(self) -> None:
        kinds = frozenset(normalize_kind(k) for k in self.kinds) or frozenset(KINDS)
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "not_followed_by", frozenset(self.not_followed_by))
        if not 0 <= self.start_hour < 24:
            raise ValueError(f"shift {self.code}: start_hour must be in [0, 24)")
        if not 0 < self.hours <= 24:
            raise ValueError(f"shift {self.code}: hours must be in (0, 24]")

    @property
    def crosses_midnight(self) -> bool:
        return self.start_hour + self.hours > 24 + _EPS


@dataclass(frozen=True)
class FixedAssignment:
    """A planner-typed assignment that the roster must contain exactly."""

    person: str
    day: int
    shift_code: str
    post: str


@dataclass(frozen=True)
class RosterRules:
    """Hard rules and objective weights. ``night_codes=None`` means: every shift that
    crosses midnight counts as a night shift. Weights are in cost units (cost_per_hour·h)."""

    min_rest_hours: float = 11
    one_shift_per_day: bool = True
    max_consecutive_days: int | None = 6  # a day off in every 7 (with one shift a day); None = no limit
    night_codes: frozenset[str] | None = None
    peak_days: frozenset[int] = frozenset()
    fairness_weight: float = 0.1
    shortfall_weight: float | None = None  # per person-interval; None = strictly dominant
    time_limit_s: float = 20
    num_workers: int = 2
    random_seed: int = 0
    # Reproducible runs (the build must give byte-identical workbooks): one worker and a
    # budget in CP-SAT's deterministic time units instead of wall-clock seconds.
    deterministic_time: float | None = None
    # Bounded memory: a model of more assignment variables than this (~1 GB) is not built.
    max_variables: int = 300_000
    # False: least shortfall only, cost not optimised (what-if solves that only ask "is it covered?")
    cost_phase: bool = True
    weekends: tuple[tuple[int, ...], ...] = ()  # day indices of each weekend (for Person.max_weekends)
    # stop once the roster is proven within this fraction of the best possible (0: prove optimal)
    relative_gap: float = 0.0
    # what each missing person of a gap weighs, by the quarter of the requirement already missing
    # (see roster_cover): convex, so a deep gap at the busiest hour costs more than shallow ones
    # spread over quiet hours. (1,) weighs every short person-interval the same.
    depth_weights: tuple[int, ...] = rc.DEPTH_WEIGHTS
    # share of each phase's budget given to the neighbourhood search (roster_lns) after CP-SAT's
    # whole-model search has found a roster; 0 switches it off
    lns_share: float = 0.5
    # further CP-SAT parameters by name (e.g. (("num_workers", 8),)), set last: for benches and tuning
    solver_params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Assignment:
    """One person on one post for one shift. Times are absolute hours from campaign start."""

    person: str
    department: str
    post: str
    day: int
    shift_code: str
    start_interval: int
    end_interval: int
    start_hour_abs: float
    hours: float

    @property
    def end_hour_abs(self) -> float:
        return self.start_hour_abs + self.hours


@dataclass(frozen=True)
class Gap:
    """Consecutive intervals ``[start_interval, end_interval)`` of one post that are short by
    the same number of people."""

    post: str
    start_interval: int
    end_interval: int
    shortfall: int
    shift_code: str | None = None  # a per-shift head count (ShiftCover) left short, not an interval one


@dataclass(frozen=True)
class Conflict:
    """Why a fixed assignment cannot be kept. ``reason`` is one of skill, kind, unavailable,
    window, day_hours, total_hours, rest, same_day, solver."""

    fixed: FixedAssignment | None
    reason: str
    other: FixedAssignment | None = None
    detail: str = ""


@dataclass
class RosterResult:
    """Everything a renderer or an explanation needs about one solve.

    ``objective`` is paid cost + fairness penalty in cost units (plus the weighted shortfall
    when ``RosterRules.shortfall_weight`` is set); shortfall itself is minimised first and
    reported as ``shortfall_hours`` (person-hours). ``best_bound``/``gap_pct`` refer to
    ``objective`` at the shortfall found (NaN when the cost phase found nothing better)."""

    status: Status
    assignments: list[Assignment]
    cover: dict[str, list[int]]
    gaps: list[Gap]
    objective: float
    best_bound: float
    gap_pct: float
    solve_seconds: float
    horizon_days: int
    interval_minutes: int
    cost: float = 0.0
    shortfall_hours: float = 0.0
    required_hours: float = 0.0
    unfairness: dict[str, int] = field(default_factory=dict)
    num_variables: int = 0
    num_constraints: int = 0
    solver_status: str = ""
    proven_optimal: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    # weighted penalties of the roster in cost units: wishes_unmet (wanted, not given),
    # wishes_against (not wanted, given), cover_under / cover_over (per-shift head counts)
    penalties: dict[str, float] = field(default_factory=dict)
    unmet_requests: list[Request] = field(default_factory=list)
    all_hands_off: list[tuple[str, int]] = field(default_factory=list)  # (person, day) off on an all-hands day
    # stopped by the wall-clock backstop before the deterministic budget: not reproducible
    clock_cut: bool = False

    @property
    def coverage_pct(self) -> float:
        """Share of required person-hours that are staffed."""
        if self.required_hours <= 0:
            return 100.0
        return 100.0 * (1 - self.shortfall_hours / self.required_hours)

    @property
    def people_used(self) -> int:
        return len({a.person for a in self.assignments})


def assignment_rows(result: RosterResult) -> list[dict[str, object]]:
    """Flat rows (one per assignment) in the shape the roster checker and the 排班明细 sheet
    use: absolute start/end hours from 00:00 of the first campaign day."""
    return [
        {
            "person": a.person,
            "department": a.department,
            "post": a.post,
            "day": a.day,
            "shift_code": a.shift_code,
            "start": a.start_hour_abs,
            "end": a.end_hour_abs,
            "hours": a.hours,
        }
        for a in result.assignments
    ]


def requirement_from_headcounts(
    horizon_days: int,
    per_day: Mapping[int, Mapping[str, int]],
    open_hours: Mapping[int, tuple[float, float]],
    interval_minutes: int = 60,
) -> dict[str, list[int]]:
    """Turn fixed head counts per post per day (e.g. 售前 10 / 催单 2 / 售后 2) into an interval
    requirement. ``open_hours[d] = (start, end)`` in hours of day ``d``; ``end`` may exceed
    24 to run into the next day. Days without an entry are open 00:00–24:00."""
    iph = _intervals_per_hour(interval_minutes)
    n = horizon_days * 24 * iph
    posts = sorted({p for counts in per_day.values() for p in counts})
    req = {p: [0] * n for p in posts}
    for day, counts in per_day.items():
        if not 0 <= day < horizon_days:
            raise ValueError(f"day {day} outside the campaign (0..{horizon_days - 1})")
        lo, hi = open_hours.get(day, (0.0, 24.0))
        if not 0 <= lo < hi <= 48:
            raise ValueError(f"open_hours for day {day} must satisfy 0 <= start < end <= 48")
        a = _to_interval(24 * day + lo, iph, f"open_hours[{day}] start")
        b = min(n, _to_interval(24 * day + hi, iph, f"open_hours[{day}] end"))
        for post, count in counts.items():
            if count < 0:
                raise ValueError(f"head count for {post} on day {day} is negative")
            for t in range(a, b):
                req[post][t] = max(req[post][t], int(count))
    return req


# --------------------------------------------------------------------------- internals


def _intervals_per_hour(interval_minutes: int) -> int:
    if interval_minutes <= 0 or 60 % interval_minutes:
        raise ValueError("interval_minutes must divide 60 (5, 10, 15, 20, 30 or 60)")
    return 60 // interval_minutes


def _to_interval(hour_abs: float, iph: int, what: str) -> int:
    value = hour_abs * iph
    rounded = round(value)
    if abs(value - rounded) > 1e-6:
        raise ValueError(f"{what} ({hour_abs} h) is not on the {60 // iph}-minute grid")
    return int(rounded)


@dataclass(frozen=True)
class _Instance:
    """A shift template placed on one day of the timeline."""

    idx: int
    day: int
    template: ShiftTemplate
    start_h: float
    end_h: float
    start_i: int
    end_i: int

    @property
    def hours(self) -> float:
        return self.template.hours


def shift_instances(
    shifts: Sequence[ShiftTemplate], horizon_days: int, interval_minutes: int = 60
) -> list[_Instance]:
    """Every (day, template) on the continuous timeline, sorted by start."""
    iph = _intervals_per_hour(interval_minutes)
    out: list[_Instance] = []
    for day in range(horizon_days):
        for tpl in shifts:
            start = 24 * day + tpl.start_hour
            si = _to_interval(start, iph, f"shift {tpl.code} start")
            ei = _to_interval(start + tpl.hours, iph, f"shift {tpl.code} end")
            out.append(_Instance(0, day, tpl, start, start + tpl.hours, si, ei))
    order = {id(t): k for k, t in enumerate(shifts)}  # the plan's order, not the codes: renaming changes nothing
    out.sort(key=lambda i: (i.start_h, i.end_h, order[id(i.template)]))
    return [replace(inst, idx=k) for k, inst in enumerate(out)]


ON_DUTY_SHARE = 0.75  # an all-hands day is worked on a shift the post needs for most of its hours


def needed_share(need: Sequence[int] | None, inst: _Instance) -> float:
    """The share of a shift instance's intervals in which its post (requirement ``need``) needs someone."""
    if need is None:
        return 0.0
    a, b = max(0, inst.start_i), min(len(need), inst.end_i)
    return sum(1 for t in range(a, b) if need[t] > 0) / max(1, inst.end_i - inst.start_i)


def duty(requirement: Mapping[str, Sequence[int]], shift_cover: Sequence[ShiftCover],
         instances: Sequence[_Instance]) -> Callable[[str, _Instance], bool]:
    """Whether working ``post`` on a shift instance is real duty (what an all-hands day asks
    for): a per-shift head count asks for it, or the post is needed in at least
    :data:`ON_DUTY_SHARE` of its hours — or, where no shift of that day comes so close (a need of
    two hours), in as much of them as the closest does. A 22–02 shift where the warehouse closes
    at 24:00 had ticked 'everyone on duty' for six packers at 1 a.m., and a post needed only on
    another day had put eight people on 22–02 covering nothing (helpers' attacks); the pipeline
    leaves out an all-hands day on which the department needs nobody, and says so."""
    counted = {(c.day, c.shift_code, c.post) for c in shift_cover}
    best: dict[tuple[str, int], float] = {}
    for q, need in requirement.items():
        for inst in instances:
            share = needed_share(need, inst)
            if share > best.get((q, inst.day), 0.0):
                best[(q, inst.day)] = share
    return lambda post, inst: ((inst.day, inst.template.code, post) in counted
                               or needed_share(requirement.get(post), inst)
                               >= min(ON_DUTY_SHARE, best.get((post, inst.day), math.inf)) - 1e-9 > 0)


def block_reason(person: Person, inst: _Instance) -> str | None:
    """Why ``person`` may not work shift instance ``inst`` at all (None = allowed)."""
    if person.kind not in inst.template.kinds:
        return "kind"
    first_day = math.floor(inst.start_h / 24)
    last_day = math.ceil(inst.end_h / 24 - _EPS) - 1
    if any(d in person.unavailable_days for d in range(first_day, last_day + 1)):
        return "unavailable"
    if inst.day in person.off_days:
        return "off"
    if person.available_windows is not None and not any(
        a <= inst.start_i and inst.end_i <= b for a, b in person.available_windows
    ):
        return "window"
    if inst.hours > person.max_hours_per_day + _EPS:
        return "day_hours"
    if (inst.template.code, 0) in person.max_shifts:
        return "max_shifts"
    if person.max_hours_total is not None and inst.hours > person.max_hours_total + _EPS:
        return "total_hours"
    return None


def _conflicts_in_time(a: _Instance, b: _Instance, rules: RosterRules) -> bool:
    """True when one person cannot work both instances (overlap, short rest, same day)."""
    if a.idx == b.idx:
        return False
    if rules.one_shift_per_day and a.day == b.day:
        return True
    first, second = (a, b) if a.start_h <= b.start_h else (b, a)
    return second.start_h < first.end_h + rules.min_rest_hours - _EPS


def model_size(people: Sequence[Person], instances: Sequence[_Instance], requirement: Mapping[str, object]) -> int:
    """An upper bound of the model's assignment variables, found without building it."""
    open_to = Counter(k for inst in instances for k in inst.template.kinds)
    return sum(open_to[p.kind] * sum(1 for q in dict.fromkeys(p.posts) if q in requirement) for p in people)


def _gaps_from(
    requirement: Mapping[str, Sequence[int]], cover: Mapping[str, list[int]]
) -> list[Gap]:
    gaps: list[Gap] = []
    for post in requirement:
        req, cov = requirement[post], cover[post]
        t, n = 0, len(req)
        while t < n:
            short = max(0, int(req[t]) - cov[t])
            if short == 0:
                t += 1
                continue
            end = t + 1
            while end < n and max(0, int(req[end]) - cov[end]) == short:
                end += 1
            gaps.append(Gap(post, t, end, short))
            t = end
    return gaps


def _night_codes(shifts: Sequence[ShiftTemplate], rules: RosterRules) -> frozenset[str]:
    if rules.night_codes is not None:
        return frozenset(rules.night_codes)
    return frozenset(s.code for s in shifts if s.crosses_midnight)


