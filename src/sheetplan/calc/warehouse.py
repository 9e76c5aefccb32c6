"""Warehouse staffing: 配货人数 = X × 活动效果系数 / Y, rounded up, per post and group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .rounding import ceil_count

# Group order as in seed 000's staffing table; posts of unknown groups come after.
GROUP_ORDER: tuple[str, ...] = ("订单处理", "配货", "补货", "校验", "售后", "管理/统计")


@dataclass(frozen=True)
class Post:
    """A warehouse post: productivity Y in orders per person per day (0 = fixed head count)."""

    group: str
    name: str
    per_person: float
    fixed: int = 0  # fixed head count for posts not driven by orders (管理, 统计)


@dataclass(frozen=True)
class PostStaffing:
    post: Post
    orders: float  # orders handled on the day (X × coefficient × factor)
    heads: int


@dataclass(frozen=True)
class GroupStaffing:
    group: str
    posts: list[PostStaffing]

    @property
    def heads(self) -> int:
        return sum(p.heads for p in self.posts)


@dataclass(frozen=True)
class WarehouseStaffing:
    factor: float  # 1 for the forecast, 2 for the stress test
    orders: float
    groups: list[GroupStaffing]

    @property
    def heads(self) -> int:
        return sum(g.heads for g in self.groups)


def headcount(orders: float, coefficient: float, per_person: float) -> int:
    """⌈orders × coefficient / per_person⌉ — seed 000's formula."""
    if orders < 0:
        raise ValueError("orders must not be negative")
    if coefficient <= 0:
        raise ValueError("coefficient must be greater than 0")
    if per_person <= 0:
        raise ValueError("per_person must be greater than 0")
    return ceil_count(orders * coefficient / per_person)


def staff_warehouse(
    daily_orders: float, coefficient: float, posts: Sequence[Post], factor: float = 1.0
) -> WarehouseStaffing:
    """Heads per post and group for one day's orders at a stress factor (1×, 2×…)."""
    if factor <= 0:
        raise ValueError("factor must be greater than 0")
    orders = daily_orders * coefficient * factor
    by_group: dict[str, list[PostStaffing]] = {}
    for p in posts:
        heads = p.fixed if p.per_person <= 0 else headcount(daily_orders * factor, coefficient, p.per_person)
        by_group.setdefault(p.group, []).append(PostStaffing(p, orders, heads))
    rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    ordered = sorted(by_group, key=lambda g: (rank.get(g, len(rank)), list(by_group).index(g)))
    return WarehouseStaffing(factor, orders, [GroupStaffing(g, by_group[g]) for g in ordered])
