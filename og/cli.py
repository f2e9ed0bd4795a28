"""``python -m og``: render cards, serve them, list templates.

The CLI calls the same :class:`og.Renderer` as the web layer, so what it writes is
byte for byte what the server would answer.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import typing as t
from pathlib import Path

from .build import add_arguments as add_build_arguments
from .config import Settings
from .errors import OgError
from .pool import isolated
from .render import FORMATS
from .render import Renderer


def _key_values(pairs: t.Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"og: -p wants key=value, got {pair!r}")
        params[key] = value
    return params


def cmd_render(args: argparse.Namespace) -> int:
    to_file = args.output not in (None, "-")
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if to_file else "") or "png"
    renderer = Renderer()
    with isolated(renderer, processes=1):  # bounded as og serve's renders are
        body = renderer.render(args.name, _key_values(args.param), fmt)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(body)
    else:
        Path(args.output).write_bytes(body)
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    out = []
    for item in Renderer().templates.all():
        out.append({"error": item.message} if isinstance(item, OgError) else item.to_dict())
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """What a deploy needs to know: libraries, fonts, and one render of every template."""
    renderer = Renderer()
    with isolated(renderer):  # every template is rendered as og serve renders it: bounded
        return _doctor(renderer, args)


def _doctor(renderer: Renderer, args: argparse.Namespace) -> int:
    import cairocffi
    import icu
    import uharfbuzz

    from .text.fonts import FALLBACK_FAMILIES

    settings = renderer.settings
    print(f"cairo {cairocffi.cairo_version_string()}, HarfBuzz {uharfbuzz.version_string()}, "
          f"ICU {icu.ICU_VERSION}")
    print(f"templates: {settings.templates_dir}")
    print(f"fonts: {settings.fonts_dir} (then the bundled fonts, then the system's: "
          f"{'allowed' if settings.allow_system_fonts else 'refused'})")
    problems = 0
    missing_families = [family for family in FALLBACK_FAMILIES if not renderer.fonts.is_bundled(family)]
    problems += len(missing_families)
    print(f"fallback chain: {len(FALLBACK_FAMILIES)} families, "
          + (f"MISSING: {', '.join(missing_families)}" if missing_families else "all bundled"))
    for path in renderer.fonts.unreadable:
        problems += 1
        print(f"  UNREADABLE {path}")
    if args.scripts:
        _print_coverage(renderer)
    for item in renderer.templates.all():
        if isinstance(item, OgError):
            problems += 1
            print(f"  FAILED  {item.message}")
            continue
        started = time.perf_counter()
        report = json.loads(renderer.render(item.name, {}, "json"))
        renderer.render(item.name, {})
        elapsed = (time.perf_counter() - started) * 1000
        missing = report["missing"]
        problems += bool(missing)
        state = "ok     " if not missing else "MISSING"
        print(f"  {state} {item.name}: rendered in {elapsed:.0f} ms"
              + (f", no glyph for {' '.join(missing)}" if missing else ""))
    print("og is ready" if not problems else f"og has {problems} problem(s)")
    return 1 if problems else 0


def _print_coverage(renderer: Renderer) -> None:
    """Per script, how much of it the chain draws (complete ones on one line, the rest each)."""
    from .coverage import script_coverage

    scripts = script_coverage(renderer.fonts)
    complete = [s.code for s in scripts if s.complete]
    print(f"scripts: {sum(s.drawn > 0 for s in scripts)} of {len(scripts)} drawn; "
          f"complete: {' '.join(complete)}")
    for script in scripts:
        if not script.complete:
            share = 100 * script.drawn / script.assigned
            print(f"  {'partly ' if script.drawn else 'NO FONT'} {script.name} ({script.code}): "
                  f"{script.drawn}/{script.assigned} ({share:.0f}%) {', '.join(script.families)}")


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_file
    from .check import has_errors

    if args.data:
        return cmd_check_data(args)
    fonts = Renderer().fonts
    failed = False
    for path in args.files:
        findings = check_file(path, fonts)
        failed = failed or has_errors(findings)
        print(path)
        for finding in findings:
            if finding.level != "info" or args.verbose:
                print(f"  {finding}")
        if not args.verbose:
            print(f"  {sum(f.level == 'info' for f in findings)} notes (-v shows them)")
    return 1 if failed else 0


def cmd_check_data(args: argparse.Namespace) -> int:
    """``og check --data posts.csv NAME``: lay every row out and list the text that did not fit."""
    renderer = Renderer()
    with isolated(renderer):  # rows are laid out in render processes, each bounded
        return _check_rows(renderer, args)


def _check_rows(renderer: Renderer, args: argparse.Namespace) -> int:
    from .content_check import check_rows
    from .content_check import print_issues
    from .rows import read_rows
    from .rows import select_columns

    failed = False
    for name in args.files:
        template = renderer.templates.get(name)
        rows = select_columns(read_rows(args.data), name, template.params, args.ignore_extra)
        found = check_rows(renderer, name, rows)
        print_issues(found, len(rows), sys.stdout)
        failed = failed or (args.strict and any(issue.serious for issue in found))
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    """``og build NAME DATA --out DIR``, or ``og build --merge-manifests DIR... --out DIR``."""
    from .build import run

    return run(args)


def cmd_sign(args: argparse.Namespace) -> int:
    """Print the URL signed with the first key of ``OG_SECRET``, as ``og.image_url`` would."""
    from . import signing

    try:
        keys = signing.keys_from_env(os.environ.get(signing.SECRET_VARIABLE))
        expires = None if args.expires is None else int(time.time()) + args.expires
        print(signing.sign_url(args.url, keys, expires))
    except ValueError as error:
        raise SystemExit(f"og: {error}") from None
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """gunicorn with the Procfile's ``gunicorn.conf.py``; only the address (and ``--workers``)
    differ. Loopback unless ``--host`` says otherwise: a developer's machine should not serve
    the café's network, while a platform's router needs the Procfile's 0.0.0.0."""
    from gunicorn.app.base import Application

    from .config import PROJECT_ROOT
    from .web import create_app

    settings = Settings.from_env()
    bind = f"{args.host}:{args.port or settings.port}"

    class Server(Application):  # type: ignore[misc]
        def load_config(self) -> None:
            self.load_config_from_file(str(PROJECT_ROOT / "gunicorn.conf.py"))
            self.cfg.set("bind", [bind])
            if args.workers:
                self.cfg.set("workers", args.workers)

        def load(self) -> t.Any:
            return create_app()

    print(f"og: serving {settings.templates_dir} on http://{bind}/", file=sys.stderr)
    Server().run()
    return 0


