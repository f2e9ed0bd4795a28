"""Dev-only: how close og draws every stock filter of the installed Inkscape (Filters menu) to
Inkscape itself. Not a test (a 1500 px sheet of 212 filters takes a minute): a measurement.

    python3 tools/stock_filters_fidelity.py [--worst N]

Builds one sheet with each filter of ``/usr/share/inkscape/filters/filters.svg`` on a stroked
rounded square (one 100 px cell each), lets Inkscape save it (as a designer's file would be)
and export it with only the repository's fonts (``tools/export_inkscape_refs.py``), renders
it with og, and prints per cell the share of pixels whose largest channel differs by more
than 32 (the fidelity tests' measure), the worst cells first.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import og  # noqa: E402
import og.config  # noqa: E402
from og.template.store import TemplateStore  # noqa: E402
from tests.project.test_inkscape_fidelity import differing_share  # noqa: E402
from tests.project.test_inkscape_fidelity import on_white  # noqa: E402
from tools.export_inkscape_refs import filled_copy  # noqa: E402
from tools.export_inkscape_refs import font_env  # noqa: E402
from tools.export_inkscape_refs import inkscape  # noqa: E402

STOCK = Path("/usr/share/inkscape/filters/filters.svg")
SVG = "{http://www.w3.org/2000/svg}"
LABEL = "{http://www.inkscape.org/namespaces/inkscape}label"
CELL, COLUMNS = 100, 15


def sheet(filters: list[etree._Element]) -> str:
    """Every filter on a stroked rounded square, one cell each."""
    defs, shapes = [], []
    for k, node in enumerate(filters):
        markup = re.sub(r' xmlns(:\w+)?="[^"]*"', "", etree.tostring(node).decode())
        defs.append(re.sub(r'id="[^"]*"', f'id="fx{k}"', markup, count=1))
        x, y = (k % COLUMNS) * CELL + 30, (k // COLUMNS) * CELL + 30
        shapes.append(f'<rect style="fill:#3b82f6;stroke:#1e3a8a;stroke-width:4;filter:url(#fx{k})" '
                      f'x="{x}" y="{y}" width="40" height="40" rx="8"/>')
    width, height = COLUMNS * CELL, -(-len(filters) // COLUMNS) * CELL
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"><defs>{"".join(defs)}</defs>'
            f'<rect style="fill:#ffffff" width="{width}" height="{height}"/>{"".join(shapes)}</svg>')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worst", type=int, default=20, help="how many of the worst cells to list")
    args = parser.parse_args()
    filters = list(etree.parse(str(STOCK)).getroot().iter(f"{SVG}filter"))
    with tempfile.TemporaryDirectory(prefix="og-stock-filters-") as tmp:
        work = Path(tmp)
        folder = work / "templates"
        folder.mkdir()
        (work / "raw.svg").write_text(sheet(filters), encoding="utf-8")
        subprocess.run([inkscape(), "--export-type=svg", f"--export-filename={folder / 'stock.svg'}",
                        str(work / "raw.svg")], check=True, capture_output=True, timeout=600)
        env = font_env(work)
        filled = filled_copy(TemplateStore(folder), "stock", work)
        subprocess.run([inkscape(), "--export-type=png", "--export-area-page", "--export-dpi=96",
                        "--export-overwrite", str(filled)], check=True, env=env, capture_output=True,
                       timeout=900)
        renderer = og.Renderer(og.config.Settings(templates_dir=folder, fonts_dir=ROOT / "fonts",
                                                  allow_system_fonts=False, render_timeout=900))
        share, mask = differing_share(on_white(renderer.render("stock")), on_white(work / "stock.png"))
    cells = sorted(((float(mask[(k // COLUMNS) * CELL:(k // COLUMNS + 1) * CELL,
                                (k % COLUMNS) * CELL:(k % COLUMNS + 1) * CELL].mean()), node.get(LABEL, ""))
                    for k, node in enumerate(filters)), reverse=True)
    print(f"{len(filters)} stock filters: {sum(s <= 0.003 for s, _ in cells)} within 0.3% of Inkscape, "
          f"{sum(s <= 0.02 for s, _ in cells)} within 2%; the whole sheet {share:.2%}")
    for cell_share, label in cells[:args.worst]:
        print(f"  {cell_share:6.2%}  {label}")


if __name__ == "__main__":
    main()
