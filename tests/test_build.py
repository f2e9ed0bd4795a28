"""``og build``: cards in a folder, one per row, with a manifest; unchanged rows are skipped,
shards merge, and failures are listed with their rows and a non-zero exit."""

from __future__ import annotations

import ctypes
import dataclasses
import io
import json
import os
import re
import time
import typing as t
from pathlib import Path

import pytest
from PIL import Image

import og
from og import build
from og.cli import main
from og.report import shown_text
from og.rows import DataError
from og.rows import rows_from_text
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import ROOT
from tests.conftest import settings_for

LONG = "A title that goes on and on about fonts and shaping and breaking lines " * 4
CSV = ("slug,title,author\n"
       "hello,Hello world,Jane\n"
       f"long,{LONG.strip()},Bob\n"
       "arabic,مرحبا بالعالم,Layla\n"
       "quote,\"Tom & \"\"Jerry\"\" <b>\",Ann\n")


@pytest.fixture(autouse=True)
def _bundled_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads settings from the environment: point it at the bundled templates."""
    monkeypatch.setenv("OG_TEMPLATES_DIR", str(BUNDLED_TEMPLATES))


def _manifest(folder: Path) -> dict[str, t.Any]:
    return t.cast(dict[str, t.Any], json.loads((folder / "manifest.json").read_text(encoding="utf-8")))


def _build(tmp_path: Path, csv: str, *args: str) -> int:
    data = tmp_path / "posts.csv"
    data.write_text(csv, encoding="utf-8")
    return main(["build", "article", str(data), "--out", str(tmp_path / "out"), *args])


def test_one_card_per_row_with_a_manifest(tmp_path: Path) -> None:
    assert _build(tmp_path, CSV, "--name-column", "slug", "--workers", "2") == 0
    out = tmp_path / "out"
    manifest = _manifest(out)
    assert manifest["template"] == "article" and manifest["format"] == "png"
    cards = manifest["cards"]
    assert [(card["row"], card["file"]) for card in cards] == [
        (1, "hello.png"), (2, "long.png"), (3, "arabic.png"), (4, "quote.png")]
    for card in cards:
        body = (out / card["file"]).read_bytes()
        image = Image.open(io.BytesIO(body))
        assert image.format == "PNG" and image.size == (card["width"], card["height"]) == (1200, 630)
        assert card["bytes"] == len(body)
        assert len(image.convert("L").getcolors(65536) or ()) > 20  # drawn, not blank
    alts = {card["file"]: card["alt"] for card in cards}
    assert "Hello world — Jane" in alts["hello.png"]
    assert "مرحبا بالعالم" in alts["arabic.png"]
    assert 'Tom & "Jerry" <b>' in alts["quote.png"]
    long_alt = alts["long.png"].split(" — ")[0]  # title, author: a value left out is not in the alt
    assert long_alt.endswith("…") and LONG.startswith(long_alt[:-1].rstrip(" ,"))  # cut as on the card
    assert sorted(path.name for path in out.iterdir()) == sorted([*alts, "manifest.json"])


def test_unchanged_rows_are_not_rendered_again(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _build(tmp_path, CSV, "--name-column", "slug", "--workers", "1") == 0
    out = tmp_path / "out"
    before = {path.name: path.stat().st_mtime_ns for path in out.glob("*.png")}
    capsys.readouterr()
    changed = CSV.replace("Hello world", "Hello again")
    assert _build(tmp_path, changed, "--name-column", "slug", "--workers", "1") == 0
    assert "4 cards (1 rendered, 3 unchanged), 0 failed" in capsys.readouterr().err
    after = {path.name: path.stat().st_mtime_ns for path in out.glob("*.png")}
    assert [name for name in before if before[name] != after[name]] == ["hello.png"]
    assert "Hello again" in _manifest(out)["cards"][0]["alt"]


def test_file_names_from_the_content_hash(tmp_path: Path) -> None:
    assert _build(tmp_path, "title\nA\nB\n", "--workers", "1") == 0
    names = [card["file"] for card in _manifest(tmp_path / "out")["cards"]]
    assert all(len(name) == build.HASH_NAME_DIGITS + 4 and name.endswith(".png") for name in names)
    assert len(set(names)) == 2


def test_unknown_columns_are_refused_unless_ignored(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert _build(tmp_path, "title,titel\nA,B\n") == 2
    assert "'titel' are not parameters of template 'article'" in capsys.readouterr().err
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert _build(tmp_path, "title,titel\nA,B\n", "--ignore-extra", "--workers", "1") == 0


def test_failures_are_listed_with_their_rows(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    csv = "slug,title\nok,Fine\n../evil,Bad name\nlong,{}\nok,Same name\n".format("x" * 400)
    assert _build(tmp_path, csv, "--name-column", "slug", "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "1 cards (1 rendered, 0 unchanged), 3 failed" in err
    assert "row 2 (posts.csv:3): '../evil' cannot be a file name" in err
    assert "row 3 (posts.csv:4): parameter 'title' is 400 characters long" in err
    assert "row 4 (posts.csv:5): file ok.png is already row 1's" in err
    manifest = _manifest(tmp_path / "out")
    assert [failure["row"] for failure in manifest["failures"]] == [2, 3, 4]
    assert not (tmp_path / "evil.png").exists()


def test_shards_split_the_rows_and_merge(tmp_path: Path) -> None:
    rows = rows_from_text("slug,title\n" + "".join(f"p{i},Post {i}\n" for i in range(5)), "p.csv")
    settings = settings_for(BUNDLED_TEMPLATES)
    for k in (1, 2):
        options = build.Options("article", tmp_path / f"shard{k}", name_column="slug", shard=(k, 2),
                                workers=1)
        build.build(rows, options, settings)
    assert [c["file"] for c in _manifest(tmp_path / "shard1")["cards"]] == ["p0.png", "p2.png", "p4.png"]
    assert [c["file"] for c in _manifest(tmp_path / "shard2")["cards"]] == ["p1.png", "p3.png"]
    assert main(["build", "--merge-manifests", str(tmp_path / "shard1"), str(tmp_path / "shard2"),
                 "--out", str(tmp_path / "site")]) == 0
    merged = _manifest(tmp_path / "site")
    assert [(c["row"], c["file"]) for c in merged["cards"]] == [(i + 1, f"p{i}.png") for i in range(5)]
    expected = [*(f"p{i}.png" for i in range(5)), "manifest.json"]
    assert sorted(os.listdir(tmp_path / "site")) == sorted(expected)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b"])
def test_bad_shards(text: str) -> None:
    with pytest.raises(DataError, match="--shard wants K/N"):
        build.parse_shard(text)


def test_markdown_folder_names_cards_after_files(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "first-post.md").write_text("---\ntitle: First\ntags: [x]\n---\nBody\n", encoding="utf-8")
    assert main(["build", "article", str(posts), "--out", str(tmp_path / "out"), "--ignore-extra"]) == 0
    (card,) = _manifest(tmp_path / "out")["cards"]
    assert card["file"] == "first-post.png" and card["values"] == {"title": "First"}


def test_progress_lines_without_a_terminal() -> None:
    stream = io.StringIO()
    every = build.PROGRESS_EVERY
    progress = build.progress_for(every + 1, stream)
    for _ in range(every + 1):
        progress.update()
    assert stream.getvalue().splitlines() == [f"og build: {every}/{every + 1} cards",
                                              f"og build: {every + 1}/{every + 1} cards"]


def test_the_static_site_example(tmp_path: Path) -> None:
    posts = ROOT / "examples" / "static_site" / "posts"
    assert main(["build", "article", str(posts), "--out", str(tmp_path / "cards"), "--ignore-extra"]) == 0
    cards = {card["file"]: card for card in _manifest(tmp_path / "cards")["cards"]}
    assert sorted(cards) == ["arabic.png", "ci-times.png", "long-title.png"]
    assert cards["ci-times.png"]["alt"].endswith("— 2026-11-03")  # the date from front matter
    assert "min read" not in cards["ci-times.png"]["alt"]  # never the template's example
    assert "ligatures,… — Bob" in cards["long-title.png"]["alt"]
    with Image.open(tmp_path / "cards" / "arabic.png") as image:
        assert image.size == (1200, 630)


def test_a_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = build.progress_for(3, stream)
    for _ in range(3):
        bar.update()
    bar.close()
    assert type(bar).__name__ == "tqdm" and "3/3" in stream.getvalue()


def test_svg_cards(tmp_path: Path) -> None:
    assert _build(tmp_path, "title\nVector\n", "--format", "svg", "--workers", "1") == 0
    (card,) = _manifest(tmp_path / "out")["cards"]
    body = (tmp_path / "out" / card["file"]).read_bytes()
    assert card["file"].endswith(".svg") and body.startswith(b"<?xml") and b"<svg" in body


def test_rows_are_handed_out_in_chunks() -> None:
    jobs = [build.Job(number, "", {}, "", "") for number in range(1000)]
    chunks = build.chunks(jobs, 2)
    assert max(map(len, chunks)) == build.CHUNK_ROWS and len(chunks) < len(jobs) // 10
    assert [job.row for chunk in chunks for job in chunk] == list(range(1000))  # each row once, in order
    assert len(build.chunks(jobs[:3], 2)) == 3  # few rows: one each, so that every worker has some


def _fails_for(title: str, failure: t.Callable[[], object]) -> t.Callable[..., dict[str, t.Any]]:
    """``render_job``, failing for the row with ``title`` (render processes are forked from this
    process, so they call it too)."""
    render_job = build.render_job

    def render(job: build.Job, *args: t.Any, **kwargs: t.Any) -> dict[str, t.Any]:
        if job.values.get("title") == title:
            failure()
        return render_job(job, *args, **kwargs)

    return render


def _greedy() -> None:
    raise MemoryError


def test_a_chunk_stopped_from_outside_fails_only_its_row(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Past OG_RENDER_MEMORY a render process ends, with the other rows of its chunk: they are
    handed out again one by one, and only the greedy row fails."""
    monkeypatch.setattr(build, "render_job", _fails_for("Greedy", _greedy))
    titles = ["One", "Two", "Greedy", "Four", "Five", "Six", "Seven", "Eight"]
    rows = rows_from_text("title\n" + "\n".join(titles) + "\n", "rows.csv")
    options = build.Options("article", tmp_path / "out", workers=1)
    assert max(map(len, build.chunks([build.Job(row.number, "", {}, "", "") for row in rows], 1))) > 1
    result = build.build(rows, options, settings_for(BUNDLED_TEMPLATES))
    assert [card["row"] for card in result.cards] == [1, 2, 4, 5, 6, 7, 8]
    assert all((tmp_path / "out" / card["file"]).stat().st_size == card["bytes"] for card in result.cards)
    assert result.failures == [{"row": 3, "source": "rows.csv:4", "error":
                                "the card needed more memory than a render may use (OG_RENDER_MEMORY); "
                                "try again later"}]


