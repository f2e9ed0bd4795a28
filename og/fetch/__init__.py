"""Fetch: an image parameter's value (an ``https://`` URL or an ``@name`` in the assets folder) →
checked, decoded, resized image bytes (PNG) for one image slot, or an error that says why not.

Remote values are hostile: ``policy`` allows only the operator's hosts and refuses private
addresses by the connected peer, ``http`` bounds time, bytes and redirects, ``decode`` accepts
only PNG, JPEG, WebP and GIF sniffed from the bytes under a pixel cap, ``assets`` never leaves
its folder, and ``images`` caches results by URL and fetches each URL once at a time.
No Flask here: the renderer owns an :class:`ImageSource`.
"""

from __future__ import annotations

from .images import ImageSource as ImageSource
from .policy import HostPolicy as HostPolicy
