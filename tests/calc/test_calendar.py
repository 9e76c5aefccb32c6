from __future__ import annotations

import datetime as dt

from sheetplan.calc.calendar import check_phases, check_windows, minutes_of, phase_of
from sheetplan.plan import example

D, T = dt.date, dt.time


def test_example_calendar_is_clean() -> None:
    assert check_phases(example.PHASES and [(p, s, e) for p, s, e, _ in example.PHASES]) == []
    assert check_windows([(w, s, e) for w, s, e, *_ in example.WINDOWS]) == []
    assert phase_of(D(2026, 11, 11), [(p, s, e) for p, s, e, _ in example.PHASES]) == "大促当天"


def test_phase_gap_and_overlap() -> None:
    issues = check_phases(
        [
            ("a", D(2026, 1, 1), D(2026, 1, 10)),
            ("b", D(2026, 1, 10), D(2026, 1, 20)),
            ("c", D(2026, 1, 25), D(2026, 1, 30)),
        ]
    )
    assert [(i.kind, i.a, i.b, i.start, i.end) for i in issues] == [
        ("overlap", "a", "b", "2026-01-10", "2026-01-10"),
        ("gap", "b", "c", "2026-01-21", "2026-01-24"),
    ]


def test_window_gap_overlap_and_midnight() -> None:
    assert minutes_of(T(0, 0), is_end=True) == 1440
    issues = check_windows([("x", T(0, 0), T(2, 0)), ("y", T(1, 0), T(20, 0)), ("z", T(21, 0), T(23, 0))])
    assert [(i.kind, i.start, i.end) for i in issues] == [
        ("overlap", "01:00", "02:00"),
        ("gap", "20:00", "21:00"),
        ("gap", "23:00", "24:00"),
    ]
