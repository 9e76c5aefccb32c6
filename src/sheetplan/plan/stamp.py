"""A printed page's version stamp: the planner's version label and a short checksum of the
plan's content, so two printouts of different plans can be told apart while a rebuild of the same
plan stays byte-identical (nothing in it depends on the time or the machine)."""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd

from .model import Plan


def content_hash(plan: Plan) -> str:
    """Eight hex digits over every table and setting of the plan (cell addresses left out)."""
    h = hashlib.sha256()
    for f in dataclasses.fields(plan):
        value = getattr(plan, f.name)
        if f.name == "sheets":
            continue  # the sheet names a plan was read from are not its content
        h.update(f.name.encode())
        h.update(value.to_csv().encode() if isinstance(value, pd.DataFrame) else repr(value).encode())
    return h.hexdigest()[:8]


def stamp(plan: Plan) -> str:
    """'V2 · 1a2b3c4d' (or just the checksum when the plan sets no version)."""
    digest = content_hash(plan)
    return f"{plan.settings.version} · {digest}" if plan.settings.version else digest
