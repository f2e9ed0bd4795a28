"""Rows from data files: what each kind of file gives, and the errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from og.rows import DataError
from og.rows import read_rows
from og.rows import rows_from_text
from og.rows import select_columns


@pytest.mark.parametrize(("label", "text"), [
    ("p.csv", 'title,author\n"Tom, ""the cat""",Jane\nBye,\n'),
    ("p.jsonl", '{"title": "Tom, \\"the cat\\"", "author": "Jane"}\n\n'
                '{"title": "Bye", "author": null}\n'),
    ("p.json", '[{"title": "Tom, \\"the cat\\"", "author": "Jane"}, {"title": "Bye", "author": ""}]'),
])
def test_every_kind_gives_the_same_rows(label: str, text: str) -> None:
    rows = rows_from_text(text, label)
    assert [row.values for row in rows] == [{"title": 'Tom, "the cat"', "author": "Jane"}, {"title": "Bye"}]
    assert [row.number for row in rows] == [1, 2]


def test_csv_rows_name_their_line() -> None:
    rows = rows_from_text("title\nA\n\"multi\nline\"\nC\n", "p.csv")
    assert [row.source for row in rows] == ["p.csv:2", "p.csv:4", "p.csv:5"]
    assert rows[1].values == {"title": "multi\nline"}


def test_markdown_front_matter(tmp_path: Path) -> None:
    (tmp_path / "b-post.md").write_text("---\ntitle: 'Hé: yes'\ndate: 2026-11-03\ntags: [a, b]\n"
                                        "draft: false\n---\n# Body\n", encoding="utf-8")
    (tmp_path / "a-post.md").write_text("No front matter here.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("---\ntitle: ignored\n---\n", encoding="utf-8")
    rows = read_rows(tmp_path)
    assert [(row.stem, row.values) for row in rows] == [
        ("a-post", {}),
        ("b-post", {"title": "Hé: yes", "date": "2026-11-03", "tags": "a, b", "draft": "false"}),
    ]


@pytest.mark.parametrize(("label", "text", "message"), [
    ("p.csv", "title\nA,B\n", "p.csv:2: more cells"),
    ("p.jsonl", '{"title": "A"}\n{"title": \n', "p.jsonl:2: not JSON"),
    ("p.jsonl", '["A"]\n', "p.jsonl:1: a row must be an object"),
    ("p.json", '{"title": "A"}', "must hold an array"),
    ("p.xml", "<x/>", "og reads .csv"),
])
def test_bad_files_say_where(label: str, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        rows_from_text(text, label)


def test_unclosed_front_matter(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text("---\ntitle: A\n", encoding="utf-8")
    with pytest.raises(DataError, match="x.md: front matter opened with --- is never closed"):
        read_rows(tmp_path)


def test_extra_columns_are_refused_or_dropped() -> None:
    rows = rows_from_text("title,slug,titel\nA,a,typo\n", "p.csv")
    with pytest.raises(DataError, match=r"'titel' are not parameters of template 'article' "
                                        r"\(it accepts: title, author\).*--ignore-extra"):
        select_columns(rows, "article", ["title", "author"], ignore_extra=False, name_column="slug")
    kept = select_columns(rows, "article", ["title", "author"], ignore_extra=True, name_column="slug")
    assert kept[0].values == {"title": "A"}
