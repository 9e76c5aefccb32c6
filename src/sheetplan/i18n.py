"""The one lookup behind every bilingual table (input messages, output labels, ribbon texts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Bilingual = Mapping[str, tuple[str, str]]


def pick(table: Bilingual, key: str, lang: str, **kw: object) -> str:
    """The Chinese or English text of `key`, formatted; anything but 'en' reads Chinese."""
    zh, en = table[key]
    text = en if lang == "en" else zh
    return text.format(**kw) if kw else text


def join(items: Iterable[object], lang: str) -> str:
    """A list as the language writes one: 售前、催单 / Pre-sales, Reminders."""
    return ("、" if lang == "zh" else ", ").join(map(str, items))
