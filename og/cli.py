"""``og`` (or ``python -m og``): render cards, serve them, check and list templates.

The CLI calls the same :class:`og.Renderer` as the web layer, so what it writes is
byte for byte what the server would answer. Wherever a template is named, a file works too
(``og render ./mine.svg``): its folder becomes the templates folder for that command, as
``--templates DIR`` (or ``OG_TEMPLATES_DIR``) would make it. Exit status: 0 done, 1 failed
(a broken template, a row that did not render), 2 the command was wrong (usage, an unknown
template or parameter, a setting that does not parse).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
import typing as t
from pathlib import Path

from ._version import __version__
from .build import add_arguments as add_build_arguments
from .config import LOG_LEVELS
from .config import Settings
from .config import SettingsError
from .errors import OgError
from .formats import FORMATS
from .formats import RASTER_FORMATS
from .pool import isolated
from .render import Renderer


class UsageError(Exception):
    """The command line asks for something that cannot be: exit 2 with one line."""


#: Formats that are text, and so may be written to a terminal.


def _key_values(pairs: t.Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"-p wants key=value, got {pair!r}")
        params[key] = value
    return params


def _settings(args: argparse.Namespace, folder: Path | None = None) -> Settings:
    """The environment's settings, with the templates folder the command line names (a
    template file's own folder, else ``--templates``)."""
    settings = Settings.from_env()
    folder = folder or (Path(args.templates) if getattr(args, "templates", None) else None)
    if folder is None:
        return settings
    if not folder.is_dir():
        raise UsageError(f"no templates folder {folder}")
    return dataclasses.replace(settings, templates_dir=folder)


def template_argument(argument: str) -> tuple[str, Path | None]:
    """``NAME`` → (NAME, None); ``path/to/NAME.svg`` → (NAME, its folder).

    >>> template_argument("article")
    ('article', None)
    >>> template_argument("designs/mine.svg")
    ('mine', PosixPath('designs'))
    """
    path = Path(argument)
    if path.suffix.lower() == ".svg" or len(path.parts) > 1:
        return path.stem, path.parent
    return argument, None


def _template_file(argument: str, settings: Settings) -> Path:
    """The file a NAME or FILE argument means, which must exist."""
    name, folder = template_argument(argument)
    path = Path(argument) if folder is not None else settings.templates_dir / f"{name}.svg"
    if not path.is_file():
        where = "" if folder is not None else f" in {settings.templates_dir}"
        raise UsageError(f"no template {argument}{where}")
    return path


def cmd_render(args: argparse.Namespace) -> int:
    name, folder = template_argument(args.name)
    if folder is not None:
        _template_file(args.name, Settings())
    to_file = args.output not in (None, "-")
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if to_file else "") or "png"
    if not to_file and FORMATS.get(fmt, fmt) in RASTER_FORMATS and sys.stdout.isatty():
        raise UsageError(f"refusing to write {fmt.upper()} bytes to a terminal: "
                         "give -o FILE, or send the output into a pipe or a file")
    renderer = Renderer(_settings(args, folder))
    draws = FORMATS.get(fmt, fmt) in RASTER_FORMATS  # cairo loads in the render process meanwhile
    with isolated(renderer, processes=1, draws=draws):  # bounded as og serve's renders are
        body = renderer.render_plan(renderer.plan(name, _key_values(args.param), fmt, page=args.page))
    if to_file:
        Path(args.output).write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    out = []
    for item in Renderer(_settings(args)).templates.all():
        out.append({"error": item.message} if isinstance(item, OgError) else item.to_dict())
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """What a deploy needs to know: libraries, fonts, and one render of every template."""
    renderer = Renderer(_settings(args))
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
    settings = _settings(args)
    paths = [_template_file(argument, settings) for argument in args.files]
    fonts = Renderer(settings).fonts
    failed = False
    for path in paths:
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
    named = [template_argument(argument) for argument in args.files]
    folders = {folder for _, folder in named if folder is not None}
    if len(folders) > 1:
        raise UsageError("with --data, template files must share one folder")
    renderer = Renderer(_settings(args, next(iter(folders), None)))
    with isolated(renderer):  # rows are laid out in render processes, each bounded
        return _check_rows(renderer, named, args)


def _check_rows(renderer: Renderer, named: list[tuple[str, Path | None]], args: argparse.Namespace) -> int:
    from .content_check import check_rows
    from .content_check import print_issues
    from .rows import read_rows
    from .rows import select_columns

    failed = False
    for name, _ in named:
        template = renderer.templates.get(name)
        rows = select_columns(read_rows(args.data), name, template.params, args.ignore_extra)
        found = check_rows(renderer, name, rows)
        print_issues(found, len(rows), sys.stdout)
        failed = failed or (args.strict and any(issue.serious for issue in found))
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    """``og build NAME DATA --out DIR``, or ``og build --merge-manifests DIR... --out DIR``."""
    from .build import run

    name, folder = template_argument(args.name) if args.name else (None, None)
    args.name = name
    return run(args, _settings(args, folder))


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


#: The gunicorn settings ``og serve`` loads, as the Procfile and the Dockerfile do.
GUNICORN_CONFIG = "python:og.gunicorn_conf"


