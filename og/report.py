"""The layout report (``/{name}.json``): what og decided for every text box, as plain data.

Tests, designers and the gallery read it to see where each line went, which font drew
each run, whether text was shrunk or cut, and which code points no font could draw.
"""

from __future__ import annotations

import typing as t

from .svg.read_text import TextSlot
from .template.params import json_number
from .text.layout import Line
from .text.layout import PlacedRun
from .text.layout import TextLayout


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _run(run: PlacedRun) -> dict[str, t.Any]:
    return {
        "text": run.text,
        "font": run.font.face.family,
        "face": run.font.label,
        "weight": run.font.weight,
        "file": run.font.face.path.rsplit("/", 1)[-1],
        "system_font": run.font.face.system,
        "direction": "rtl" if run.rtl else "ltr",
        "script": run.script,
        "x": _r(run.x),
        "width": _r(run.width),
    }


def _line(line: Line) -> dict[str, t.Any]:
    return {
        "text": line.text,
        "x": _r(line.x),
        "baseline": _r(line.baseline),
        "top": _r(line.top),
        "bottom": _r(line.bottom),
        "width": _r(line.width),
        "direction": "rtl" if line.rtl else "ltr",
        "runs": [_run(run) for run in line.runs],
    }


def _area(slot: TextSlot, layout: TextLayout) -> dict[str, float | None]:
    """The area the text may use. Point text is anchored at ``box.x``: its area starts
    half or all of its width to the left for middle and end anchors."""
    box = layout.box
    x = box.x
    if slot.block.vertical is not None and not slot.block.wraps:
        # Vertical point text: its room runs down (or up, or both ways from) its y.
        room = box.width
        y = box.y - {"middle": (room or 0.0) / 2, "end": room or 0.0}.get(slot.block.options.align, 0.0)
        return {"x": _r(x), "y": _r(y), "width": None, "height": _r(room)}
    if not slot.block.wraps and box.width is not None:
        x -= {"middle": box.width / 2, "end": box.width}.get(slot.block.options.align, 0.0)
    return {"x": _r(x), "y": _r(box.y), "width": _r(box.width), "height": _r(box.height)}


def text_report(slot: TextSlot, layout: TextLayout) -> dict[str, t.Any]:
    report = _text_report(slot, layout)
    if slot.block.path is not None:
        # Text on a path: each run's x is its distance along the path, from the path's start.
        walk = slot.block.path.walk()
        report["path"] = {"length": _r(walk.length), "start": _r(walk.start), "side": slot.block.path.side}
    if slot.block.vertical is not None:
        # Vertical text: each line is a column; x is its centre line, top and bottom its ends.
        report["writing_mode"] = slot.block.vertical.mode
        report["text_orientation"] = slot.block.vertical.orientation
        report["columns"] = [{"text": line.text, "x": _r(line.baseline), "top": _r(line.top),
                              "bottom": _r(line.bottom), "length": _r(line.bottom - line.top)}
                             for line in layout.lines]
    return report


def _text_report(slot: TextSlot, layout: TextLayout) -> dict[str, t.Any]:
    return {
        "id": slot.id,
        "kind": slot.kind,
        "box": _area(slot, layout),
        "align": slot.block.options.align,
        "font_size": layout.font_size,
        "requested_font_size": slot.block.paragraphs[0][0].style.size if slot.block.paragraphs else None,
        "line_height": _r(layout.line_advance),
        "shrunk": layout.shrunk,
        "truncated": layout.truncated,
        "forced_breaks": layout.forced_breaks,
        "lang": layout.lang,
        "word_break": layout.word_break,
        "missing": list(layout.missing),
        "lines": [_line(line) for line in layout.lines],
    }


def layout_report(name: str, width: float, height: float, values: t.Mapping[str, str],
                  texts: t.Sequence[tuple[TextSlot, TextLayout]]) -> dict[str, t.Any]:
    reports = [text_report(slot, layout) for slot, layout in texts]
    return {
        "template": name,
        "width": json_number(width),
        "height": json_number(height),
        "params": dict(values),
        "texts": reports,
        "missing": sorted({cp for report in reports for cp in report["missing"]}),
    }


#: Between the texts of different boxes in :func:`shown_text` (a title, then its author).
TEXT_SEPARATOR = " — "


def shown_text(report: t.Mapping[str, t.Any]) -> str:
    """What a card shows, as one line of text for ``og:image:alt``: every box's lines, as laid
    out (an ellipsis where the text was cut), boxes in document order.

    >>> shown_text({"texts": [{"lines": [{"text": "How we cut"}, {"text": "CI times…"}]},
    ...                       {"lines": []}, {"lines": [{"text": "Jane"}]}]})
    'How we cut CI times… — Jane'
    """
    boxes = (" ".join(line["text"].strip() for line in item["lines"] if line["text"].strip())
             for item in report["texts"])
    return TEXT_SEPARATOR.join(box for box in boxes if box)
