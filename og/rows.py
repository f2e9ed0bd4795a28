"""Rows of card values from a data file: CSV, JSON Lines, a JSON array, or a folder of Markdown
files with YAML front matter. ``og build`` renders one card per row and ``og check --data``
lays every row out; both read their input here, so they agree on what a row is.

Every value becomes text, as in a query string: an empty cell or a JSON ``null`` is left out (the
template's default applies), a list is joined with commas, anything else is ``str()``-ed.

>>> [row.values for row in rows_from_text("title,author\\nHello,Jane\\nBye,\\n", "posts.csv")]
[{'title': 'Hello', 'author': 'Jane'}, {'title': 'Bye'}]
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import typing as t
from pathlib import Path

from .errors import OgError

#: What a folder of Markdown files is read for.
MARKDOWN_SUFFIXES = (".md", ".markdown")


class DataError(OgError, status=400, code="bad_data"):
    """A data file og cannot read as rows (the message names the file and the line)."""


@dataclasses.dataclass(frozen=True)
class Row:
    """One card's values. ``number`` counts data rows from 1 (a CSV's header is not a row);
    ``source`` says where it came from (``posts.csv:4``, ``hello.md``); ``stem`` is a Markdown
    file's name without its suffix, the card's default file name."""

    number: int
    values: dict[str, str]
    source: str
    stem: str = ""


def _text(value: t.Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _values(record: t.Any, where: str) -> dict[str, str]:
    if not isinstance(record, dict):
        raise DataError(f"{where}: a row must be an object of name: value, not {type(record).__name__}")
    values = {}
    for name, value in record.items():
        text = _text(value)
        if text is not None:
            values[str(name)] = text
    return values


def _csv_rows(text: str, label: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for number, record in enumerate(reader, 1):
        if None in record:
            raise DataError(f"{label}:{reader.line_num}: more cells than the header has names")
        rows.append(Row(number, _values(record, label), f"{label}:{reader.line_num}"))
    return rows


def _jsonl_rows(text: str, label: str) -> list[Row]:
    rows: list[Row] = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{label}:{line_number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(f"{where}: not JSON ({error.msg})") from None
        rows.append(Row(len(rows) + 1, _values(record, where), where))
    return rows


def _json_rows(text: str, label: str) -> list[Row]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"{label}:{error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(records, list):
        raise DataError(f"{label}: a JSON file must hold an array of rows")
    return [Row(number, _values(record, f"{label}[{number - 1}]"), f"{label}[{number - 1}]")
            for number, record in enumerate(records, 1)]


def front_matter(text: str, label: str) -> dict[str, t.Any]:
    """The YAML between a Markdown file's opening ``---`` and the next ``---`` line; ``{}``
    when the file has none.

    >>> front_matter("---\\ntitle: Hello\\ntags: [a, b]\\n---\\nBody", "x.md")
    {'title': 'Hello', 'tags': ['a', 'b']}
    """
    import yaml

    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    closing = [number for number, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")]
    if not closing:
        raise DataError(f"{label}: front matter opened with --- is never closed")
    end = closing[0]
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise DataError(f"{label}: front matter is not YAML ({str(error).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(f"{label}: front matter must be name: value pairs")
    return data


def _markdown_rows(folder: Path) -> list[Row]:
    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in MARKDOWN_SUFFIXES)
    rows = []
    for number, path in enumerate(files, 1):
        data = front_matter(path.read_text(encoding="utf-8"), path.name)
        rows.append(Row(number, _values(data, path.name), path.name, stem=path.stem))
    return rows


READERS: dict[str, t.Callable[[str, str], list[Row]]] = {
    ".csv": _csv_rows, ".jsonl": _jsonl_rows, ".ndjson": _jsonl_rows, ".json": _json_rows,
}


def rows_from_text(text: str, label: str) -> list[Row]:
    """The rows of a file's ``text``; its kind comes from the suffix of ``label``."""
    reader = READERS.get(Path(label).suffix.lower())
    if reader is None:
        raise DataError(f"{label}: og reads {', '.join(READERS)} files or a folder of Markdown files")
    return reader(text, label)


def read_rows(path: str | Path) -> list[Row]:
    """The rows of a data file, or of a folder's Markdown files (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        return _markdown_rows(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise DataError(f"{path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    return rows_from_text(text, path.name)


def select_columns(rows: list[Row], template: str, accepted: t.Collection[str], ignore_extra: bool,
                   name_column: str = "") -> list[Row]:
    """The rows with only ``template``'s parameters. Other columns are refused (a typo in a
    header would silently leave every card on its default), or dropped with ``ignore_extra``;
    ``name_column`` names files and is never refused.

    :raises DataError: naming the extra columns and the accepted ones.
    """
    extra = sorted({name for row in rows for name in row.values} - set(accepted) - {name_column})
    if extra and not ignore_extra:
        raise DataError(f"column(s) {', '.join(map(repr, extra[:10]))} are not parameters of template "
                        f"{template!r} (it accepts: {', '.join(accepted) or 'none'}); "
                        "rename them, or pass --ignore-extra to leave them out")
    return [dataclasses.replace(row, values={k: v for k, v in row.values.items() if k in accepted})
            for row in rows]
