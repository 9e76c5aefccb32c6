"""The roster's CP-SAT model, one function per family of rules, read the way the OR-Tools
scheduling examples read: variables, then each constraint family, then the objective.

Every function adds to the model in a fixed order (people in the plan's order, shifts by start),
so the same plan always gives the same model — and so the same roster — whatever its names.
Each family matches a sentence of the roster rules in docs/planner.md (the domain rules):

* :func:`add_assignments` — who may work which shift on which post (skills, kinds, leave,
  lending windows, hour caps), and the planner's fixed shifts;
* :func:`add_rest` — no overlap and at least the minimum rest between two shifts;
* :func:`add_day_hours` — one shift a duty day, or the hours of a day capped;
* :func:`add_day_patterns` — days in a row (at most / at least), days off in a row, weekends;
* :func:`add_person_caps` — shifts of each kind, hours over the campaign (at most / at least);
* :func:`add_fairness` — spread of night and peak-day shifts within each kind of person;
* cover (:mod:`sheetplan.calc.roster_cover`), all-hands days, per-shift head counts and wishes;
* :func:`objective_terms` — shortfall first, then cost, fairness, wishes and over-cover.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import roster_cover as rc
from . import roster_rules as rr
from .roster_model import (
    _COST_SCALE,
    _EPS,
    KINDS,
    FixedAssignment,
    Person,
    RosterRules,
    _Instance,
    block_reason,
    duty,
)
from .roster_premium import Premium, add_premium

Rows = list[tuple[_Instance, list[cp_model.IntVar]]]  # one person's allowed shift instances and their literals


@dataclass(frozen=True)
class Inputs:
    """What the model is built from (already checked by :mod:`sheetplan.calc.roster_checks`)."""

    people: Sequence[Person]
    instances: list[_Instance]
    requirement: Mapping[str, Sequence[int]]
    rules: RosterRules
    fixed: Sequence[FixedAssignment]
    night: frozenset[str]
    n_intervals: int
    requests: Sequence[rr.Request] = ()
    shift_cover: Sequence[rr.ShiftCover] = ()
    priority: Mapping[str, Sequence[float]] = field(default_factory=dict)
    all_hands: frozenset[int] = frozenset()
    premium: Premium | None = None  # the plan's pay rules: overtime priced in the cost phase
    # up to this many assignment literals, the rules on runs of days are one automaton per person
    # (see roster_rules.add_runs_automaton); above it, clauses (the neighbourhood rounds' models)
    automaton_up_to: int = 0

    @property
    def horizon(self) -> int:
        return max((i.day for i in self.instances), default=-1) + 1

    @property
    def iph(self) -> int:
        return max(1, self.n_intervals // max(1, 24 * self.horizon))

    @property
    def by_key(self) -> dict[tuple[int, str], _Instance]:
        return {(i.day, i.template.code): i for i in self.instances}

    @property
    def lexicographic(self) -> bool:
        return self.rules.shortfall_weight is None


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar]
    instances: list[_Instance]
    shortfall_const: int  # weighted shortfall no shift template can cover at all
    unfair_vars: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]]
    shortfall: cp_model.LinearExprT  # phase 1: weighted shortfall (variable part), weighted shift cover
    cost_fair: cp_model.LinearExprT  # phase 2: cost + fairness + wishes + over-cover, in hundredths
    w_short: int
    covers: list[rr.CoverVars] = field(default_factory=list)
    penalty_const: int = 0  # wishes that cannot be met whatever the roster (hundredths)
    # a reproducible search stopped by the wall-clock backstop before its deterministic budget
    # (a machine far busier than usual): the roster may differ from run to run, and says so
    clock_cut: bool = False


@dataclass
class Assignments:
    x: dict[tuple[str, int, str], cp_model.IntVar]
    per_person: dict[str, Rows]
    cost_terms: list[tuple[cp_model.IntVar, int]]
    max_cost: int  # an upper bound of the paid cost, for the dominant shortfall weight


def build_model(inp: Inputs) -> Built:
    """The whole model: variables, each family of rules, then the two objectives."""
    model = cp_model.CpModel()
    a = add_assignments(model, inp)
    day_lits: dict[str, rr.DayLits] = {}
    day_wishes = {r.person for r in inp.requests if r.shift_code is None}
    for person in inp.people:
        rows = a.per_person[person.name]
        if not rows:
            continue
        by_day = _by_day(rows)
        if inp.premium is not None:
            terms, most = add_premium(model, person, by_day, inp.horizon, inp.premium, inp.rules.one_shift_per_day)
            a.cost_terms.extend((v, c) for v, c in terms if c)
            a.max_cost += most
        add_rest(model, rows, inp.rules)
        add_day_hours(model, person, by_day, inp.rules)
        add_successions(model, by_day)
        if person.day_rules(inp.rules) or person.name in day_wishes:
            day_lits[person.name] = add_day_patterns(model, person, by_day, inp, len(a.x) <= inp.automaton_up_to)
        add_person_caps(model, person, rows)
    unfair_vars, fair_terms = add_fairness(model, inp, a.per_person)
    max_fair = max(0, round(inp.rules.fairness_weight * _COST_SCALE)) * len(unfair_vars) * len(inp.instances)
    w_short = (max(1, round(inp.rules.shortfall_weight * _COST_SCALE)) if inp.rules.shortfall_weight is not None
               else a.max_cost + max_fair + 1)
    vars_by_post_inst: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_, k, q), var in a.x.items():
        vars_by_post_inst[(q, k)].append(var)
    depth = tuple(inp.rules.depth_weights) if inp.lexicographic else (1,)
    short_terms, shortfall_const = rc.add_interval_cover(
        model, inp.requirement, inp.priority if inp.lexicographic else {}, _covering(inp), vars_by_post_inst, depth,
        rc.PRIORITY_SCALE if inp.lexicographic else 1)
    hands = add_all_hands(model, inp, a.x) if inp.lexicographic and inp.all_hands else []
    by_key = inp.by_key
    lits_of = {(c.day, c.shift_code, c.post): vars_by_post_inst.get((c.post, by_key[(c.day, c.shift_code)].idx), [])
               for c in inp.shift_cover if (c.day, c.shift_code) in by_key}
    covers = rr.shift_cover_vars(model, inp.shift_cover, lits_of)
    wish_terms, penalty_const = add_wishes(model, inp, a.x, day_lits)
    shortfall, cost_fair, penalty_const = objective_terms(model, inp, a, short_terms, covers, fair_terms, wish_terms,
                                                          depth, penalty_const)
    if hands:  # second to the shortfall: any gap outweighs every all-hands miss together
        shortfall = (len(hands) + 1) * shortfall + sum(hands)
    return Built(model, a.x, inp.instances, shortfall_const, unfair_vars, shortfall, cost_fair, w_short, covers,
                 penalty_const)


def add_assignments(model: cp_model.CpModel, inp: Inputs) -> Assignments:
    """One boolean per (person, shift instance, post) that is allowed and useful — the post
    needs someone during the shift, or the person must be placed anywhere (a minimum of hours,
    a minimum run of days, a wish, an all-hands day) — or that the planner fixed."""
    by_key = inp.by_key
    # ordered (not a set): constraint order must not depend on string hashing, or two processes
    # (batch workers) could solve the same plan differently
    fixed_keys = dict.fromkeys((f.person, by_key[(f.day, f.shift_code)].idx, f.post) for f in inp.fixed)
    forced_posts: dict[tuple[str, int], dict[str, None]] = defaultdict(dict)
    for name, k, q in fixed_keys:
        forced_posts[(name, k)][q] = None
    needed = _needed(inp)
    modelled = set(inp.requirement) | {c.post for c in inp.shift_cover}
    wished = {(r.person, r.day) for r in inp.requests if r.want} | {
        (p.name, d) for p in inp.people for d in inp.all_hands}
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    cost_terms: list[tuple[cp_model.IntVar, int]] = []
    per_person: dict[str, Rows] = {}
    max_cost = 0
    for person in inp.people:
        rows: Rows = []
        anywhere = person.min_hours_total is not None or person.min_consecutive_days > 1
        for inst in inp.instances:
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
                cost_terms.append((var, _cents(inst, person)))
            if lits:
                rows.append((inst, lits))
        per_person[person.name] = rows
        best_per_day: dict[int, int] = defaultdict(int)
        for inst, _ in rows:
            best_per_day[inst.day] = max(best_per_day[inst.day], _cents(inst, person))
        max_cost += (sum(best_per_day.values()) if inp.rules.one_shift_per_day
                     else sum(_cents(inst, person) for inst, _ in rows))
    for key in fixed_keys:
        model.add(x[key] == 1)
    return Assignments(x, per_person, cost_terms, max_cost)


def add_rest(model: cp_model.CpModel, rows: Rows, rules: RosterRules) -> None:
    """No overlap and the minimum rest: two shifts of a person conflict exactly when their
    ``[start, end + rest)`` overlap — an interval graph, so one at-most-one per distinct start
    (its maximal cliques) replaces all pairs."""
    for s in sorted({inst.start_h for inst, _ in rows}):
        clique = [v for inst, lits in rows
                  if inst.start_h <= s + _EPS and s < inst.end_h + rules.min_rest_hours - _EPS for v in lits]
        if len(clique) > 1:
            model.add_at_most_one(clique)


def add_day_hours(model: cp_model.CpModel, person: Person, by_day: Mapping[int, Rows], rules: RosterRules) -> None:
    """One shift a duty day; or, when several are allowed, the day's hours capped."""
    for day_rows in by_day.values():
        if rules.one_shift_per_day:
            lits = [v for _, ls in day_rows for v in ls]
            if len(lits) > 1:
                model.add_at_most_one(lits)
        elif sum(i.hours for i, _ in day_rows) > person.max_hours_per_day + _EPS:
            model.add(sum(round(i.hours * 60) * v for i, ls in day_rows for v in ls)
                      <= math.floor(person.max_hours_per_day * 60 + _EPS))