def _stuck() -> None:
    ctypes.CDLL(None).sleep(60)  # in C: no cooperative check stops it, only the kill


def test_a_row_stuck_in_a_native_call_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its chunk is killed at two rows' budgets; the chunk's rows are handed out again one by one,
    and only the stuck row fails, killed at its own budget."""
    monkeypatch.setattr(build, "render_job", _fails_for("Stuck", _stuck))
    rows = rows_from_text("title\nOne\nStuck\n" + "".join(f"Card {n}\n" for n in range(6)), "rows.csv")
    assert max(map(len, build.chunks([build.Job(row.number, "", {}, "", "") for row in rows], 1))) > 1
    budget_s = 2.0
    settings = dataclasses.replace(settings_for(BUNDLED_TEMPLATES), render_timeout=budget_s)
    started = time.monotonic()
    result = build.build(rows, build.Options("article", tmp_path / "out", workers=1), settings)
    assert time.monotonic() - started < 6 * budget_s + 30  # the chunk's kill, then the row's: not 60 s
    assert [card["row"] for card in result.cards] == [1, *range(3, 9)]
    assert result.failures == [{"row": 2, "source": "rows.csv:3",
                                "error": "the card took longer than its render budget; try again later"}]


def test_a_failing_row_in_a_chunk_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ValueError("no")

    monkeypatch.setattr(build, "render_job", _fails_for("Broken", broken))
    rows = rows_from_text("title\nOne\nBroken\n" + "".join(f"Card {n}\n" for n in range(10)), "rows.csv")
    assert max(map(len, build.chunks([build.Job(row.number, "", {}, "", "") for row in rows], 1))) > 1
    result = build.build(rows, build.Options("article", tmp_path / "out", workers=1),
                         settings_for(BUNDLED_TEMPLATES))
    assert result.rendered == 11 and len(result.cards) == 11
    assert result.failures == [{"row": 2, "source": "rows.csv:3", "error": "ValueError: no"}]


def test_the_summary_says_how_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _build(tmp_path, CSV, "--name-column", "slug", "--workers", "1") == 0
    match = re.search(r"4 cards \(4 rendered, 0 unchanged\), 0 failed in ([0-9.]+) s, ([0-9.]+) cards/s",
                      capsys.readouterr().err)
    assert match and float(match[1]) > 0 and float(match[2]) > 0
    stream = io.StringIO()
    build.summary(build.Result([{}] * 12, [], rendered=10, skipped=2, render_s=4.0), stream)
    assert stream.getvalue() == ("og build: 12 cards (10 rendered, 2 unchanged), 0 failed "
                                 "in 4.0 s, 2.5 cards/s\n")


def test_a_card_and_its_alt_from_one_layout_are_what_og_serves(tmp_path: Path) -> None:
    """The build lays a card out once for its PNG and its report: the same bytes as the card's
    ``.png`` and the same alt as its ``.json`` give."""
    assert _build(tmp_path, CSV, "--name-column", "slug", "--workers", "1") == 0
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES))
    for card in _manifest(tmp_path / "out")["cards"]:
        plan = renderer.plan("article", card["values"])
        assert (tmp_path / "out" / card["file"]).read_bytes() == renderer.render_plan(plan)
        assert card["alt"] == shown_text(renderer.report(plan))
