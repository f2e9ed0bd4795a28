"""Which scripts og's fallback chain draws: a font set → per Unicode script (ICU's data), the
assigned code points the chain has a glyph for, and the families that draw them.

For ``og doctor`` and the table in ``fonts/README.md`` (``fonts/bundle_noto.py --table``). It
reads every font of the chain, so it is for tools, never for a request.
"""

from __future__ import annotations

import collections
import dataclasses

import icu

from .text.fallbacks import FALLBACK_FAMILIES
from .text.fonts import FontSet

_NOT_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})


@dataclasses.dataclass(frozen=True)
class ScriptCoverage:
    code: str  # ISO 15924, e.g. "Beng"
    name: str  # e.g. "Bengali"
    drawn: int  # assigned code points some font of the chain draws
    assigned: int
    families: tuple[str, ...]  # the chain's families that draw most of them, first the most

    @property
    def complete(self) -> bool:
        return self.drawn == self.assigned


def script_coverage(fonts: FontSet) -> list[ScriptCoverage]:
    """Every script with assigned code points, in code order."""
    owner: dict[int, str] = {}
    for family in FALLBACK_FAMILIES:
        font = fonts.match(family, 400, False)
        for code_point in font.face.unicodes if font else ():
            owner.setdefault(code_point, family)
    codes = {icu.Script.getScript(c).getShortName() for c in range(0x110000)} - _NOT_SCRIPTS
    found = []
    for code in sorted(codes):
        members = [ord(c) for c in icu.UnicodeSet(f"[[:Script={code}:]-[:Cn:]]")]
        if not members:
            continue
        counts = collections.Counter(owner[c] for c in members if c in owner)
        found.append(ScriptCoverage(code, icu.Script.getScript(members[0]).getName().replace("_", " "),
                                    sum(counts.values()), len(members),
                                    tuple(family for family, _ in counts.most_common(2))))
    return found
