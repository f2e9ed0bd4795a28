"""og.text.fonts: CSS weight matching, synthesis, generic families, bundled vs system."""

from __future__ import annotations

import contextlib
import gc
import logging
import shutil
import warnings
from pathlib import Path

import pytest

from og.text.fonts import FontFace
from og.text.fonts import FontSet
from og.text.fonts import read_faces
from og.text.fonts import scan_folder
from tests.conftest import FONTS_DIR


@pytest.fixture(scope="module")
def inter_path(fonts):
    faces = fonts.faces_of("Inter")
    if not faces:
        pytest.skip("no Inter font in fonts/ or on the system")
    return faces[0].path


def _face(path, weight_min, weight_max=None, italic=False, variable=False, family="Inter"):
    axes = (("wght", float(weight_min), 400.0, float(weight_max or weight_min)),) if variable else ()
    return FontFace(path, 0, family, weight_min, weight_max or weight_min, italic, axes=axes)


def test_inter_800_is_800_not_700(fonts):
    font = fonts.match("Inter", 800, False)
    assert font is not None
    assert font.weight == 800
    assert font.face.weight_min <= 800 <= font.face.weight_max
    assert font.synthetic_bold is False
    assert font.label == "Inter 800"


def test_variable_face_gives_the_exact_weight(inter_path):
    variable = FontSet([_face(inter_path, 100, 900, variable=True)])
    for wanted in (100, 350, 700, 800, 900):
        font = variable.match("Inter", wanted, False)
        assert (font.weight, font.synthetic_bold) == (wanted, False)


@pytest.mark.parametrize("available, wanted, chosen", [
    ((400, 700), 800, 700),
    ((400, 700), 600, 700),  # above 500: heavier first
    ((300, 600), 500, 300),  # 400–500: lighter (below 400) before heavier than 500
    ((300, 500), 400, 500),  # 400: 500 first
    ((200, 400), 300, 200),  # below 400: lighter first
    ((100, 900), 500, 100),
    ((400,), 900, 400),
])
def test_css_weight_matching(inter_path, available, wanted, chosen):
    fonts = FontSet([_face(inter_path, weight) for weight in available])
    assert fonts.match("Inter", wanted, False).face.weight_min == chosen


def test_synthetic_bold_when_the_family_has_no_bold(inter_path):
    fonts = FontSet([_face(inter_path, 400, family="Only Regular")])
    bold = fonts.match("Only Regular", 700, False)
    assert bold.synthetic_bold is True
    assert "(synthetic bold)" in bold.label
    assert fonts.match("Only Regular", 400, False).synthetic_bold is False
    assert fonts.match("Only Regular", 500, False).synthetic_bold is False


def test_synthetic_italic_when_the_family_has_no_italic(inter_path):
    fonts = FontSet([_face(inter_path, 400)])
    assert fonts.match("Inter", 400, True).synthetic_italic is True
    fonts = FontSet([_face(inter_path, 400), _face(inter_path, 400, italic=True)])
    assert fonts.match("Inter", 400, True).synthetic_italic is False


def test_real_single_weight_family_is_synthesised(fonts):
    font = fonts.match("Noto Sans Math", 700, False)
    if font is None:
        pytest.skip("Noto Sans Math is not available")
    if font.face.weight_max >= 600:
        pytest.skip("this copy of Noto Sans Math has a bold")
    assert font.synthetic_bold is True


def test_colour_emoji_is_never_synthesised(fonts):
    emoji = fonts.match("Noto Color Emoji", 800, True)
    assert emoji is not None
    assert (emoji.synthetic_bold, emoji.synthetic_italic) == (False, False)


@pytest.mark.parametrize("generic, family", [
    ("serif", "Noto Serif"), ("sans-serif", "Inter"), ("system-ui", "Inter"), ("emoji", "Noto Color Emoji"),
    ("SERIF", "Noto Serif"),
])
def test_generic_families(fonts, generic, family):
    assert fonts.match(generic, 400, False).face.family == family


def test_is_bundled_only_for_the_fonts_folder(inter_path, tmp_path):
    shutil.copy(inter_path, tmp_path / "Copy.otf")
    folder = FontSet.from_folders(tmp_path, allow_system=False)
    assert folder.families == ["Inter"]
    assert folder.is_bundled("Inter") and folder.is_bundled("inter") and folder.is_bundled("sans-serif")
    assert not folder.is_bundled("Noto Serif")
    assert not folder.has_family("Noto Serif")  # no system lookup when not allowed
    assert folder.match("Inter", 400, False).face.system is False


