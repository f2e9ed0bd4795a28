"""Template: an SVG file a designer saved from Inkscape → a checked :class:`Template` → for
each request, a filled copy of its document (values as character data, never markup).

``store`` finds templates by name under a trusted folder and notices edits, ``load`` parses
and checks one file and compiles its placeholders (``limits``, ``costs`` and ``references`` say
what it may cost and point at; ``sandbox`` bounds its Jinja), ``params`` declares its parameters
and checks a request's values, ``fill`` puts the values in.
"""
