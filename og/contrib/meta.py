"""What every site integration shares besides the meta writer (:mod:`og.http.meta`): where og
is mounted, and reading an app's ``OG_*`` options over the environment."""

from __future__ import annotations

import typing as t

#: Settings an app may give beside :class:`og.config.Settings`' own.
URL_PREFIX_SETTING = "OG_URL_PREFIX"
DEFAULT_URL_PREFIX = "/og"


def settings_env(options: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> dict[str, str]:
    """The environment with the app's ``OG_*`` options over it: what ``Settings.from_env`` reads,
    so an app's config wins and the environment is the fallback. ``None`` means unset.

    >>> settings_env({"OG_MAX_LENGTH": 80, "OG_SECRET": None, "DEBUG": True}, {"OG_SECRET": "k"})
    {'OG_SECRET': 'k', 'OG_MAX_LENGTH': '80'}
    """
    merged = dict(environ)
    for key, value in options.items():
        if key.startswith("OG_") and value is not None:
            merged[key] = "1" if value is True else "0" if value is False else str(value)
    return merged
