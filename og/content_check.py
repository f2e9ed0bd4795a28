"""``og check --data``: rows of values → the rows whose text does not fit as written.

Every row is laid out and nothing is rasterized (the ``json`` format stops after layout), so a
whole site's titles are checked in seconds. A row is listed when a text box was shrunk, cut
(with an ellipsis, or ``og:ellipsis="none"``) or had characters no font draws.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .errors import OgError
from .render import Renderer
from .rows import Row


@dataclasses.dataclass(frozen=True)
class TextIssue:
    """One text box of one row that was shrunk, cut or missing glyphs."""

    text_id: str
    lines: int
    font_size: float
    requested_font_size: float | None
    shrunk: bool
    truncated: bool
    missing: tuple[str, ...]

    def __str__(self) -> str:
        parts = [f"{self.lines} line{'s' if self.lines != 1 else ''}"]
        if self.shrunk:
            parts.append(f"shrunk from {self.requested_font_size:g} to {self.font_size:g} px")
        if self.truncated:
            parts.append("cut")
        if self.missing:
            parts.append(f"no glyph for {' '.join(self.missing[:10])}")
        return f"{self.text_id}: {', '.join(parts)}"


@dataclasses.dataclass(frozen=True)
class RowIssues:
    row: Row
    texts: tuple[TextIssue, ...] = ()
    error: str = ""

    @property
    def serious(self) -> bool:
        """What ``--strict`` fails on: a refused row, cut text or missing glyphs (shrinking is
        what the designer asked for)."""
        return bool(self.error) or any(text.truncated or text.missing for text in self.texts)


def text_issues(report: t.Mapping[str, t.Any]) -> tuple[TextIssue, ...]:
    """The text boxes of a layout report that were shrunk, cut or missing glyphs."""
    return tuple(TextIssue(item["id"], len(item["lines"]), item["font_size"], item["requested_font_size"],
                           item["shrunk"], item["truncated"], tuple(item["missing"]))
                 for item in report["texts"] if item["shrunk"] or item["truncated"] or item["missing"])


def check_rows(renderer: Renderer, name: str, rows: t.Iterable[Row]) -> list[RowIssues]:
    """Every row that was refused, or whose text was shrunk, cut or missing glyphs."""
    found = []
    for row in rows:
        try:
            report = renderer.report(renderer.plan(name, row.values, "json"))
        except OgError as error:
            found.append(RowIssues(row, error=error.message))
            continue
        texts = text_issues(report)
        if texts:
            found.append(RowIssues(row, texts))
    return found


def print_issues(found: t.Sequence[RowIssues], total: int, stream: t.TextIO) -> None:
    for issue in found:
        where = f"row {issue.row.number} ({issue.row.source})"
        if issue.error:
            print(f"{where}: refused: {issue.error}", file=stream)
        for text in issue.texts:
            print(f"{where}: {text}", file=stream)
    cut = sum(issue.serious for issue in found)
    print(f"{total} rows: {len(found)} with text that did not fit as written, {cut} cut, refused "
          "or missing glyphs", file=stream)
