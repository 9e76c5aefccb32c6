"""The plan as typed objects, read from the plan workbook and handed to the calculators."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .schema import SEPARATOR

Cells = dict[str, str]  # column key -> 'Sheet!C7': where each value was typed, for messages


def day_label(d: dt.date) -> str:
    """A day as every grid, message and stored roster names it ('11-11'); the grids' day headers
    begin with it (then a space and the weekday), which is how edited grids find their days."""
    return f"{d:%m-%d}"


@dataclass(frozen=True)
class Settings:
    name: str
    start: dt.date
    end: dt.date
    sale_day: dt.date
    daily_orders: float
    coefficient: float
    platform: str = "天猫"
    language: str = "zh"
    stress_factor: float = 2.0
    share_method: str = "exact"
    share_decimals: int = 1
    vip_customers: int = 0
    callers: int = 0
    call_days: float = 0
    aht_seconds: float = 180
    target_sl: float = 0.8
    answer_seconds: float = 20
    interval_minutes: int = 60
    concurrency: int = 2
    max_occupancy: float = 0.85
    shrinkage: float = 0.15
    min_rest_hours: float = 11
    roster_effort: float = 2.0
    max_consecutive_days: int = 6
    max_students_per_day: int | None = None
    max_part_time_share: float | None = None
    hit_share: float = 0.05
    featured_share: float = 0.15
    stock_multiple: float = 3.0
    hit_uplift: float = 5.0
    sales_days: float = 30.0
    lead_time_days: float = 7.0
    warehouse_open: dt.time = dt.time(8, 0)
    warehouse_close: dt.time = dt.time(0, 0)  # midnight (24:00) as an end
    backlog_days: int = 2
    roster_stress: str = "否"  # 是: the warehouse requirement at the stress factor rostered as a what-if
    products_department: str = ""
    as_of: dt.date | None = None  # overdue duties and order-by dates are judged by this date
    cost_ratio: float = 0.6  # reorders of products without a unit cost: price × this
    overtime_rate: float = 1.5  # labour cost (calc.labour): beyond 8 h a day / 40 h a week
    rest_day_rate: float = 2.0
    holiday_rate: float = 3.0
    rest_days: tuple[dt.date, ...] = ()  # empty: Saturdays and Sundays
    holidays: tuple[dt.date, ...] = ()
    hours_system: str = "lieu"  # 工时制度: "lieu" (综合工时, 补休) or "standard" (see calc.labour)
    currency: str = ""  # empty: 元 / CNY
    version: str = ""  # the planner's version label, printed in every page footer with the plan's checksum
    night_reminder: int | None = None  # minutes before a night shift a personal calendar reminds; None/0: none
    attendance_departments: tuple[str, ...] = ()  # departments the attendance imports are for; empty: automatic
    cells: Cells = field(default_factory=dict, compare=False, repr=False)  # setting key -> its value's cell

    @property
    def days(self) -> list[dt.date]:
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]

    @property
    def day_labels(self) -> list[str]:
        """Each day as the grids, the change log and the stored roster name it ('11-11')."""
        return [day_label(d) for d in self.days]


@dataclass(frozen=True)
class Phase:
    phase: str
    start: dt.date
    end: dt.date
    goal: str = ""


@dataclass(frozen=True)
class Window:
    window: str
    start: dt.time
    end: dt.time  # 00:00 as an end means midnight (24:00)
    focus: str = ""
    multiplier: float | None = None  # chats per minute as a multiple of the usual curve
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Department:
    department: str
    head: str = ""
    note: str = ""
    all_hands: tuple[dt.date, ...] = ()  # 全员在岗 / no-leave days: everyone who can work is rostered
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Duty:
    department: str
    no: int
    duty: str
    owner: str = ""
    deadline: dt.date | None = None
    phase: str = ""
    status: str = ""


@dataclass(frozen=True)
class StaffMember:
    name: str
    department: str
    posts: tuple[str, ...]
    type: str  # 全职 / 学生 / 借调
    max_hours_day: float | None = None
    max_hours_total: float | None = None
    unavailable: tuple[dt.date, ...] = ()
    cost_per_hour: float | None = None
    lent: tuple[dt.date, ...] = ()
    min_hours_total: float | None = None
    max_days_in_a_row: int | None = None
    min_days_in_a_row: int | None = None
    min_days_off: int | None = None
    max_weekends: int | None = None
    max_shifts: tuple[tuple[str, int], ...] = ()  # (shift code, at most that many), from "夜=2、早=6"
    employee_id: str = ""
    phone: str = ""
    lead: str = ""
    # days off a hand edit decided (--keep-edits): no shift starts on them, but the evening
    # before's night shift may run into them (an unavailable date would forbid it). Not a column
    # of the plan (nor of plan.frames()): set by keep_edits only
    days_off: tuple[DayOff, ...] = ()
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, order=True)
class DayOff:
    """A day off a hand edit decided (--keep-edits)."""

    date: dt.date
    word: str = ""  # as typed (休, 假, 年假 …): shown again in its cell, so leave stays leave
    where: str = ""  # the edited cell ('file Sheet!E7'): a roster that cannot keep it names it


@dataclass(frozen=True)
class ShiftTemplate:
    code: str
    start: dt.time
    hours: float
    name: str = ""
    types: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # empty: every department
    not_followed_by: tuple[str, ...] = ()  # codes no one may work the day after this shift
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class FixedShift:
    name: str
    date: dt.date
    shift: str
    post: str
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


RELEASED = "—"  # an Edit's 'after' for a kept day off cleared to blank: the day is rostered afresh


@dataclass(frozen=True)
class Edit:
    """One change to a published roster as the 改动记录 sheet lists it (sheetplan build --keep-edits)."""

    department: str
    person: str  # as on the published grid
    day: str  # the grid's day label
    before: str  # 'post·code' as published, '' for a day off
    # 'post·code' now; for a day off the word typed (休, 假 …; '' in logs written before it was
    # kept); RELEASED for a kept day off cleared; a cell that is no shift: what it holds ('?' if unknown)
    after: str
    why: str = ""  # '' when kept, else why not
    # the edited cell ('file Sheet!E7'; for a change repeating an earlier decision, that decision's
    # cell): the roster's last guard names the edits it drops by it, so the log can say so
    where: str = ""
    carried: bool = False  # an earlier round's decision, unchanged since (before and after agree)
    name: str = ""  # a kept edit's person as the plan names them now (renamed since: not the grid's name)

    @property
    def is_shift(self) -> bool:
        """A shift typed (post·code), not a day off."""
        return SEPARATOR in self.after


@dataclass(frozen=True)
class WarehousePost:
    group: str
    post: str
    per_person: float | None = None
    fixed: int | None = None
    note: str = ""
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Requirement:
    """One row of 值班需求: people needed on a post, typed or taken from a model."""

    department: str
    post: str
    source: str = "手填"
    people: int | None = None
    dates: tuple[dt.date, ...] = ()
    start: dt.time | dt.datetime | None = None
    end: dt.time | dt.datetime | None = None
    note: str = ""
    shift: str | None = None  # counted per shift (people on this shift that day), not per interval
    under_weight: float | None = None
    over_weight: float | None = None
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MustCover:
    """One row of 必保时段: a window whose gaps weigh ``weight`` times a gap elsewhere."""

    department: str
    post: str = ""  # empty: every post of the department
    dates: tuple[dt.date, ...] = ()
    start: dt.time | dt.datetime | None = None
    end: dt.time | dt.datetime | None = None
    weight: float | None = None
    note: str = ""
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Request:
    """One row of 员工意愿: a person wants (or does not want) to work a shift — any shift when
    ``shift`` is empty — on each of ``dates``."""

    name: str
    dates: tuple[dt.date, ...]
    wish: str  # 想上班 / 不想上班
    shift: str | None = None
    weight: float | None = None
    note: str = ""
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ServiceDay:
    date: dt.date
    chats: float | None
    open: dt.time
    close: dt.time
    profile: str = "平日"
    presales: int | None = None
    reminders: int | None = None
    aftersales: int | None = None
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Volume:
    """Chats typed for one slot of one day (分时咨询量)."""

    date: dt.date
    time: dt.time
    chats: float
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CurvePoint:
    """One slot of a shop's own day shape (咨询曲线)."""

    curve: str
    time: dt.time
    weight: float
    cells: Cells = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class InventoryRow:
    category: str
    quantity: float
    amount: float


