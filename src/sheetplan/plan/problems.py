"""What is wrong with a plan, where: shared by the reader, the requirement resolver and the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# critical: a warning that must be read first (a gap at a must-cover window or the sale-day peak);
# like a warning it does not stop a build (``--strict`` turns it into a failure)
Severity = Literal["error", "critical", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the plan; `where` is 'Sheet!C7', 'Sheet' or the file name.
    ``department``: the department it is about, when `where` alone does not say (a roster's
    gap found at a sheet, not a row); see :mod:`sheetplan.plan.problem_owner`."""

    where: str
    message: str
    severity: Severity = "error"
    department: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
