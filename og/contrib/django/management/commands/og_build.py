"""``manage.py og_build NAME DATA --out DIR``: ``og build`` with the project's ``OG`` settings."""

from __future__ import annotations

import argparse
import io
import typing as t

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from .....build import add_arguments
from .....build import run
from .....errors import OgError
from ...apps import og_settings


class Command(BaseCommand):  # type: ignore[misc]
    help = "Render one og card per row of a CSV, JSON(L) file or Markdown folder."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_arguments(parser)

    def handle(self, *args: t.Any, **options: t.Any) -> None:
        summary = io.StringIO()
        try:
            status = run(argparse.Namespace(**options), og_settings(), summary)
        except OgError as error:
            raise CommandError(error.message) from None
        finally:
            self.stderr.write(summary.getvalue(), ending="")
        if status:
            raise CommandError("some cards failed (see above)", returncode=status)