@dataclass
class Plan:
    settings: Settings
    phases: list[Phase] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    shifts: list[ShiftTemplate] = field(default_factory=list)
    fixed: list[FixedShift] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    must_cover: list[MustCover] = field(default_factory=list)
    # changes to a published roster (sheetplan build --keep-edits), kept or why not, as decided
    # before rostering: Results.edits adds what the roster's last guard dropped (the 改动记录 sheet)
    edits: list[Edit] = field(default_factory=list)
    posts: list[WarehousePost] = field(default_factory=list)
    service: list[ServiceDay] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    curves: list[CurvePoint] = field(default_factory=list)
    inventory: list[InventoryRow] = field(default_factory=list)
    products: Any = None  # a pandas DataFrame (plan.products_reader), read fast with python-calamine
    notes: list[str] = field(default_factory=list)  # where the example filled a gap in the seeds
    sheets: dict[str, str] = field(default_factory=dict)  # sheet key -> the sheet's name in this workbook
    warnings: list[Any] = field(default_factory=list)  # the reader's warnings (plan.problems.Problem)

    @property
    def lang(self) -> str:
        return self.settings.language

    def department_names(self) -> list[str]:
        """Every department the plan names, in the order it names them: on the departments sheet,
        then in duties, staff and requirements (a settings list naming another is a typo)."""
        names = [d.department for d in self.departments]
        names += [d.department for d in self.duties]
        names += [p.department for p in self.staff]
        names += [r.department for r in self.requirements]
        return list(dict.fromkeys(names))

    def frames(self) -> dict[str, Any]:
        """The plan's tables as pandas DataFrames (see :func:`sheetplan.api.plan_frames`)."""
        from .frames import plan_frames

        return plan_frames(self)