def main(argv: t.Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m og", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    render = commands.add_parser("render", help="render one card to a file")
    render.add_argument("name", help="template name (svg_templates/NAME.svg)")
    render.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    render.add_argument("-o", "--output", help="output file (default: stdout)")
    render.add_argument("-f", "--format", choices=sorted(FORMATS),
                        help="default: the output's extension, else png")
    render.set_defaults(func=cmd_render)

    serve = commands.add_parser("serve", help="serve cards over HTTP with gunicorn")
    serve.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    serve.add_argument("--port", type=int, default=0, help="default: $PORT or 8000")
    serve.add_argument("--workers", type=int, default=0, help="default: $WEB_CONCURRENCY or 2")
    serve.set_defaults(func=cmd_serve)

    templates = commands.add_parser("templates", help="list templates and their parameters")
    templates.set_defaults(func=cmd_templates)

    doctor = commands.add_parser("doctor", help="check libraries and fonts, render every template")
    doctor.add_argument("--no-scripts", dest="scripts", action="store_false",
                        help="skip the coverage of the fallback chain by script (reads every font)")
    doctor.set_defaults(func=cmd_doctor)

    check = commands.add_parser("check", help="lint template files for designers")
    check.add_argument("files", nargs="+", metavar="FILE.svg", help="template files (with --data: NAME)")
    check.add_argument("-v", "--verbose", action="store_true", help="also list placeholders, boxes, fonts")
    check.add_argument("--data", metavar="DATA", help="lay out every row of a CSV, JSON(L) file or "
                       "Markdown folder with template NAME and list text that was shrunk or cut")
    check.add_argument("--strict", action="store_true",
                       help="with --data: fail on cut text or missing glyphs")
    check.add_argument("--ignore-extra", action="store_true", help="with --data: leave out unknown columns")
    check.set_defaults(func=cmd_check)

    build = commands.add_parser("build", help="render one card per row of a data file (static sites)")
    add_build_arguments(build)
    build.set_defaults(func=cmd_build)

    sign = commands.add_parser("sign", help="sign a card URL with OG_SECRET")
    sign.add_argument("url", help='path and query, e.g. "/article.png?title=Hello" (a host is kept)')
    sign.add_argument("--expires", type=int, metavar="SECONDS", help="refuse the URL SECONDS from now")
    sign.set_defaults(func=cmd_sign)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except OgError as error:
        print(f"og: {error.message}", file=sys.stderr)
        return 2
