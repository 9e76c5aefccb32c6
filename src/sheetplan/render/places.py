"""Where the renderer put things that later readers need to find again (the published roster's
store, the edit check): a plain record the render layer owns, so it never imports the store above it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GridPlace:
    """Where a department's grid is: sheet, header row (0-based), first day column, person rows."""

    sheet: str
    header: int
    first_col: int
    rows: dict[str, int] = field(default_factory=dict)