def add_successions(model: cp_model.CpModel, by_day: Mapping[int, Rows]) -> None:
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


def add_day_patterns(model: cp_model.CpModel, person: Person, by_day: Mapping[int, Rows], inp: Inputs,
                     automaton: bool = False) -> rr.DayLits:
    """A "works that day" literal per day, and the rules on runs of them (see roster_rules):
    one automaton, or clauses."""
    rules = inp.rules
    days = rr.day_literals(model, person.name, inp.horizon, {d: [v for _, ls in rs for v in ls]
                                                            for d, rs in by_day.items()}, rules.one_shift_per_day)
    most = person.most_in_a_row(rules)
    runs = rr.add_runs_automaton if automaton else rr.add_runs_clauses
    runs(model, days, most, person.min_consecutive_days, person.min_days_off)
    if person.max_weekends is not None and rules.weekends:
        rr.add_max_weekends(model, person.name, days, rules.weekends, person.max_weekends)
    return days


def add_person_caps(model: cp_model.CpModel, person: Person, rows: Rows) -> None:
    """At most so many of a shift; hours over the campaign at most / at least."""
    for code, most in person.max_shifts:
        lits = [v for inst, ls in rows if inst.template.code == code for v in ls]
        if len(lits) > most:
            model.add(sum(lits) <= most)
    minutes = sum(round(i.hours * 60) * v for i, ls in rows for v in ls)
    if person.max_hours_total is not None:
        model.add(minutes <= math.floor(person.max_hours_total * 60 + _EPS))
    if person.min_hours_total:
        model.add(minutes >= math.ceil(person.min_hours_total * 60 - _EPS))