def test_system_fonts_are_marked_as_such(tmp_path, inter_path, monkeypatch):
    """A family the folders lack comes from fontconfig, marked as a system font: here a
    fontconfig of its own whose only folder holds a copy of Inter."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    system_dir = tmp_path / "system-fonts"
    system_dir.mkdir()
    shutil.copy(inter_path, system_dir / Path(inter_path).name)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<fontconfig><dir>{system_dir}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    only_system = FontSet([], allow_system=True)
    font = only_system.match("Inter", 400, False)
    assert font is not None and font.face.system is True
    assert only_system.is_bundled("Inter") is False
    assert FontSet([], allow_system=False).match("Inter", 400, False) is None


def _scan_recording_warnings(folder):
    # pytest's log capture keeps each record, and with it the exception and its frames (and
    # so any file left open) until the test ends: do not propagate while scanning.
    logger = logging.getLogger("og.text.fonts")
    with warnings.catch_warnings(record=True) as caught, _no_propagation(logger):
        warnings.simplefilter("always")
        faces = scan_folder(folder)
        gc.collect()
    return faces, [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


@contextlib.contextmanager
def _no_propagation(logger):
    saved = logger.propagate
    logger.propagate = False
    try:
        yield
    finally:
        logger.propagate = saved


def test_unreadable_font_is_skipped(tmp_path, inter_path):
    (tmp_path / "broken.ttf").write_bytes(b"not a font at all")
    shutil.copy(inter_path, tmp_path / "good.otf")
    faces, _ = _scan_recording_warnings(tmp_path)
    assert [face.family for face in faces] == ["Inter"]


def test_unreadable_font_file_is_closed(tmp_path):
    (tmp_path / "broken.ttf").write_bytes(b"not a font at all")
    (tmp_path / "broken.ttc").write_bytes(b"ttcf not a collection")
    faces, leaked = _scan_recording_warnings(tmp_path)
    assert faces == []
    assert leaked == []


@pytest.mark.parametrize("cluster, families, expected", [
    ("a", ("Inter",), "Inter"),
    ("ب", ("Inter",), "Noto Sans Arabic"),
    ("א", ("Inter",), "Noto Sans Hebrew"),
    ("क्ष", ("Inter",), "Noto Sans Devanagari"),
    ("ก", ("Inter",), "Noto Sans Thai"),
    ("漢", ("Inter",), "Noto Sans CJK JP"),
    ("\U0001F469\u200d\U0001F4BB", ("Inter",), "Noto Color Emoji"),
    ("\u2764\ufe0f", ("Inter",), "Noto Color Emoji"),  # emoji presentation beats text fonts
    ("a", ("serif", "Inter"), "Noto Serif"),
    ("a", ("No Such Family", "Inter"), "Inter"),
])
def test_pick_falls_back_per_cluster(fonts, cluster, families, expected):
    font = fonts.pick(families, 400, False, cluster)
    assert font is not None
    assert font.face.family == expected
    assert font.face.covers(cluster)


def test_pick_returns_none_when_nothing_covers(fonts):
    assert fonts.pick(("Inter",), 400, False, "\U000E01EF\u0378") is None


def test_read_faces_closes_font_files():
    """Regression: read_faces used to leave TTFont files open (ResourceWarning: unclosed file)."""
    candidates = [p for folder in (FONTS_DIR, Path("/usr/share/fonts")) if folder.is_dir()
                  for p in sorted(folder.rglob("*.[ot]tf"))]
    if not candidates:
        pytest.skip("no font file to read")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        faces = read_faces(str(candidates[0]))
        gc.collect()
    assert faces
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_coverage_is_asked_of_harfbuzz_without_a_python_set(fonts):
    """``covers`` asks HarfBuzz's own set of the face's code points; the Python ``frozenset`` (3 MB
    and tens of ms for a CJK face) is made only when a report asks for ``unicodes``."""
    face = next(iter(read_faces(fonts.faces_of("Noto Sans CJK JP")[0].path)))
    assert face.covers("あ") and face.covers("漢字") and not face.covers("ก")
    assert "unicodes" not in vars(face)
    assert {ord("あ"), ord("漢")} <= face.unicodes and ord("ก") not in face.unicodes
    assert len(face.unicodes) == len(face.cmap)
