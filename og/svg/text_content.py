"""The characters of a text element → paragraphs of styled spans, as a browser would collapse
its white space (CSS ``pre-line``: a line feed in a value is a break, in point text a space)."""

from __future__ import annotations

import re
import typing as t

from lxml import etree

from ..text.model import Span
from ..text.model import TextStyle
from .names import SODIPODI_NS
from .names import SVG_NS

INLINE_TAGS = frozenset(f"{{{SVG_NS}}}{name}" for name in
                        ("tspan", "flowSpan", "flowPara", "flowDiv", "a", "textPath", "tref"))
_PARAGRAPH_TAGS = frozenset(f"{{{SVG_NS}}}{name}" for name in ("flowPara", "flowDiv"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINE_FEEDS = re.compile("\r\n|[\r\n\u2028\u2029]")

Chunks = list[tuple[str, etree._Element]]
#: The style of the characters of ``node`` inside the text element ``top``.
StyleOf = t.Callable[[etree._Element, etree._Element], TextStyle]


def chunks(node: etree._Element) -> t.Iterator[tuple[str, etree._Element]]:
    """Character data in document order, each with the element whose style it has."""
    if node.text:
        yield node.text, node
    for child in node:
        if child.tag in INLINE_TAGS:
            yield from chunks(child)
        if child.tail:
            yield child.tail, node



def paragraphs(top: etree._Element, kind: str, style_of: StyleOf) -> tuple[tuple[Span, ...], ...]:
    raw: list[list[tuple[str, etree._Element]]] = [[]]

    def new_paragraph() -> None:
        if raw[-1]:
            raw.append([])

    children = [c for c in top if c.tag in INLINE_TAGS]
    if top.text:
        raw[-1].append((top.text, top))
    for child in children:
        if kind == "flowed" and not "".join(child.itertext()):
            # An empty fallback line (e.g. left by a placeholder joined back together).
            if child.tail:
                raw[-1].append((child.tail, top))
            continue
        starts_paragraph = (
            child.tag in _PARAGRAPH_TAGS
            or child.get(f"{{{SODIPODI_NS}}}role") == "line"
        )
        # In SVG2 flowed text the tspans are only Inkscape's pre-wrapped fallback lines
        # of one flow (a paragraph's last line ends with "\n"), so they start nothing.
        if starts_paragraph and kind != "flowed":
            new_paragraph()
        raw[-1].extend(chunks(child))
        if child.tail:
            raw[-1].append((child.tail, top))
    if kind == "point":
        # Point text has one line per Inkscape line; a line feed in a value is a space.
        raw = [[(_LINE_FEEDS.sub(" ", text), node) for text, node in chunks] for chunks in raw]
    paragraphs = [_normalise(top, chunks, style_of) for chunks in _split_newlines(raw)]
    return tuple(_without_blank_runs(paragraphs))



def _normalise(top: etree._Element, chunks: Chunks, style_of: StyleOf) -> tuple[Span, ...]:
    spans: list[Span] = []
    previous_space = True
    for text, node in chunks:
        text = _SPACES.sub(" ", _CONTROL.sub("", text.replace("\t", " ")))
        if previous_space:
            text = text.lstrip(" ")
        if not text:
            continue
        previous_space = text.endswith(" ")
        spans.append(Span(text, style_of(top, node)))
    while spans and spans[-1].text.endswith(" "):
        last = spans.pop()
        if last.text.rstrip(" "):
            spans.append(Span(last.text.rstrip(" "), last.style))
            break
    if not spans:
        spans.append(Span("", style_of(top, top)))
    return tuple(spans)



def _without_blank_runs(paragraphs: list[tuple[Span, ...]]) -> list[tuple[Span, ...]]:
    """No blank paragraph at either end, and never two in a row: a value's empty lines
    must not push the text out of its box (Inkscape also ends flowed text with a "\n")."""
    def blank(paragraph: tuple[Span, ...]) -> bool:
        return not any(span.text for span in paragraph)

    kept = [p for i, p in enumerate(paragraphs) if not (blank(p) and i and blank(paragraphs[i - 1]))]
    while len(kept) > 1 and blank(kept[-1]):
        kept.pop()
    while len(kept) > 1 and blank(kept[0]):
        kept.pop(0)
    return kept


def _split_newlines(raw: list[Chunks]) -> t.Iterator[Chunks]:
    """A line feed in the text (a value may hold one) is a hard break, like CSS pre-line."""
    for chunks in raw:
        current: list[tuple[str, etree._Element]] = []
        for text, node in chunks:
            parts = _LINE_FEEDS.split(text)
            for number, part in enumerate(parts):
                if number:
                    yield current
                    current = []
                if part:
                    current.append((part, node))
        yield current
