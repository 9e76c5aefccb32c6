"""Named duty rosters on one continuous campaign timeline, solved with OR-Tools CP-SAT.

Time is one line of intervals from 00:00 of the first campaign day (interval 0). A shift
template instantiated on day ``d`` starts at ``24·d + start_hour`` hours and simply runs on:
a 20:00 + 8 h night shift on day 0 covers 00:00–04:00 of day 1. Nothing wraps within a day
(the bug a popular workforce library has).

Model, kept small on purpose so that 300 people × 8 days solve within seconds:

* one boolean ``x[person, shift instance, post]`` only for combinations that are allowed
  (skill, person kind, unavailable days, lending windows, hour caps) and useful (the post
  needs someone during the shift) — or that a planner fixed;
* rest and overlap: the instances of one person conflict exactly when their "extended"
  intervals ``[start, end + min_rest)`` overlap. That is an interval graph, so one
  at-most-one constraint per distinct start time (the maximal cliques) replaces all pairs;
* cover is soft: intervals whose set of covering shift instances is identical share one
  cover variable; each distinct requirement value in such a group gets one shortfall
  variable weighted by how often it occurs;
* objective by weights: shortfall ≫ paid cost ≫ unfairness (max − min of night and
  peak-day shift counts within each person kind). The default shortfall weight exceeds
  every possible cost plus unfairness, so the order is truly lexicographic.

Hours of a shift count towards the day it starts on (the duty day). A person who is
unavailable on a day works no hour of that day, so a night shift that runs into it is not
allowed either.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ortools.sat.python import cp_model

from . import roster_cover as rc
from . import roster_rules as rr
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
    "solve_roster",
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", normalize_kind(self.kind))
        shifts = self.max_shifts.items() if isinstance(self.max_shifts, Mapping) else self.max_shifts
        object.__setattr__(self, "max_shifts", tuple((str(c), int(n)) for c, n in shifts))
        object.__setattr__(self, "posts", tuple(self.posts))
        object.__setattr__(self, "unavailable_days", frozenset(self.unavailable_days))
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


def block_reason(person: Person, inst: _Instance) -> str | None:
    """Why ``person`` may not work shift instance ``inst`` at all (None = allowed)."""
    if person.kind not in inst.template.kinds:
        return "kind"
    first_day = math.floor(inst.start_h / 24)
    last_day = math.ceil(inst.end_h / 24 - _EPS) - 1
    if any(d in person.unavailable_days for d in range(first_day, last_day + 1)):
        return "unavailable"
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


def _night_codes(shifts: Sequence[ShiftTemplate], rules: RosterRules) -> frozenset[str]:
    if rules.night_codes is not None:
        return frozenset(rules.night_codes)
    return frozenset(s.code for s in shifts if s.crosses_midnight)


def _check_inputs(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    n_intervals: int,
    fixed: Sequence[FixedAssignment],
) -> None:
    if horizon_days <= 0:
        raise ValueError("horizon_days must be positive")
    names = Counter(p.name for p in people)
    dupes = sorted(n for n, c in names.items() if c > 1)
    if dupes:
        raise ValueError(f"duplicate person names: {', '.join(dupes)}")
    codes = Counter(s.code for s in shifts)
    dupes = sorted(c for c, k in codes.items() if k > 1)
    if dupes:
        raise ValueError(f"duplicate shift codes: {', '.join(dupes)}")
    for post, values in requirement.items():
        if len(values) != n_intervals:
            raise ValueError(
                f"requirement for {post} has {len(values)} intervals, expected {n_intervals}"
            )
        if any(v < 0 for v in values):
            raise ValueError(f"requirement for {post} has negative values")
    known = set(names)
    for f in fixed:
        if f.person not in known:
            raise ValueError(f"fixed assignment names unknown person {f.person!r}")
        if f.shift_code not in codes:
            raise ValueError(f"fixed assignment names unknown shift {f.shift_code!r}")
        if not 0 <= f.day < horizon_days:
            raise ValueError(f"fixed assignment day {f.day} outside 0..{horizon_days - 1}")


def _fixed_conflicts(
    people: Mapping[str, Person],
    by_key: Mapping[tuple[int, str], _Instance],
    fixed: Sequence[FixedAssignment],
    rules: RosterRules,
) -> list[Conflict]:
    """Hard-rule violations among the fixed assignments, found before solving so that the
    planner sees which typed row is at fault rather than a bare 'infeasible'."""
    out: list[Conflict] = []
    per_person: dict[str, list[FixedAssignment]] = defaultdict(list)
    for f in dict.fromkeys(fixed):  # exact duplicates are harmless
        person = people[f.person]
        inst = by_key[(f.day, f.shift_code)]
        if f.post not in person.posts:
            out.append(Conflict(f, "skill"))
        reason = block_reason(person, inst)
        if reason:
            out.append(Conflict(f, reason))
        per_person[f.person].append(f)
    for name, rows in per_person.items():
        person = people[name]
        rows.sort(key=lambda f: by_key[(f.day, f.shift_code)].start_h)
        for i, a in enumerate(rows):
            ia = by_key[(a.day, a.shift_code)]
            for b in rows[i + 1 :]:
                ib = by_key[(b.day, b.shift_code)]
                if ia.idx == ib.idx:
                    out.append(Conflict(b, "same_day" if a.post != b.post else "rest", a))
                elif _conflicts_in_time(ia, ib, rules):
                    same_day = rules.one_shift_per_day and ia.day == ib.day
                    out.append(Conflict(b, "same_day" if same_day else "rest", a))
        hours = sum(by_key[(f.day, f.shift_code)].hours for f in rows)
        if person.max_hours_total is not None and hours > person.max_hours_total + _EPS:
            out.append(Conflict(rows[-1], "total_hours"))
        per_day: dict[int, float] = defaultdict(float)
        for f in rows:
            per_day[f.day] += by_key[(f.day, f.shift_code)].hours
        for day, h in per_day.items():
            if h > person.max_hours_per_day + _EPS:
                last = [f for f in rows if f.day == day][-1]
                if Conflict(last, "day_hours") not in out:
                    out.append(Conflict(last, "day_hours"))
    return out


@dataclass
class _Built:
    model: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar]
    instances: list[_Instance]
    shortfall_const: int  # person-intervals no shift template can cover at all
    unfair_vars: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]]
    shortfall: cp_model.LinearExprT  # phase 1: person-intervals short (variable part), weighted shift cover
    cost_fair: cp_model.LinearExprT  # phase 2: cost + fairness + wishes + over-cover, in hundredths
    w_short: int
    covers: list[rr.CoverVars] = field(default_factory=list)
    penalty_const: int = 0  # wishes that cannot be met whatever the roster (hundredths)


def _build_model(
    people: Sequence[Person],
    instances: list[_Instance],
    requirement: Mapping[str, Sequence[int]],
    rules: RosterRules,
    fixed: Sequence[FixedAssignment],
    night: frozenset[str],
    n_intervals: int,
    requests: Sequence[rr.Request] = (),
    shift_cover: Sequence[rr.ShiftCover] = (),
    priority: Mapping[str, Sequence[float]] | None = None,
    all_hands: frozenset[int] = frozenset(),
) -> _Built:
    model = cp_model.CpModel()
    horizon = max((i.day for i in instances), default=-1) + 1
    iph = max(1, n_intervals // max(1, 24 * horizon))
    by_key = {(i.day, i.template.code): i for i in instances}
    # ordered (not a set): constraint order must not depend on string hashing, or two processes
    # (batch workers) could solve the same plan differently
    fixed_keys = dict.fromkeys((f.person, by_key[(f.day, f.shift_code)].idx, f.post) for f in fixed)
    forced_posts: dict[tuple[str, int], dict[str, None]] = defaultdict(dict)
    for name, k, q in fixed_keys:
        forced_posts[(name, k)][q] = None
    prefix = {q: [0, *_accumulate(v)] for q, v in requirement.items()}
    cover_keys = {(c.day, c.shift_code, c.post) for c in shift_cover}
    modelled = set(requirement) | {c.post for c in shift_cover}
    wished = {(r.person, r.day) for r in requests if r.want} | {(p.name, d) for p in people for d in all_hands}
    priority = priority or {}

    def needed(post: str, inst: _Instance) -> bool:
        if (inst.day, inst.template.code, post) in cover_keys:
            return True
        pre = prefix.get(post)
        if pre is None:
            return False
        a, b = max(0, inst.start_i), min(n_intervals, inst.end_i)
        return a < b and pre[b] - pre[a] > 0

    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    cost_terms: list[tuple[cp_model.IntVar, int]] = []
    per_person: dict[str, list[tuple[_Instance, list[cp_model.IntVar]]]] = {}
    max_cost = 0
    for person in people:
        rows: list[tuple[_Instance, list[cp_model.IntVar]]] = []
        # must reach its hours, or fill a run of days to its minimum length: any modelled post will do
        anywhere = person.min_hours_total is not None or person.min_consecutive_days > 1
        for inst in instances:
            forced = forced_posts.get((person.name, inst.idx), {})
            if block_reason(person, inst) is None:
                free = anywhere or (person.name, inst.day) in wished
                posts = [q for q in person.posts if needed(q, inst) or q in forced or (free and q in modelled)]
            else:
                posts = list(forced)
            lits = []
            for q in dict.fromkeys(posts):
                var = model.new_bool_var(f"x|{person.name}|{inst.day}|{inst.template.code}|{q}")
                x[(person.name, inst.idx, q)] = var
                lits.append(var)
                c = round(inst.hours * person.cost_per_hour * _COST_SCALE)
                cost_terms.append((var, c))
            if lits:
                rows.append((inst, lits))
        per_person[person.name] = rows
        # upper bound of this person's cost, used for the dominant shortfall weight
        best_per_day: dict[int, int] = defaultdict(int)
        for inst, _ in rows:
            c = round(inst.hours * person.cost_per_hour * _COST_SCALE)
            best_per_day[inst.day] = max(best_per_day[inst.day], c)
        max_cost += sum(best_per_day.values()) if rules.one_shift_per_day else sum(
            round(inst.hours * person.cost_per_hour * _COST_SCALE) for inst, _ in rows
        )

    for key in fixed_keys:
        model.add(x[key] == 1)

    # rest / overlap: one at-most-one per distinct start (maximal cliques of the interval
    # graph of [start, end + rest)); one shift per duty day; hour caps; day patterns.
    day_lits: dict[str, rr.DayLits] = {}
    day_wishes = {r.person for r in requests if r.shift_code is None}
    for person in people:
        rows = per_person[person.name]
        if not rows:
            continue
        starts = sorted({inst.start_h for inst, _ in rows})
        for s in starts:
            clique = [
                v
                for inst, lits in rows
                if inst.start_h <= s + _EPS and s < inst.end_h + rules.min_rest_hours - _EPS
                for v in lits
            ]
            if len(clique) > 1:
                model.add_at_most_one(clique)
        by_day: dict[int, list[tuple[_Instance, list[cp_model.IntVar]]]] = defaultdict(list)
        for inst, lits in rows:
            by_day[inst.day].append((inst, lits))
        for day_rows in by_day.values():
            if rules.one_shift_per_day:
                lits = [v for _, ls in day_rows for v in ls]
                if len(lits) > 1:
                    model.add_at_most_one(lits)
            else:
                total = sum(i.hours for i, _ in day_rows)
                if total > person.max_hours_per_day + _EPS:
                    model.add(
                        sum(round(i.hours * 60) * v for i, ls in day_rows for v in ls)
                        <= math.floor(person.max_hours_per_day * 60 + _EPS)
                    )
        _add_successions(model, by_day)
        if person.day_rules(rules) or person.name in day_wishes:
            days = rr.day_literals(model, person.name, horizon,
                                   {d: [v for _, ls in rs for v in ls] for d, rs in by_day.items()},
                                   rules.one_shift_per_day)
            day_lits[person.name] = days
            most = person.most_in_a_row(rules)
            if most is not None:
                rr.add_max_in_a_row(model, days, most)
            if person.min_consecutive_days > 1:
                rr.add_min_in_a_row(model, days, person.min_consecutive_days, off=False)
            if person.min_days_off > 1:
                rr.add_min_in_a_row(model, days, person.min_days_off, off=True)
            if person.max_weekends is not None and rules.weekends:
                rr.add_max_weekends(model, person.name, days, rules.weekends, person.max_weekends)
        for code, most in person.max_shifts:
            lits = [v for inst, ls in rows if inst.template.code == code for v in ls]
            if len(lits) > most:
                model.add(sum(lits) <= most)
        minutes = sum(round(i.hours * 60) * v for i, ls in rows for v in ls)
        if person.max_hours_total is not None:
            model.add(minutes <= math.floor(person.max_hours_total * 60 + _EPS))
        if person.min_hours_total:
            model.add(minutes >= math.ceil(person.min_hours_total * 60 - _EPS))


    # fairness: spread of night / peak-day shift counts within each person kind
    fair_w = max(0, round(rules.fairness_weight * _COST_SCALE))
    unfair_vars: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]] = {}
    fair_terms: list[tuple[cp_model.IntVar, int]] = []
    for label, pred in (
        ("night", lambda i: i.template.code in night),
        ("peak", lambda i: i.day in rules.peak_days),
    ):
        for kind in KINDS:
            counts = []
            for person in people:
                if person.kind != kind:
                    continue
                lits = [v for inst, ls in per_person[person.name] if pred(inst) for v in ls]
                if lits:
                    counts.append(lits)
            if len(counts) < 2 or fair_w == 0:
                continue
            ub = len(instances)
            hi = model.new_int_var(0, ub, f"max_{label}_{kind}")
            lo = model.new_int_var(0, ub, f"min_{label}_{kind}")
            for lits in counts:
                model.add(sum(lits) <= hi)
                model.add(sum(lits) >= lo)
            unfair_vars[f"{label}:{kind}"] = (hi, lo)
            fair_terms += [(hi, fair_w), (lo, -fair_w)]
    max_fair = fair_w * len(unfair_vars) * len(instances)

    if rules.shortfall_weight is not None:
        w_short = max(1, round(rules.shortfall_weight * _COST_SCALE))
    else:
        w_short = max_cost + max_fair + 1

    # cover: convex in the depth of each gap (see roster_cover); one variable per group of
    # intervals with identical coverers, requirement and priority
    covering: list[list[int]] = [[] for _ in range(n_intervals)]
    for inst in instances:
        for t in range(max(0, inst.start_i), min(n_intervals, inst.end_i)):
            covering[t].append(inst.idx)
    vars_by_post_inst: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_, k, q), var in x.items():
        vars_by_post_inst[(q, k)].append(var)
    lexicographic = rules.shortfall_weight is None
    depth = tuple(rules.depth_weights) if lexicographic else (1,)
    short_terms, shortfall_const = rc.add_interval_cover(
        model, requirement, priority if lexicographic else {}, covering, vars_by_post_inst, depth,
        rc.PRIORITY_SCALE if lexicographic else 1)
    short_terms += _all_hands_terms(model, per_person, all_hands, iph, depth) if lexicographic else []

    # per-shift cover and wishes
    lits_of = {(c.day, c.shift_code, c.post): vars_by_post_inst.get((c.post, by_key[(c.day, c.shift_code)].idx), [])
               for c in shift_cover if (c.day, c.shift_code) in by_key}
    covers = rr.shift_cover_vars(model, shift_cover, lits_of)
    shift_lits: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(list)
    for (name, k, _), var in x.items():
        shift_lits[(name, instances[k].day, instances[k].template.code)].append(var)
    wish_terms, penalty_const = rr.request_terms(model, requests, shift_lits, day_lits)

    if lexicographic:
        # a person missing from a shift counts as its person-intervals × weight, layered by depth
        under = sum(w * max(1, round(cv.row.under_weight * _length(by_key, cv.row, iph) * rc.PRIORITY_SCALE)) * s
                    for k, cv in enumerate(covers) if not isinstance(cv.under, int)
                    for s, w in rc.add_layered(model, cv.under, cv.row.need, depth, f"under|{k}"))
        shortfall = sum(m * s for s, m in short_terms) + under
        under_cost = 0
    else:  # weighted: the rows' own weights, next to cost, in hundredths
        shortfall = sum(m * s for s, m in short_terms)
        under_cost = sum(rr.weight(cv.row.under_weight) * cv.under for cv in covers if not isinstance(cv.under, int))
        penalty_const += sum(rr.weight(cv.row.under_weight) * cv.under for cv in covers if isinstance(cv.under, int))
    over_terms = [(cv.over, rr.weight(cv.row.over_weight)) for cv in covers if not isinstance(cv.over, int)]
    cost_fair = (sum(c * v for v, c in cost_terms) + sum(w * v for v, w in fair_terms)
                 + sum(w * e for e, w in wish_terms) + sum(w * o for o, w in over_terms) + under_cost)
    return _Built(
        model, x, instances, shortfall_const, unfair_vars, shortfall, cost_fair, w_short, covers, penalty_const
    )


ALL_HANDS_HOURS = 8  # a person off on an all-hands day weighs a whole shift of the deepest gap


def _all_hands_terms(model: cp_model.CpModel, per_person: Mapping[str, list[tuple[_Instance, list]]],
                     days: frozenset[int], iph: int, depth: Sequence[int]) -> list[tuple[cp_model.IntVar, int]]:
    """全员在岗: everyone who can work an all-hands day works it, or pays a whole shift of the
    deepest gap (soft, so a person's own rules or leave are explained, never a failed roster)."""
    weight = ALL_HANDS_HOURS * iph * max(depth) * rc.PRIORITY_SCALE
    terms = []
    for name, rows in per_person.items():
        for d in sorted(days):
            lits = [v for inst, ls in rows if inst.day == d for v in ls]
            if not lits:
                continue  # cannot work that day at all: the explanation says why
            off = model.new_bool_var(f"allhands|{name}|{d}")
            model.add(sum(lits) + off >= 1)
            terms.append((off, weight))
    return terms


def _length(by_key: Mapping[tuple[int, str], _Instance], row: rr.ShiftCover, iph: int) -> int:
    inst = by_key.get((row.day, row.shift_code))
    return (inst.end_i - inst.start_i) if inst is not None else 24 * iph


def _add_successions(model: cp_model.CpModel, by_day: Mapping[int, Sequence[tuple[_Instance, list]]]) -> None:
    """A shift whose template names the next day's shift as not following it: not both."""
    for day, rows in by_day.items():
        tomorrow = by_day.get(day + 1, ())
        for inst, lits in rows:
            banned = inst.template.not_followed_by
            if not banned:
                continue
            after = [v for nxt, ls in tomorrow if nxt.template.code in banned for v in ls]
            if after:
                model.add_at_most_one([*lits, *after])


def _accumulate(values: Iterable[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += int(v)
        out.append(total)
    return out


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


def solve_roster(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    rules: RosterRules = RosterRules(),
    fixed: Sequence[FixedAssignment] = (),
    interval_minutes: int = 60,
    *,
    hint: Sequence[Assignment] = (),
    requests: Sequence[Request] = (),
    shift_cover: Sequence[ShiftCover] = (),
    priority: Mapping[str, Sequence[float]] | None = None,
    all_hands: Iterable[int] = (),
) -> RosterResult:
    """Assign named people to (day, shift, post) so that every post is covered in every
    interval (and every per-shift head count is met) at least cost, fairly, with as many wishes
    granted as their weights are worth. Cover is soft: an understaffed department still gets its
    best partial roster, with the shortfall listed in ``gaps``. ``hint`` warm-starts the search
    (e.g. with a previous result); without one, a greedy roster does. ``priority`` multiplies the
    cost of a gap per post and interval (must-cover windows); on ``all_hands`` days everyone who
    can work does (soft, explained when not)."""
    t0 = time.perf_counter()
    iph = _intervals_per_hour(interval_minutes)
    n_intervals = horizon_days * 24 * iph
    people = list(people)
    fixed = list(fixed)
    _check_inputs(people, shifts, requirement, horizon_days, n_intervals, fixed)
    _check_extras(people, shifts, horizon_days, requests, shift_cover)
    instances = shift_instances(shifts, horizon_days, interval_minutes)
    by_key = {(i.day, i.template.code): i for i in instances}
    people_by_name = {p.name: p for p in people}
    requirement = {q: [int(v) for v in vals] for q, vals in requirement.items()}
    shift_cover = [c for c in shift_cover if c.need > 0 or c.over_weight > 0]
    per_shift_hours = sum(c.need * by_key[(c.day, c.shift_code)].hours for c in shift_cover)
    required_hours = sum(sum(v) for v in requirement.values()) / iph + per_shift_hours

    def empty(status: Status, conflicts: list[Conflict], solver_status: str) -> RosterResult:
        cover = {q: [0] * n_intervals for q in requirement}
        return RosterResult(
            status=status,
            assignments=[],
            cover=cover,
            gaps=_gaps_from(requirement, cover) + _shift_gaps(shift_cover, [], by_key)[0],
            objective=math.nan,
            best_bound=math.nan,
            gap_pct=math.nan,
            solve_seconds=time.perf_counter() - t0,
            horizon_days=horizon_days,
            interval_minutes=interval_minutes,
            shortfall_hours=required_hours,
            required_hours=required_hours,
            solver_status=solver_status,
            conflicts=conflicts,
        )

    conflicts = _fixed_conflicts(people_by_name, by_key, fixed, rules) + _hour_conflicts(people, instances)
    if conflicts:
        return empty("infeasible", conflicts, "NOT_SOLVED")
    size = model_size(people, instances, requirement)
    if size > rules.max_variables:
        return empty("infeasible", [Conflict(None, "too_big", detail=f"{size:,}/{rules.max_variables:,}")],
                     "NOT_SOLVED")

    night = _night_codes(shifts, rules)
    all_hands = frozenset(d for d in all_hands if 0 <= d < horizon_days)
    priority = {q: list(v) for q, v in (priority or {}).items() if q in requirement}
    for q, v in priority.items():
        if len(v) != n_intervals or any(not math.isfinite(w) or w <= 0 for w in v):
            raise ValueError(f"priority for {q} must hold {n_intervals} positive numbers")
    built = _build_model(people, instances, requirement, rules, fixed, night, n_intervals, requests, shift_cover,
                         priority, all_hands)
    hinted = {
        (a.person, by_key[(a.day, a.shift_code)].idx, a.post)
        for a in hint
        if (a.day, a.shift_code) in by_key
    } or _greedy_hint(built, people, requirement, shift_cover, rules, fixed, by_key, requests)
    # the time limit covers the whole call: model building, both phases and extraction
    deadline = t0 + max(0.2, float(rules.time_limit_s) - 0.15)
    model = built.model
    if hinted:  # an all-zero hint misleads the search, so hint only when there is one
        for key, var in built.x.items():
            model.add_hint(var, key in hinted)

    det = rules.deterministic_time
    phase_share = {"first": 0.6 if rules.cost_phase else 1.0, "second": 0.4}

    def run(limit: float, phase: str = "second", scale: float = 1.0) -> tuple[cp_model.CpSolver, int]:
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.random_seed = int(rules.random_seed)
        # clauses (a cover of one person is a clause after presolve) in the LP too: without them
        # the bound stays far below the cost of any roster and the search runs to its budget
        params.linearization_level = 2
        if rules.relative_gap > 0:
            params.relative_gap_limit = rules.relative_gap
        if det is not None:
            params.num_workers = 1
            params.max_deterministic_time = max(0.1, det * phase_share[phase]) * scale
            # the wall-clock cap is a backstop: the deterministic budget normally ends the search
            # (reproducibly); only a much slower machine is cut short by it
            params.max_time_in_seconds = max(0.5, deadline - time.perf_counter())
        else:
            params.max_time_in_seconds = max(0.1, limit)
            params.num_workers = max(1, min(int(rules.num_workers), 8))
        for name, value in rules.solver_params:
            setattr(params, name, value)
        return solver, solver.solve(model)

    good = (cp_model.OPTIMAL, cp_model.FEASIBLE)
    short_proven = True
    if rules.shortfall_weight is None:
        # lexicographic: 1) least shortfall, 2) least cost + unfairness at that shortfall.
        # Two phases prove far better bounds than one objective with a huge weight.
        model.minimize(built.shortfall)
        solver, code = run(0.6 * (deadline - time.perf_counter()), "first")
        for scale in (4.0, 16.0):  # a budget too small to finish presolve: grow it (still reproducible)
            if code in good or code == cp_model.INFEASIBLE or time.perf_counter() > deadline:
                break
            solver, code = run(0.6 * (deadline - time.perf_counter()), "first", scale)
        if code not in good:
            reason = "solver" if code == cp_model.INFEASIBLE else "budget"
            return empty("infeasible", [Conflict(None, reason)], solver.status_name(code))
        best_short = round(solver.objective_value)
        short_proven = code == cp_model.OPTIMAL and solver.best_objective_bound >= best_short - _EPS
        code2 = cp_model.UNKNOWN
        if rules.cost_phase:
            # hint every variable (not only x): CP-SAT then starts phase 2 from a complete,
            # feasible solution instead of having to repair one
            values = list(solver.response_proto.solution)
            model.clear_hints()
            for i, value in enumerate(values):
                model.add_hint(model.get_int_var_from_proto_index(i), value)
            model.add(built.shortfall <= best_short)
            model.minimize(built.cost_fair)
            solver2, code2 = run(deadline - time.perf_counter())
        if code2 in good:
            solver, code = solver2, code2
            bound = (solver.best_objective_bound + built.penalty_const) / _COST_SCALE
        else:  # keep phase 1's roster; it is valid, only not cost-optimised
            code, bound = cp_model.FEASIBLE, math.nan
    else:
        model.minimize(built.w_short * built.shortfall + built.cost_fair)
        solver, code = run(deadline - time.perf_counter())
        bound = (solver.best_objective_bound + built.penalty_const) / _COST_SCALE
    status_name = solver.status_name(code)
    if code not in good:
        return empty("infeasible", [Conflict(None, "solver")], status_name)
    result = _result(solver, code, bound, built, people_by_name, requirement, shift_cover, requests, rules,
                     short_proven, by_key, required_hours, t0, horizon_days, interval_minutes, status_name)
    worked = {(a.person, a.day) for a in result.assignments}
    result.all_hands_off = [(p.name, d) for d in sorted(all_hands) for p in people if (p.name, d) not in worked]
    return result


def _result(
    solver: cp_model.CpSolver, code: int, bound: float, built: _Built, people_by_name: Mapping[str, Person],
    requirement: Mapping[str, list[int]], shift_cover: Sequence[ShiftCover], requests: Sequence[Request],
    rules: RosterRules, short_proven: bool, by_key: Mapping[tuple[int, str], _Instance], required_hours: float,
    t0: float, horizon_days: int, interval_minutes: int, status_name: str,
) -> RosterResult:
    """The roster read back from the solver, with every figure recomputed from the assignments
    (not from the model), so the headline numbers mean what they say."""
    iph = _intervals_per_hour(interval_minutes)
    n_intervals = horizon_days * 24 * iph
    instances = built.instances
    assignments: list[Assignment] = []
    for (name, k, post), var in built.x.items():
        if solver.boolean_value(var):
            inst = instances[k]
            assignments.append(
                Assignment(
                    person=name,
                    department=people_by_name[name].department,
                    post=post,
                    day=inst.day,
                    shift_code=inst.template.code,
                    start_interval=inst.start_i,
                    end_interval=inst.end_i,
                    start_hour_abs=inst.start_h,
                    hours=inst.hours,
                )
            )
    assignments.sort(key=lambda a: (a.start_hour_abs, a.post, a.person))
    cover = {q: [0] * n_intervals for q in requirement}
    for a in assignments:
        if a.post in cover:
            row = cover[a.post]
            for t in range(max(0, a.start_interval), min(n_intervals, a.end_interval)):
                row[t] += 1
    shift_gaps, shift_short_hours = _shift_gaps(shift_cover, assignments, by_key)
    gaps = _gaps_from(requirement, cover) + shift_gaps
    short_iv = {q: sum(max(0, r - c) for r, c in zip(requirement[q], cover[q], strict=True))
                for q in requirement}
    short_hours = sum(short_iv.values()) / iph + shift_short_hours
    unfair = {
        key: int(solver.value(hi) - solver.value(lo))
        for key, (hi, lo) in built.unfair_vars.items()
    }
    penalties, unmet = _penalties(assignments, shift_cover, requests)
    cost = sum(a.hours * people_by_name[a.person].cost_per_hour for a in assignments)
    objective = cost + rules.fairness_weight * sum(unfair.values()) + penalties["wishes_unmet"] + penalties[
        "wishes_against"] + penalties["cover_over"]
    if rules.shortfall_weight is not None:
        objective += rules.shortfall_weight * (sum(short_iv.values()) - built.shortfall_const)
        objective += penalties["cover_under"]
    proven = short_proven and code == cp_model.OPTIMAL and not math.isnan(bound) and bound >= objective - 1e-6
    if math.isnan(bound) or objective <= _EPS:
        gap_pct = math.nan if math.isnan(bound) else 0.0
    else:
        gap_pct = max(0.0, 100.0 * (objective - bound) / objective)
    status: Status = "partial" if gaps else ("optimal" if proven else "feasible")
    proto = built.model.proto
    return RosterResult(
        status=status,
        assignments=assignments,
        cover=cover,
        gaps=gaps,
        objective=objective,
        best_bound=bound,
        gap_pct=0.0 if proven else gap_pct,
        solve_seconds=time.perf_counter() - t0,
        horizon_days=horizon_days,
        interval_minutes=interval_minutes,
        cost=cost,
        shortfall_hours=short_hours,
        required_hours=required_hours,
        unfairness=unfair,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        solver_status=status_name,
        proven_optimal=proven,
        penalties=penalties,
        unmet_requests=unmet,
    )


def _shift_gaps(rows: Sequence[ShiftCover], assignments: Sequence[Assignment],
                by_key: Mapping[tuple[int, str], _Instance]) -> tuple[list[Gap], float]:
    """A gap per per-shift head count left short, over that shift's hours; and the person-hours short."""
    on = Counter((a.day, a.shift_code, a.post) for a in assignments)
    out, hours = [], 0.0
    for c in rows:
        short = c.need - on[(c.day, c.shift_code, c.post)]
        if short > 0:
            inst = by_key[(c.day, c.shift_code)]
            out.append(Gap(c.post, inst.start_i, inst.end_i, short, c.shift_code))
            hours += short * inst.hours
    return out, hours


def _penalties(assignments: Sequence[Assignment], shift_cover: Sequence[ShiftCover],
               requests: Sequence[Request]) -> tuple[dict[str, float], list[Request]]:
    """What the roster costs in wishes and per-shift cover, counted from the assignments."""
    worked = {(a.person, a.day) for a in assignments}
    shifts = {(a.person, a.day, a.shift_code) for a in assignments}
    on = Counter((a.day, a.shift_code, a.post) for a in assignments)
    unmet = [r for r in requests if r.want != (
        (r.person, r.day) in worked if r.shift_code is None else (r.person, r.day, r.shift_code) in shifts)]
    under = sum(max(0, c.need - on[(c.day, c.shift_code, c.post)]) * c.under_weight for c in shift_cover)
    over = sum(max(0, on[(c.day, c.shift_code, c.post)] - c.need) * c.over_weight for c in shift_cover)
    return {
        "wishes_unmet": sum(r.weight for r in unmet if r.want),
        "wishes_against": sum(r.weight for r in unmet if not r.want),
        "cover_under": under,
        "cover_over": over,
    }, unmet


def _check_extras(people: Sequence[Person], shifts: Sequence[ShiftTemplate], horizon_days: int,
                  requests: Sequence[Request], shift_cover: Sequence[ShiftCover]) -> None:
    names = {p.name for p in people}
    codes = {s.code for s in shifts}
    for r in requests:
        if r.person not in names:
            raise ValueError(f"request names unknown person {r.person!r}")
        if r.shift_code is not None and r.shift_code not in codes:
            raise ValueError(f"request names unknown shift {r.shift_code!r}")
        if not 0 <= r.day < horizon_days:
            raise ValueError(f"request day {r.day} outside 0..{horizon_days - 1}")
    seen = set()
    for c in shift_cover:
        if c.shift_code not in codes:
            raise ValueError(f"shift cover names unknown shift {c.shift_code!r}")
        if not 0 <= c.day < horizon_days:
            raise ValueError(f"shift cover day {c.day} outside 0..{horizon_days - 1}")
        key = (c.day, c.shift_code, c.post)
        if key in seen:
            raise ValueError(f"shift cover for {c.shift_code} on day {c.day} at {c.post} given twice")
        seen.add(key)
    for s in shifts:
        unknown = sorted(s.not_followed_by - codes)
        if unknown:
            raise ValueError(f"shift {s.code}: not_followed_by names unknown shifts {', '.join(unknown)}")


def _hour_conflicts(people: Sequence[Person], instances: Sequence[_Instance]) -> list[Conflict]:
    """A minimum of hours no roster can reach (every allowed shift, the longest each day)."""
    out = []
    for p in people:
        if not p.min_hours_total:
            continue
        best: dict[int, float] = defaultdict(float)
        for inst in instances:
            if block_reason(p, inst) is None:
                best[inst.day] = max(best[inst.day], inst.hours)
        if sum(best.values()) + _EPS < p.min_hours_total:
            out.append(Conflict(None, "min_hours", detail=f"{p.name}: {sum(best.values()):g}/{p.min_hours_total:g}"))
    return out


def _greedy_hint(built: _Built, people: Sequence[Person], requirement: Mapping[str, Sequence[int]],
                 shift_cover: Sequence[ShiftCover], rules: RosterRules, fixed: Sequence[FixedAssignment],
                 by_key: Mapping[tuple[int, str], _Instance],
                 requests: Sequence[Request] = ()) -> set[tuple[str, int, str]]:
    """A greedy roster (see :mod:`sheetplan.calc.roster_greedy`) as the search's starting point."""
    from .roster_greedy import Candidate, Limits, greedy_roster

    limits = Limits(
        min_rest_hours=rules.min_rest_hours,
        one_shift_per_day=rules.one_shift_per_day,
        most_in_a_row={p.name: p.most_in_a_row(rules) for p in people},
        max_hours_per_day={p.name: p.max_hours_per_day for p in people},
        max_hours_total={p.name: p.max_hours_total for p in people},
        max_shifts={p.name: dict(p.max_shifts) for p in people},
        max_weekends={p.name: p.max_weekends for p in people},
        weekends=rules.weekends,
    )
    cands = [Candidate(name, k, q) for name, k, q in built.x]
    forced = [Candidate(f.person, by_key[(f.day, f.shift_code)].idx, f.post) for f in fixed]
    per_shift = {(c.day, c.shift_code, c.post): c.need for c in shift_cover}
    costs = {p.name: p.cost_per_hour for p in people}
    wishes: dict[tuple[str, int, str | None], float] = defaultdict(float)
    for r in requests:
        wishes[(r.person, r.day, r.shift_code)] += -r.weight if r.want else r.weight
    chosen = greedy_roster(cands, built.instances, requirement, per_shift, costs, limits, forced, wishes)
    return {(c.person, c.inst, c.post) for c in chosen}
