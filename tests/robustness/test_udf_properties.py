"""Every ``SP_*`` UDF, fed Excel-shaped junk: nothing ever escapes, and an error is one short
``#SP!`` text. Two ways in, as in real use: plain Python calls (lists, nested and empty lists,
NaN, huge ints) and xlwings' own conversion pipeline with the raw values COM hands over
(tuples of row tuples, None for blanks, error cells as COM error codes)."""

from __future__ import annotations

import inspect
import math
import types
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetplan.excel import udfs as plain_udfs
from sheetplan.excel.vba.offline_xlwings import MISSING_ARG, OfflineXlwings, TimeType, offline_xlwings

COM_ERRORS = (-2146826281, -2146826246, -2146826259, -2146826265, -2146826273, -2146826252, -2146826288)
NAMES = sorted(n for n in dir(plain_udfs) if n.startswith("SP_"))
MAX_ERROR_LEN = 120

text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "abc",
            "1,000",
            "80%",
            "１２",
            "-3",
            "1e400",
            "nan",
            "inf",
            "#N/A",
            "#DIV/0!",
            "TRUE",
            "精确",
            "最大余数",
            "largest_remainder",
            "0.5",
            "  42  ",
            "1.5万",
            "=1+1",
            "\x00",
            "9" * 400,
        ]
    ),
    st.text(max_size=30),
)
number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.sampled_from([0, 1, -1, 1e308, -1e308, 5e-324, 10**20, 2**63, 0.1, 60, 480, 1440, 100_000.0]),
)
cell = st.one_of(st.none(), number, text, st.booleans(), st.sampled_from(COM_ERRORS))


def grids(element: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Ragged and empty 2-D lists, plus odd nestings a caller might pass from Python."""
    return st.one_of(
        st.lists(st.lists(element, max_size=4), max_size=4),
        st.lists(element, max_size=6),
        st.sampled_from([[], [[]], [[], []], [[[]]], [[None]], [[None, None], [None]]]),
    )


plain_arg = st.one_of(cell, grids(cell))
com_cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**6), 10**6).map(float),
    text,
    st.booleans(),
    st.sampled_from(COM_ERRORS),
    st.datetimes().map(lambda d: TimeType(d.year, d.month, d.day, d.hour)),
)
com_arg = st.one_of(
    com_cell,
    st.integers(1, 4).flatmap(
        lambda w: st.lists(st.tuples(*[com_cell] * w), min_size=1, max_size=4).map(tuple)  # rectangular, as COM sends
    ),
    st.just(MISSING_ARG),
)


def check_answer(name: str, got: Any) -> None:
    """A number, or a grid; any '#…' text in it is our one-cell error: '#SP! …', short, not internal."""
    cells = (
        [c for row in got for c in row] if isinstance(got, list) and all(isinstance(r, list) for r in got) else [got]
    )
    errors = [c for c in cells if isinstance(c, str) and c.startswith("#SP!")]
    if errors:
        assert len(cells) == 1, f"{name}: an error is one cell, got {got!r:.200}"
        assert len(errors[0]) < MAX_ERROR_LEN, f"{name}: error too long: {errors[0]!r}"
        assert "internal error" not in errors[0], f"{name}: {errors[0]}"
        return
    for c in cells:
        assert c is None or isinstance(c, str | int | float), f"{name}: {c!r}"
        if isinstance(c, float):
            assert not math.isnan(c), f"{name}: NaN in the answer"


@pytest.fixture(scope="module")
def xl() -> Iterator[OfflineXlwings]:
    with offline_xlwings() as handles:
        yield handles


@pytest.fixture(scope="module")
def decorated(xl: OfflineXlwings) -> types.ModuleType:
    return xl.load_module("sheetplan.excel.udfs")


def test_every_udf_is_covered() -> None:
    assert set(NAMES) == set(plain_udfs.__all__) and len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plain_calls_never_raise(name: str, data: st.DataObject) -> None:
    func = getattr(plain_udfs, name)
    params = inspect.signature(func).parameters.values()
    required = sum(p.default is inspect.Parameter.empty for p in params)
    n = data.draw(st.integers(required, len(params)), label="arguments given")  # optional ones may be left out
    args = data.draw(st.tuples(*[plain_arg] * n), label="args")
    check_answer(name, func(*args))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_through_xlwings_never_raise(
    xl: OfflineXlwings, decorated: types.ModuleType, name: str, data: st.DataObject
) -> None:
    func = getattr(decorated, name)
    n_args = len(func.__xlfunc__["args"])
    raw = data.draw(st.tuples(*[com_arg] * n_args), label="raw COM values")
    got = xl.call(func, *raw)
    assert isinstance(got, list) and all(isinstance(r, list) for r in got)
    check_answer(name, got)
