"""Who to call: the staff sheet's 工号, 手机 and 组长, checked the way a planner needs them.

A mainland China number is a mobile (11 digits starting 1[3-9], optionally +86/0086) or a
landline (area code 0xx/0xxx, 7–8 digits, optional extension); anything that says it is from
elsewhere (a ``+`` other than +86) is kept as written. A number that looks mainland but is not
one of those is a warning at its cell — never an error, the column is optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import model as m

_SEPARATORS = re.compile(r"[\s\-()（）.]")
_MOBILE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86|0086)?0\d{2,3}\d{7,8}(?:(?:转|ext|x|#)\d{1,6})?$", re.IGNORECASE)


def phone_ok(text: str) -> bool:
    """Whether a typed number is a plausible mainland mobile/landline, or explicitly foreign."""
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("+") and not compact.startswith("+86"):
        return bool(re.fullmatch(r"\+\d{6,15}", compact))  # another country's number: digits only
    return bool(_MOBILE.match(compact) or _LANDLINE.match(compact))


def check_contacts(plan: m.Plan, add: Callable[..., None]) -> None:
    """Warnings for phone numbers that do not read; a duplicate 工号 is an error (it names a person)."""
    seen: dict[str, str] = {}
    for p in plan.staff:
        if p.phone and not phone_ok(p.phone):
            add(p.cells.get("phone", ""), "phone_format", severity="warning", value=p.phone)
        if p.employee_id:
            where = p.cells.get("employee_id", "")
            if p.employee_id in seen:
                add(where, "duplicate", value=p.employee_id, first=seen[p.employee_id])
            seen.setdefault(p.employee_id, where)


def shift_leads(names: list[str], leads_of: dict[str, str]) -> list[str]:
    """The team lead(s) of a shift: the people on it whom others name as 组长; else the 组长 most of
    them name (earliest named first on a tie); none when nobody has one."""
    leaders = set(leads_of.values()) - {""}
    on = [n for n in names if n in leaders]
    if on:
        return on
    counts: dict[str, int] = {}
    for n in names:
        lead = leads_of.get(n, "")
        if lead:
            counts[lead] = counts.get(lead, 0) + 1
    if not counts:
        return []
    best = max(counts.values())
    return [next(lead for lead, c in counts.items() if c == best)]
