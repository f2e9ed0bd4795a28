"""Framework glue: a site's settings and routing → og's routes mounted in it, and the
``<meta>`` tags that point crawlers at its cards (``flask``, ``django``; ``meta`` is shared)."""