def add_fairness(model: cp_model.CpModel, inp: Inputs, per_person: Mapping[str, Rows]
                 ) -> tuple[dict[str, tuple[cp_model.IntVar, cp_model.IntVar]], list[tuple[cp_model.IntVar, int]]]:
    """Spread (max − min) of night and peak-day shift counts within each kind of person."""
    rules = inp.rules
    fair_w = max(0, round(rules.fairness_weight * _COST_SCALE))
    unfair_vars: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]] = {}
    terms: list[tuple[cp_model.IntVar, int]] = []
    kinds_of_shift = (("night", lambda i: i.template.code in inp.night), ("peak", lambda i: i.day in rules.peak_days))
    for label, pred in kinds_of_shift:
        for kind in KINDS:
            counts = [lits for p in inp.people if p.kind == kind
                      if (lits := [v for inst, ls in per_person[p.name] if pred(inst) for v in ls])]
            if len(counts) < 2 or fair_w == 0:
                continue
            ub = len(inp.instances)
            hi = model.new_int_var(0, ub, f"max_{label}_{kind}")
            lo = model.new_int_var(0, ub, f"min_{label}_{kind}")
            for lits in counts:
                model.add(sum(lits) <= hi)
                model.add(sum(lits) >= lo)
            unfair_vars[f"{label}:{kind}"] = (hi, lo)
            terms += [(hi, fair_w), (lo, -fair_w)]
    return unfair_vars, terms


def add_all_hands(model: cp_model.CpModel, inp: Inputs, x: Mapping[tuple[str, int, str], cp_model.IntVar]
                  ) -> list[cp_model.IntVar]:
    """全员在岗: everyone who can work an all-hands day works it — on a shift that is real duty
    for the post (:func:`roster_model.duty`) — unless that would leave a gap: one literal per
    person and day, true when they are off, which phase 1 minimises second to the shortfall
    (soft, so a person's own rules or leave are explained, never a failed roster). It weighed a
    whole shift of the deepest gap before, and a helper's attack showed it opening a critical
    sale-day gap to seat everyone on a day that needed two hours."""
    is_duty = duty(inp.requirement, inp.shift_cover, inp.instances)
    on: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (name, k, q), var in x.items():
        inst = inp.instances[k]
        if inst.day in inp.all_hands and is_duty(q, inst):
            on[(name, inst.day)].append(var)
    terms = []
    for person in inp.people:
        for d in sorted(inp.all_hands):
            lits = on.get((person.name, d))
            if not lits:
                continue  # no duty shift they can work that day: the explanation says why
            off = model.new_bool_var(f"allhands|{person.name}|{d}")
            model.add(sum(lits) + off >= 1)
            terms.append(off)
    return terms


