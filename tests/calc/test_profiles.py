"""Intra-day profiles: shares add to 1, resolutions agree, the seed's sale-day phases show."""

from __future__ import annotations

import math

import pytest

from sheetplan.calc.profiles import (
    NORMAL_DAY,
    SALE_DAY,
    Profile,
    daily_arrivals,
    get_profile,
)


@pytest.mark.parametrize("profile", [SALE_DAY, NORMAL_DAY])
@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_fractions_sum_to_one(profile: Profile, minutes: int) -> None:
    shares = profile.fractions(minutes)
    assert len(shares) == 1440 // minutes
    assert math.fsum(shares) == pytest.approx(1.0, abs=1e-12)
    assert all(s >= 0 for s in shares)


@pytest.mark.parametrize("profile", [SALE_DAY, NORMAL_DAY])
def test_resolutions_agree(profile: Profile) -> None:
    q, h, hour = profile.fractions(15), profile.fractions(30), profile.fractions(60)
    for i, value in enumerate(h):
        assert value == pytest.approx(q[2 * i] + q[2 * i + 1], abs=1e-15)
    for i, value in enumerate(hour):
        assert value == pytest.approx(math.fsum(q[4 * i : 4 * i + 4]), abs=1e-15)


def test_sale_day_follows_seed_phases() -> None:
    per10 = SALE_DAY.fractions(10)
    flash, impulse = per10[0], per10[1:12]
    assert flash == max(per10)  # 00:00–00:10 flash sale is the peak
    assert min(impulse) > max(per10[12:])  # impulse buying stays above the rest of the day
    hourly = SALE_DAY.fractions(60)
    rational = hourly[2:22]
    assert hourly[12] > hourly[11] and hourly[12] > hourly[13]  # lunch peak
    assert min(hourly[20:22]) > max(hourly[13:20])  # evening peak 20–22
    assert min(hourly[22:24]) > sorted(rational)[len(rational) // 2]  # wrap-up elevated


def test_normal_day_shape() -> None:
    hourly = NORMAL_DAY.fractions(60)
    assert max(hourly[0:7]) < min(hourly[9:22])  # quiet night
    assert hourly[8] > hourly[7]  # rising from 08:00
    assert hourly[10] == max(hourly[6:18])
    assert max(hourly) in (hourly[20], hourly[21])


def test_daily_arrivals_spread_the_volume() -> None:
    arrivals = daily_arrivals(24_000, SALE_DAY, 30)
    assert len(arrivals) == 48 and math.fsum(arrivals) == pytest.approx(24_000)
    assert daily_arrivals(1000, "normal_day", 60) == pytest.approx(
        [1000 * f for f in NORMAL_DAY.fractions(60)])
    assert get_profile("Sale Day") is SALE_DAY


def test_custom_profiles() -> None:
    flat = Profile.from_hourly("flat", [1] * 24)
    assert flat.fractions(60) == pytest.approx([1 / 24] * 24)
    two = Profile.from_segments("two", [("00:00", "12:00", 1), ("12:00", "24:00", 3)])
    assert two.fractions(720) == pytest.approx([0.25, 0.75])


@pytest.mark.parametrize("call,word", [
    (lambda: SALE_DAY.fractions(7), "interval_minutes"),
    (lambda: daily_arrivals(-5, SALE_DAY, 60), "daily_volume"),
    (lambda: get_profile("xmas"), "profile"),
    (lambda: Profile.from_hourly("x", [1] * 23), "24"),
    (lambda: Profile.from_segments("x", [("00:00", "12:00", 1)]), "whole day"),
    (lambda: Profile.from_segments("x", [("00:00", "13:00", 1), ("12:00", "24:00", 1)]),
     "overlaps"),
])
def test_bad_inputs(call, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        call()