def cmd_serve(args: argparse.Namespace) -> int:
    """gunicorn with the Procfile's settings (:mod:`og.gunicorn_conf`); only the address, the
    templates folder and ``--workers`` differ. Loopback unless ``--host`` says otherwise: a
    developer's machine should not serve the café's network, while a platform's router needs
    the Procfile's 0.0.0.0."""
    from gunicorn.app.base import Application

    from .web import create_app

    settings = _settings(args)
    bind = f"{args.host}:{args.port or settings.port}"

    class Server(Application):  # type: ignore[misc]
        def load_config(self) -> None:
            self.load_config_from_module_name_or_filename(GUNICORN_CONFIG)
            self.cfg.set("bind", [bind])
            if args.workers:
                self.cfg.set("workers", args.workers)
            if args.log_level:
                self.cfg.set("loglevel", args.log_level)

        def load(self) -> t.Any:
            return create_app({"OG_SETTINGS": settings})

    print(f"og: serving {settings.templates_dir} on http://{bind}/", file=sys.stderr)
    Server().run()
    return 0


def _parser() -> argparse.ArgumentParser:
    # Options every command takes, before or after its name; SUPPRESS keeps a subcommand's
    # unset option from hiding the same option given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="only errors on stderr")
    common.add_argument("--log-level", choices=LOG_LEVELS, type=str.lower, default=argparse.SUPPRESS,
                        help="og's log level (default: $OG_LOG_LEVEL, else info for serve, "
                             "warning otherwise)")
    common.add_argument("--templates", metavar="DIR", default=argparse.SUPPRESS,
                        help="templates folder (default: $OG_TEMPLATES_DIR, else the bundled templates)")
    parser = argparse.ArgumentParser(prog="og", description=__doc__.splitlines()[0].replace("``", ""),
                                     parents=[common])
    parser.add_argument("--version", action="version", version=f"og {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, parents=[common])

    render = command("render", "render one card to a file")
    render.add_argument("name", metavar="NAME|FILE.svg", help="a template's name, or a template file")
    render.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    render.add_argument("-o", "--output", help="output file (default: stdout, which must not be a terminal "
                        "for images)")
    render.add_argument("-f", "--format", choices=sorted(FORMATS),
                        help="default: the output's extension, else png")
    render.add_argument("--page", metavar="NAME", help="an Inkscape page of the template, by label or "
                        "number (default: the first; `og templates` lists them)")
    render.set_defaults(func=cmd_render)

    serve = command("serve", "serve cards over HTTP with gunicorn (the Procfile's settings)")
    serve.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    serve.add_argument("--port", type=int, default=0, help="default: $PORT or 8000")
    serve.add_argument("--workers", type=int, default=0, help="default: $WEB_CONCURRENCY or 2")
    serve.set_defaults(func=cmd_serve, default_log_level="info")

    templates = command("templates", "list templates and their parameters")
    templates.set_defaults(func=cmd_templates)

    doctor = command("doctor", "check libraries and fonts, render every template")
    doctor.add_argument("--no-scripts", dest="scripts", action="store_false",
                        help="skip the coverage of the fallback chain by script (reads every font)")
    doctor.set_defaults(func=cmd_doctor)

    check = command("check", "lint templates for designers")
    check.add_argument("files", nargs="+", metavar="NAME|FILE.svg", help="templates, by name or file")
    check.add_argument("-v", "--verbose", action="store_true", help="also list placeholders, boxes, fonts")
    check.add_argument("--data", metavar="DATA", help="lay out every row of a CSV, JSON(L) file or "
                       "Markdown folder with the template and list text that was shrunk or cut")
    check.add_argument("--strict", action="store_true",
                       help="with --data: fail on cut text or missing glyphs")
    check.add_argument("--ignore-extra", action="store_true", help="with --data: leave out unknown columns")
    check.set_defaults(func=cmd_check)

    build = command("build", "render one card per row of a data file (static sites)")
    add_build_arguments(build)
    build.set_defaults(func=cmd_build)

    sign = command("sign", "sign a card URL with OG_SECRET")
    sign.add_argument("url", help='path and query, e.g. "/article.png?title=Hello" (a host is kept)')
    sign.add_argument("--expires", type=int, metavar="SECONDS", help="refuse the URL SECONDS from now")
    sign.set_defaults(func=cmd_sign)
    return parser


def _log_level(args: argparse.Namespace, env_level: str) -> str:
    """The command line's level, else ``-q``'s, else ``OG_LOG_LEVEL``, else the command's."""
    if getattr(args, "log_level", None):
        return str(args.log_level)
    if getattr(args, "quiet", False):
        return "error"
    return env_level or getattr(args, "default_log_level", "warning")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        env_level = Settings.from_env().log_level
    except SettingsError as error:
        print(f"og: {error}", file=sys.stderr)
        return 2
    args.log_level = _log_level(args, env_level)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except (UsageError, SettingsError) as error:
        print(f"og: {error}", file=sys.stderr)
        return 2
    except OgError as error:
        print(f"og: {error.message}", file=sys.stderr)
        # the caller named a template or gave a value that is not accepted: a usage error
        return 2 if 400 <= error.status < 500 else 1
