"""Greedy line breaking over measured widths: no fonts, no shaping, easy to test.

Input is one paragraph as per-code-point advances (px) plus where it may break; output
is ``(start, end)`` ranges. A stretch with no opportunity that is wider than the box is
broken between grapheme clusters, so nothing ever overflows.
"""

from __future__ import annotations

import dataclasses
import typing as t

# A line may exceed the box by this much (px): rounding in advances, not real overflow.
WIDTH_EPSILON = 0.01


@dataclasses.dataclass(frozen=True)
class Breaks:
    lines: list[tuple[int, int]]
    forced: bool  # True when some word had to be broken inside itself


def trimmed_end(start: int, end: int, is_space: t.Sequence[bool]) -> int:
    """End of the range without its trailing white space (which hangs, CSS-style)."""
    while end > start and is_space[end - 1]:
        end -= 1
    return end


def _width(prefix: t.Sequence[float], start: int, end: int) -> float:
    return prefix[end] - prefix[start]


def break_lines(advances: t.Sequence[float], opportunities: t.Sequence[int],
                clusters: t.Sequence[int], is_space: t.Sequence[bool],
                max_width: float, end_extra: t.Mapping[int, float] | None = None,
                avoid: t.Collection[int] = ()) -> Breaks:
    """Fill lines greedily, breaking at the last opportunity that still fits.

    :param advances: width of each code point (0 for the non-first of a cluster is fine).
    :param opportunities: offsets where a line may end (UAX #14), ending with ``len``.
    :param clusters: grapheme cluster end offsets, for emergency breaks.
    :param is_space: per code point, whether it is white space that may hang.
    :param end_extra: width a line ending at an offset gains there (the hyphen of a
        hyphenated break), so it still fits with it.
    :param avoid: opportunities taken only when no other one fits the line (inside a phrase).
    """
    extra = end_extra or {}
    n = len(advances)
    prefix = [0.0]
    for advance in advances:
        prefix.append(prefix[-1] + advance)
    limit = max_width + WIDTH_EPSILON
    lines: list[tuple[int, int]] = []
    forced = False
    start = 0
    candidates = [o for o in opportunities if 0 < o <= n]
    i = 0
    while start < n:
        best = avoided = -1
        while i < len(candidates) and candidates[i] <= start:
            i += 1
        j = i
        while j < len(candidates):
            end = candidates[j]
            width = _width(prefix, start, trimmed_end(start, end, is_space))
            if width > limit:
                break
            if width + extra.get(end, 0.0) <= limit:
                if end in avoid:
                    avoided = end
                else:
                    best = end
            j += 1
        if best == -1:
            best = avoided
        if best == -1:
            # Nothing fits: cut the first word between grapheme clusters.
            forced = True
            best = start
            for end in clusters:
                if end <= start:
                    continue
                if _width(prefix, start, end) <= limit or best == start:
                    best = end
                    if _width(prefix, start, end) > limit:
                        break
                else:
                    break
            if _width(prefix, start, best) > limit and best - start > 1:
                # One cluster wider than the box (a base with dozens of spacing marks):
                # only then is a cluster cut, between code points, so nothing overflows.
                best = max(start + 1, max(i for i in range(start + 1, best)
                                          if _width(prefix, start, i) <= limit or i == start + 1))
        lines.append((start, best))
        start = best
    return Breaks(lines, forced)
