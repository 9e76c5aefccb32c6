"""Which department needs how many people on which post, and why: the plan's requirements as data.

Each row of 值班需求 names a department, a post and a source — typed (people during dates and
times) or a model: the customer-service model (Erlang C from the chat forecast), one of the
customer-service fixed head counts, or the warehouse model. Where a plan does not say which
posts a model feeds, the template's own post vocabulary decides, never a department's name:

- staff posts named like the 客服需求 fixed-count columns (售前/催单/售后, Pre-sales/Reminders/
  After-sales) take the Erlang C requirement (售前) or that column's fixed head count;
- staff posts named like a post on 仓库岗位 take that post's heads (warehouse model).

Each department is matched to the model that names most of its staff's posts, and each model
requirement goes to one department only (the one with most people on that post), so no
requirement is staffed twice. Everything this resolution cannot honour is reported, naming
sheet and row, in the plan's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..calc.calendar import minutes_of
from ..calc.campaign_service import FIXED_GROUPS
from ..calc.duty_demand import Need
from ..i18n import join
from ..messages import msg
from .model import Plan, Requirement, Settings, StaffMember, day_label
from .problems import Problem
from .schema import CHOICE_EN, FIXED_SOURCES, SERVICE_MODEL, SERVICE_POSTS, SHEET_BY_KEY, TYPED, WAREHOUSE_MODEL

SERVICE_SERIES = "service"
_FIXED_SERIES = {src: f"fixed:{group}" for src, group in zip(FIXED_SOURCES, FIXED_GROUPS, strict=True)}


def series_key(source: str, post: str = "") -> str | None:
    """The name of the model series a source reads (None for typed needs)."""
    if source == SERVICE_MODEL:
        return SERVICE_SERIES
    if source in _FIXED_SERIES:
        return _FIXED_SERIES[source]
    if source == WAREHOUSE_MODEL:
        return f"warehouse:{post}"
    return None


def fixed_group(source: str) -> str | None:
    """presales / reminders / aftersales for a fixed-count source."""
    series = _FIXED_SERIES.get(source)
    return series.split(":", 1)[1] if series else None


def normalise(post: str) -> str:
    """Post names compared the way a planner means them: case, spaces, hyphens aside."""
    return re.sub(r"[\s\-_·.]+", "", post).casefold()


@dataclass
class Resolution:
    """The needs of every department, and what could not be honoured."""

    needs: list[Need]
    problems: list[Problem]
    models: dict[str, str]  # department -> 'service' / 'warehouse' (the model its staff's posts match)

    def departments(self) -> list[str]:
        return list(dict.fromkeys(n.department for n in self.needs))

    def of(self, department: str) -> list[Need]:
        return [n for n in self.needs if n.department == department]

    def posts_fed_by(self, series: str) -> list[tuple[str, str]]:
        """(department, post) pairs whose requirement includes a model series."""
        return list(dict.fromkeys((n.department, n.post) for n in self.needs if n.series == series))


def spans(r: Requirement, s: Settings) -> tuple[tuple[int, int], ...] | None:
    """The minutes of the campaign timeline a requirement row covers (None = all of it)."""
    origin = dt.datetime.combine(s.start, dt.time())
    horizon = len(s.days) * 1440
    if isinstance(r.start, dt.datetime) or isinstance(r.end, dt.datetime):
        a = _minutes(r.start, origin) if isinstance(r.start, dt.datetime) else 0
        b = _minutes(r.end, origin) if isinstance(r.end, dt.datetime) else horizon
        return _clip([(a, b)], horizon)
    if r.start is None and r.end is None and not r.dates:
        return None
    start = minutes_of(r.start) if r.start is not None else 0
    end = minutes_of(r.end, is_end=True) if r.end is not None else 1440
    out = []
    for day in r.dates or s.days:
        base = (day - s.start).days * 1440
        out.append((base + start, base + (end if end > start else end + 1440)))
    return _clip(out, horizon)


def _minutes(moment: dt.datetime, origin: dt.datetime) -> int:
    return round((moment - origin).total_seconds() / 60)


def _clip(spans_: Iterable[tuple[int, int]], horizon: int) -> tuple[tuple[int, int], ...]:
    return tuple((max(0, a), min(horizon, b)) for a, b in spans_ if min(horizon, b) > max(0, a))


def resolve(plan: Plan) -> Resolution:
    """Every department's needs, typed rows first, then the vocabulary's defaults."""
    s = plan.settings
    lang = plan.lang
    problems: list[Problem] = []
    sheet = plan.sheets
    req_sheet = sheet.get("requirements", SHEET_BY_KEY["requirements"].label(lang))

    def warn(where: str, key: str, **kw: object) -> None:
        problems.append(Problem(where, msg(key, lang, **kw), "warning"))

    needs: list[Need] = []
    for r in plan.requirements:
        where = r.cells.get("post", req_sheet)
        if r.shift is not None:  # counted per shift (to_roster.shift_cover): the post is needed, no hours
            needs.append(Need(r.department, r.post, None, 0, (), where,
                              shift_days=(r.dates or tuple(s.days)) if r.people else ()))
            continue
        series = series_key(r.source, r.post)
        spans_ = spans(r, s)
        if spans_ == ():
            warn(where, "req_outside", post=r.post)
            continue
        needs.append(Need(r.department, r.post, series, r.people or 0, spans_, where))

    staff_posts = _staff_posts(plan.staff)
    explicit = {(n.department, n.post) for n in needs}
    claimed = {n.series for n in needs if n.series}
    vocab = _vocabulary(plan, claimed)
    models = _match_models(staff_posts, vocab, explicit)
    for model, words in vocab.items():
        takers: dict[str, list[tuple[str, str, list[StaffMember]]]] = defaultdict(list)
        for dept, posts in staff_posts.items():
            if models.get(dept) != model:
                continue
            for post, people in posts.items():
                series = words.get(normalise(post))
                if series and (dept, post) not in explicit:
                    takers[series].append((dept, post, people))
        for series, candidates in takers.items():
            order = list(staff_posts)
            candidates.sort(key=lambda c: (-len(c[2]), order.index(c[0])))
            dept, post, people = candidates[0]
            needs.append(Need(dept, post, series, 0, None, people[0].cells.get("posts", ""), implied=True))
            for _, other_post, others in candidates[1:]:
                warn(others[0].cells.get("posts", ""), "req_taken", post=other_post, dept=dept, sheet=req_sheet)
    needs.sort(key=lambda n: _dept_order(plan, n.department))
    if plan.staff and not plan.shifts:
        warn(sheet.get("shifts", ""), "shifts_default")
    problems += _unstaffed(plan, needs, staff_posts, vocab)
    problems += _unused_staff(plan, needs, staff_posts)
    problems += _missing_fixed(plan, needs)
    return Resolution(needs, problems, models)


def _staff_posts(staff: Iterable[StaffMember]) -> dict[str, dict[str, list[StaffMember]]]:
    out: dict[str, dict[str, list[StaffMember]]] = {}
    for p in staff:
        for post in p.posts:
            out.setdefault(p.department, {}).setdefault(post, []).append(p)
    return out


def _vocabulary(plan: Plan, claimed: set[str]) -> dict[str, dict[str, str]]:
    """Model -> normalised post name -> the series it feeds (sources a typed row claimed left out)."""
    vocab: dict[str, dict[str, str]] = {}
    if plan.service:
        words = {}
        for zh, en, source in SERVICE_POSTS.values():
            series = series_key(source)
            if series and series not in claimed:
                words[normalise(zh)] = words[normalise(en)] = series
        vocab["service"] = words
    if plan.posts:
        vocab["warehouse"] = {
            normalise(p.post): key for p in plan.posts if (key := f"warehouse:{p.post}") not in claimed
        }
    return {k: v for k, v in vocab.items() if v}


def _match_models(
    staff_posts: dict[str, dict[str, list[StaffMember]]], vocab: dict[str, dict[str, str]], explicit: set
) -> dict[str, str]:
    """Each department's model: the one naming most of its staff's (not explicitly typed) posts."""
    out = {}
    for dept, posts in staff_posts.items():
        counts = {
            model: sum(1 for p in posts if normalise(p) in words and (dept, p) not in explicit)
            for model, words in vocab.items()
        }
        best = max(counts, key=lambda m: counts[m], default=None)
        if best is not None and counts[best] > 0:
            out[dept] = best
    return out


def _dept_order(plan: Plan, dept: str) -> int:
    names = [d.department for d in plan.departments] + [p.department for p in plan.staff]
    names = list(dict.fromkeys(names))
    return names.index(dept) if dept in names else len(names)


def _unstaffed(plan: Plan, needs: list[Need], staff_posts: dict, vocab: dict) -> list[Problem]:
    """Requirements no one on staff can work: typed rows, and model posts no staff post matches.
    Critical when the post is needed on the sale day: its peak there then has nobody, certainly."""
    lang = plan.lang
    s = plan.settings
    sale = (s.sale_day - s.start).days * 1440 if s.sale_day in s.days else None

    def on_sale_day(spans_: tuple[tuple[int, int], ...] | None) -> bool:
        return sale is not None and (spans_ is None or any(a < sale + 1440 and b > sale for a, b in spans_))

    def needed_on_sale_day(n: Need) -> bool:
        if n.shift_days is not None:  # counted per shift: needed on its days
            return s.sale_day in n.shift_days
        return bool(n.people or n.series) and on_sale_day(n.spans)

    out = []
    for n in needs:
        if n.post not in staff_posts.get(n.department, {}):
            grade = "critical" if needed_on_sale_day(n) else "warning"
            out.append(Problem(n.where, msg("req_unstaffed", lang, dept=n.department, post=n.post), grade))
    taken = {n.series for n in needs}
    for p in plan.posts:
        key = f"warehouse:{p.post}"
        if key not in taken and (p.fixed or p.per_person):
            where = p.cells.get("post", plan.sheets.get("posts", ""))
            out.append(Problem(where, msg("model_unstaffed", lang, post=p.post),
                               "critical" if on_sale_day(None) else "warning"))
    if plan.service:
        for zh, en, source in SERVICE_POSTS.values():
            series = series_key(source)
            if series in taken:
                continue
            group = fixed_group(source)
            if group and not any(getattr(d, group) for d in plan.service):
                continue  # no fixed count typed: nothing to staff
            name = zh if lang == "zh" else en
            what = CHOICE_EN.get(source, source) if lang == "en" else source
            out.append(Problem(plan.sheets.get("service", ""), msg("service_unstaffed", lang, post=name, source=what),
                               "warning"))
    return out


def _unused_staff(plan: Plan, needs: list[Need], staff_posts: dict) -> list[Problem]:
    """Staff whose posts have no requirement, and departments with staff but no roster at all."""
    lang = plan.lang
    out = []
    needed = {(n.department, n.post) for n in needs}
    with_needs = {n.department for n in needs}
    for dept, posts in staff_posts.items():
        people = list(dict.fromkeys(p for group in posts.values() for p in group))
        if dept not in with_needs:
            where = people[0].cells.get("department", plan.sheets.get("staff", ""))
            out.append(Problem(where, msg("dept_no_needs", lang, dept=dept, n=len(people),
                                          sheet=plan.sheets.get("requirements", "")), "warning"))
            continue
        for person in people:
            idle = [q for q in person.posts if (dept, q) not in needed]
            if idle:
                where = person.cells.get("posts", plan.sheets.get("staff", ""))
                key = "posts_no_needs" if len(idle) == len(person.posts) else "some_posts_no_needs"
                out.append(Problem(where, msg(key, lang, name=person.name, posts=join(idle, lang)), "warning"))
    return out


def _missing_fixed(plan: Plan, needs: list[Need]) -> list[Problem]:
    """A fixed-count source fed to a post while that day's count is empty: the post needs no one."""
    lang = plan.lang
    out = []
    groups = {n.series.split(":", 1)[1]: n for n in needs if n.series and n.series.startswith("fixed:")}
    column = {key: SHEET_BY_KEY["service"].column(key).label(lang) for key in FIXED_GROUPS}
    for day in plan.service:
        for group, need in groups.items():
            if getattr(day, group) is None:
                where = day.cells.get(group, day.cells.get("date", plan.sheets.get("service", "")))
                out.append(Problem(where, msg("fixed_missing", lang, column=column[group], date=day_label(day.date),
                                              post=need.post, dept=need.department), "warning"))
    return out


__all__ = ["TYPED", "Resolution", "normalise", "resolve", "series_key", "spans"]
