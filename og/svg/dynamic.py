"""Which elements of a filled card depend on the request's values: a filled document → the set of
its elements that hold a value (text a request fills, a picture, a colour, a mirrored or resized
shape), handed from stage to stage as a value rather than left as a mark on the tree.

The raster stage paints everything before the first of them once per template
(:mod:`og.raster.static`). A stage that puts a new element where a dynamic one was (text drawn as
paths, an effect drawn as an image) says so with :meth:`Dynamic.replaced`.
"""

from __future__ import annotations

import typing as t

from lxml import etree

from .names import index_path


class Dynamic:
    """A set of elements of one document, by identity (lxml keeps one proxy per element while it
    is referenced, so the set finds the same elements when the tree is walked again)."""

    __slots__ = ("_elements", "taken", "variant")

    def __init__(self, elements: t.Iterable[etree._Element] = ()) -> None:
        self._elements: set[etree._Element] = set(elements)
        #: The elements a value took away, in order, by their path when they went.
        self.taken: tuple[tuple[int, ...], ...] = ()
        #: What the elements that depend on the values only through a few choices chose (see :meth:`vary`).
        self.variant: tuple[t.Hashable, ...] = ()

    def add(self, node: etree._Element) -> None:
        self._elements.add(node)

    def discard(self, node: etree._Element) -> None:
        self._elements.discard(node)

    def __contains__(self, node: object) -> bool:
        return node in self._elements

    def __len__(self) -> int:
        return len(self._elements)

    def __iter__(self) -> t.Iterator[etree._Element]:
        return iter(self._elements)

    def holds_value(self, node: etree._Element) -> bool:
        """Whether ``node`` or anything inside it is dynamic."""
        return any(n in self._elements for n in node.iter(etree.Element))

    def replaced(self, old: etree._Element, new: etree._Element) -> None:
        """``new`` stands where ``old`` was: it is dynamic when ``old`` or anything in it was (an
        effect drawn as one image of a group holds that group's values too)."""
        if self.holds_value(old):
            self._elements.add(new)
        self._elements.discard(old)

    def vary(self, choice: t.Hashable) -> None:
        """Some elements depend on the values only through ``choice`` (a mirrored layout's
        direction, a colour from a palette): rather than holding a value, they stay where a
        cached background may contain them, and ``choice`` joins that background's key
        (:attr:`variant`), so each choice has its own background."""
        if choice not in self.variant:
            self.variant += (choice,)

    def take_away(self, node: etree._Element) -> None:
        """Remove ``node`` from its document for this card (a value hid it). What comes after it
        up to the next value then joins the background: :attr:`taken` says which elements went,
        and is part of the background's key, so each set of hidden elements has its own."""
        parent = node.getparent()
        if parent is None:
            return
        self.taken += (index_path(node),)  # before the removal: the next path is read after it
        parent.remove(node)
        self._elements.discard(node)

    def first(self, root: etree._Element) -> etree._Element | None:
        """The first dynamic element of ``root`` in document order (None: the card holds no value)."""
        return next((n for n in root.iter(etree.Element) if n in self._elements), None)