def add_wishes(model: cp_model.CpModel, inp: Inputs, x: Mapping[tuple[str, int, str], cp_model.IntVar],
               day_lits: Mapping[str, rr.DayLits]) -> tuple[list[tuple[cp_model.LinearExprT, int]], int]:
    """员工意愿: (expression, weight) terms of unmet wishes and the part no roster can meet."""
    shift_lits: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(list)
    for (name, k, _), var in x.items():
        shift_lits[(name, inp.instances[k].day, inp.instances[k].template.code)].append(var)
    return rr.request_terms(model, inp.requests, shift_lits, day_lits)


def objective_terms(model: cp_model.CpModel, inp: Inputs, a: Assignments, short_terms: list, covers: list,
                    fair_terms: list, wish_terms: list, depth: Sequence[int], penalty_const: int,
                    ) -> tuple[cp_model.LinearExprT, cp_model.LinearExprT, int]:
    """Phase 1 (weighted shortfall, per-shift head counts layered by depth too) and phase 2
    (cost, fairness, wishes, over-cover); in the weighted mode the head counts' own weights go
    to phase 2 next to cost."""
    if inp.lexicographic:
        by_key, iph = inp.by_key, inp.iph
        under = sum(w * max(1, round(cv.row.under_weight * _length(by_key, cv.row, iph) * rc.PRIORITY_SCALE)) * s
                    for k, cv in enumerate(covers) if not isinstance(cv.under, int)
                    for s, w in rc.add_layered(model, cv.under, cv.row.need, depth, f"under|{k}"))
        shortfall = sum(m * s for s, m in short_terms) + under
        under_cost = 0
    else:
        shortfall = sum(m * s for s, m in short_terms)
        under_cost = sum(rr.weight(cv.row.under_weight) * cv.under for cv in covers if not isinstance(cv.under, int))
        penalty_const += sum(rr.weight(cv.row.under_weight) * cv.under for cv in covers if isinstance(cv.under, int))
    over_terms = [(cv.over, rr.weight(cv.row.over_weight)) for cv in covers if not isinstance(cv.over, int)]
    cost_fair = (sum(c * v for v, c in a.cost_terms) + sum(w * v for v, w in fair_terms)
                 + sum(w * e for e, w in wish_terms) + sum(w * o for o, w in over_terms) + under_cost)
    return shortfall, cost_fair, penalty_const


def _by_day(rows: Rows) -> dict[int, Rows]:
    by_day: dict[int, Rows] = defaultdict(list)
    for inst, lits in rows:
        by_day[inst.day].append((inst, lits))
    return by_day


def _cents(inst: _Instance, person: Person) -> int:
    return round(inst.hours * person.cost_per_hour * _COST_SCALE)


def _needed(inp: Inputs):
    """Whether a post needs anyone during a shift instance (a requirement or a per-shift count)."""
    prefix = {q: [0, *_accumulate(v)] for q, v in inp.requirement.items()}
    cover_keys = {(c.day, c.shift_code, c.post) for c in inp.shift_cover}
    n = inp.n_intervals

    def needed(post: str, inst: _Instance) -> bool:
        if (inst.day, inst.template.code, post) in cover_keys:
            return True
        pre = prefix.get(post)
        if pre is None:
            return False
        a, b = max(0, inst.start_i), min(n, inst.end_i)
        return a < b and pre[b] - pre[a] > 0

    return needed


def _covering(inp: Inputs) -> list[list[int]]:
    """Per interval, the shift instances that cover it."""
    covering: list[list[int]] = [[] for _ in range(inp.n_intervals)]
    for inst in inp.instances:
        for t in range(max(0, inst.start_i), min(inp.n_intervals, inst.end_i)):
            covering[t].append(inst.idx)
    return covering


def _length(by_key: Mapping[tuple[int, str], _Instance], row: rr.ShiftCover, iph: int) -> int:
    inst = by_key.get((row.day, row.shift_code))
    return (inst.end_i - inst.start_i) if inst is not None else 24 * iph


def _accumulate(values: Iterable[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += int(v)
        out.append(total)
    return out
