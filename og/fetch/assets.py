"""Local images: a value ``@team/jane.png`` names a file under ``OG_ASSETS_DIR``, never one outside it.

The name is checked as written (no ``..``, no absolute path, no backslash) and then as resolved
(symlinks followed), so neither spelling nor a link inside the folder reaches other files.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadParameter
from ..errors import ImageUnavailable

#: What an asset name may be made of: path segments of letters, digits, ``_ - .``.
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


def check_name(name: str, parameter: str = "") -> None:
    """Refuse an asset name that could point outside the folder (400).

    >>> check_name("team/jane.png")
    >>> check_name("../secret.png")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    og.errors.BadParameter: parameter '': '@../secret.png' is not an asset name ...
    """
    if not _NAME.match(name) or any(part in (".", "..") for part in name.split("/")):
        raise BadParameter(f"parameter {parameter!r}: '@{name[:80]}' is not an asset name "
                           "(segments of letters, digits, _ - .)", parameter=parameter)


def read_asset(folder: Path, name: str, max_bytes: int, parameter: str = "") -> bytes:
    """The bytes of asset ``name`` in ``folder``.

    :raises BadParameter: a name outside the folder, as written or once links are resolved.
    :raises ImageUnavailable: no such file, or larger than ``max_bytes``.
    """
    check_name(name, parameter)
    root = folder.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise BadParameter(f"parameter {parameter!r}: '@{name[:80]}' leads outside the assets folder",
                           parameter=parameter)
    try:
        if not path.is_file():
            raise ImageUnavailable(f"no asset '@{name[:80]}'", parameter=parameter)
        if path.stat().st_size > max_bytes:
            raise ImageUnavailable(f"asset '@{name[:80]}' is larger than {max_bytes} bytes",
                                   parameter=parameter)
        return path.read_bytes()
    except OSError:
        raise ImageUnavailable(f"asset '@{name[:80]}' cannot be read", parameter=parameter) from None
