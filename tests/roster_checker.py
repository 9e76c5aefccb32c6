"""Independent roster checker: verifies flat duty-roster rows against the rules without using
the solver's model (only plain arithmetic on start/end hours).

Rows are dicts or objects with ``person``, ``post`` and a start and end, either as absolute
hours from 00:00 of the first campaign day (``start``/``end`` or ``start_hour_abs``/
``end_hour_abs``) or as ``datetime`` values (then pass ``campaign_start``). ``hours``,
``day`` and ``shift_code`` are used when present. The 排班明细 sheet of a build can be checked
by reading it into such rows.

Conventions shared with the roster specification: hours count towards the day a shift starts
on; an unavailable day may not contain any worked hour; a shift covers an interval only when it
spans the whole interval.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

EPS = 1e-6


def _get(row: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(row, Mapping):
            if name in row:
                return row[name]
        elif hasattr(row, name):
            return getattr(row, name)
    return default


def _hours(value: Any, campaign_start: dt.datetime | None) -> float:
    if isinstance(value, dt.datetime):
        if campaign_start is None:
            raise ValueError("rows carry datetimes: pass campaign_start")
        return (value - campaign_start).total_seconds() / 3600
    return float(value)


def _norm_kind(kind: str) -> str:
    return {"全职": "fulltime", "学生": "student", "借调": "borrowed"}.get(kind, kind)


def check_roster(
    rows: Sequence[Any],
    people: Sequence[Any],
    requirement: Mapping[str, Sequence[int]],
    rules: Any,
    fixed: Sequence[Any] = (),
    gaps: Sequence[Any] = (),
    *,
    shifts: Sequence[Any] | None = None,
    interval_minutes: int = 60,
    campaign_start: dt.datetime | None = None,
    horizon_days: int | None = None,
    shift_cover: Sequence[Any] = (),
) -> list[str]:
    """Return every violation found (empty list = the roster is valid).

    ``people`` need name, posts, kind, max_hours_per_day, max_hours_total, unavailable_days,
    available_windows (interval ranges); ``rules`` needs min_rest_hours and
    one_shift_per_day; ``fixed`` rows need person, day, shift_code, post; ``gaps`` rows need
    post, start_interval, end_interval, shortfall. With ``shifts`` (code, start_hour, hours,
    kinds) the shift codes of rows are checked against their templates too, and forbidden
    successions (``not_followed_by``). With ``horizon_days`` the day patterns are checked (days
    in a row at least/at most, days off in a row, weekends from ``rules.weekends``, shifts of each
    kind, minimum hours); ``shift_cover`` rows (day, shift_code, post, need) are checked against
    the gaps that carry a ``shift_code``."""
    out: list[str] = []
    step = interval_minutes / 60
    by_name = {p.name: p for p in people}
    templates = {s.code: s for s in shifts} if shifts is not None else None
    flat: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        name = _get(row, "person", "name")
        start = _hours(_get(row, "start", "start_hour_abs"), campaign_start)
        end_raw = _get(row, "end", "end_hour_abs")
        hours = _get(row, "hours")
        end = _hours(end_raw, campaign_start) if end_raw is not None else start + float(hours)
        if hours is not None and abs(float(hours) - (end - start)) > EPS:
            out.append(f"row {n}: hours {hours} != end - start {end - start:g}")
        if end <= start:
            out.append(f"row {n}: end {end:g} not after start {start:g}")
        flat.append({
            "n": n, "person": name, "post": _get(row, "post"), "start": start, "end": end,
            "code": _get(row, "shift_code", "shift"), "day": _get(row, "day"),
        })

    # per-row rules
    for r in flat:
        p = by_name.get(r["person"])
        tag = f"row {r['n']} ({r['person']} {r['post']} {r['start']:g}-{r['end']:g})"
        if p is None:
            out.append(f"{tag}: unknown person")
            continue
        if r["post"] not in p.posts:
            out.append(f"{tag}: post {r['post']} not among skills {tuple(p.posts)}")
        first_day = math.floor(r["start"] / 24 + EPS)
        last_day = math.ceil(r["end"] / 24 - EPS) - 1
        for d in range(first_day, last_day + 1):
            if d in p.unavailable_days:
                out.append(f"{tag}: works on unavailable day {d}")
        if p.available_windows is not None:
            a, b = r["start"] / step, r["end"] / step
            if not any(w0 - EPS <= a and b <= w1 + EPS for w0, w1 in p.available_windows):
                out.append(f"{tag}: outside lending windows {p.available_windows}")
        if r["day"] is not None and first_day != r["day"]:
            out.append(f"{tag}: starts on day {first_day}, row says day {r['day']}")
        if templates is not None and r["code"] is not None:
            t = templates.get(r["code"])
            if t is None:
                out.append(f"{tag}: unknown shift {r['code']}")
            else:
                kinds = {_norm_kind(k) for k in t.kinds}
                if _norm_kind(p.kind) not in kinds:
                    out.append(f"{tag}: {p.kind} may not work shift {t.code}")
                if abs(r["start"] - (24 * first_day + t.start_hour)) > EPS or abs(
                    r["end"] - r["start"] - t.hours
                ) > EPS:
                    out.append(f"{tag}: times do not match shift {t.code}")

    # per-person sequences
    mine: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in flat:
        mine[r["person"]].append(r)
    for name, items in mine.items():
        p = by_name.get(name)
        if p is None:
            continue
        items.sort(key=lambda r: r["start"])
        for a, b in itertools.pairwise(items):
            if b["start"] < a["end"] - EPS:
                out.append(f"{name}: shifts overlap at {a['start']:g} and {b['start']:g}")
            elif b["start"] - a["end"] < rules.min_rest_hours - EPS:
                out.append(
                    f"{name}: rest {b['start'] - a['end']:g} h < {rules.min_rest_hours:g} h "
                    f"between {a['end']:g} and {b['start']:g}"
                )
        per_day: dict[int, float] = defaultdict(float)
        count: dict[int, int] = defaultdict(int)
        for r in items:
            d = math.floor(r["start"] / 24 + EPS)
            per_day[d] += r["end"] - r["start"]
            count[d] += 1
        for d, h in per_day.items():
            if h > p.max_hours_per_day + EPS:
                out.append(f"{name}: {h:g} h on day {d} > {p.max_hours_per_day:g}")
            if rules.one_shift_per_day and count[d] > 1:
                out.append(f"{name}: {count[d]} shifts on day {d}")
        limit = getattr(p, "max_consecutive_days", None) or getattr(rules, "max_consecutive_days", None)
        if limit is not None:
            run = 0
            for d in range(min(per_day, default=0), max(per_day, default=-1) + 1):
                run = run + 1 if d in per_day else 0
                if run > limit:
                    out.append(f"{name}: works {run} days in a row up to day {d} > {limit}")
                    break
        total = sum(per_day.values())
        if p.max_hours_total is not None and total > p.max_hours_total + EPS:
            out.append(f"{name}: {total:g} h in total > {p.max_hours_total:g}")
        out += _day_patterns(name, p, set(per_day), items, rules, templates, horizon_days)
    if horizon_days is not None:
        for p in people:  # a minimum of hours binds people with no shift at all too
            total = sum(r["end"] - r["start"] for r in mine.get(p.name, []))
            if getattr(p, "min_hours_total", None) and total < p.min_hours_total - EPS:
                out.append(f"{p.name}: {total:g} h in total < minimum {p.min_hours_total:g}")

    # fixed assignments kept
    for f in fixed:
        if templates is not None and f.shift_code in templates:
            start = 24 * f.day + templates[f.shift_code].start_hour
            hit = any(r["person"] == f.person and r["post"] == f.post
                      and abs(r["start"] - start) < EPS for r in flat)
        else:
            hit = any(r["person"] == f.person and r["post"] == f.post and r["code"] == f.shift_code
                      and math.floor(r["start"] / 24 + EPS) == f.day for r in flat)
        if not hit:
            out.append(f"fixed {f.person} day {f.day} {f.shift_code} {f.post} not kept")

    # cover, recomputed from the rows; claimed gaps must match exactly
    claimed: dict[tuple[str, int], int] = {}
    for g in gaps:
        if getattr(g, "shift_code", None) is not None:
            continue  # a per-shift head count's gap: checked below
        for t in range(g.start_interval, g.end_interval):
            claimed[(g.post, t)] = claimed.get((g.post, t), 0) + g.shortfall
    for post, req in requirement.items():
        cover = [0] * len(req)
        for r in flat:
            if r["post"] != post:
                continue
            a = math.ceil(r["start"] / step - EPS)
            b = math.floor(r["end"] / step + EPS)
            for t in range(max(0, a), min(len(req), b)):
                cover[t] += 1
        for t, need in enumerate(req):
            short = max(0, int(need) - cover[t])
            said = claimed.get((post, t), 0)
            if short != said:
                out.append(
                    f"{post} interval {t}: requirement {need}, cover {cover[t]}, "
                    f"shortfall {short} but result claims {said}"
                )
    return out
    out += _shift_cover(flat, shift_cover, gaps)
    return out


def _runs(days: set[int], horizon: int, working: bool) -> list[tuple[int, int]]:
    """[a, b) runs of days worked (or off) inside 0..horizon."""
    out, start = [], None
    for d in range(horizon + 1):
        inside = d < horizon and ((d in days) == working)
        if inside and start is None:
            start = d
        elif not inside and start is not None:
            out.append((start, d))
            start = None
    return out


def _day_patterns(name: str, p: Any, days: set[int], items: list[dict[str, Any]], rules: Any,
                  templates: Mapping[str, Any] | None, horizon: int | None) -> list[str]:
    out = []
    codes: dict[str, int] = defaultdict(int)
    for r in items:
        codes[r["code"]] += 1
    for code, most in getattr(p, "max_shifts", ()):
        if codes[code] > most:
            out.append(f"{name}: {codes[code]} shifts {code} > {most}")
    if templates is not None:
        by_day = {math.floor(r["start"] / 24 + EPS): r["code"] for r in items}
        for d, code in by_day.items():
            t = templates.get(code)
            banned = getattr(t, "not_followed_by", ()) if t is not None else ()
            if by_day.get(d + 1) in banned:
                out.append(f"{name}: {by_day[d + 1]} on day {d + 1} after {code} on day {d}")
    if horizon is None:
        return out
    least = getattr(p, "min_consecutive_days", 1)
    for a, b in _runs(days, horizon, True):
        if a > 0 and b < horizon and b - a < least:
            out.append(f"{name}: works days {a}-{b - 1}, fewer than {least} in a row")
    least_off = getattr(p, "min_days_off", 1)
    for a, b in _runs(days, horizon, False):
        if a > 0 and b < horizon and b - a < least_off:
            out.append(f"{name}: off days {a}-{b - 1}, fewer than {least_off} in a row")
    most_weekends = getattr(p, "max_weekends", None)
    if most_weekends is not None:
        worked = sum(1 for w in getattr(rules, "weekends", ()) if any(d in days for d in w))
        if worked > most_weekends:
            out.append(f"{name}: works {worked} weekends > {most_weekends}")
    return out


def _shift_cover(flat: list[dict[str, Any]], shift_cover: Sequence[Any], gaps: Sequence[Any]) -> list[str]:
    """Each per-shift head count: the shortfall the gaps claim equals the one counted from the rows."""
    out = []
    on: dict[tuple[int, str, str], int] = defaultdict(int)
    for r in flat:
        on[(math.floor(r["start"] / 24 + EPS), r["code"], r["post"])] += 1
    claimed = {(g.shift_code, g.post, g.start_interval): g.shortfall for g in gaps
               if getattr(g, "shift_code", None) is not None}
    said_total = sum(claimed.values())
    short_total = 0
    for c in shift_cover:
        short = max(0, c.need - on[(c.day, c.shift_code, c.post)])
        short_total += short
    if short_total != said_total:
        out.append(f"per-shift cover: {short_total} people short counted, result claims {said_total}")
    return out
