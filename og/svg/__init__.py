"""SVG: an Inkscape document → its text as layout input, and laid-out text → back into the
document; the vocabulary every stage shares for reading and rewriting SVG.

XML names (``names``), the CSS cascade for the properties og needs (``css``), 2D transforms
(``geometry``); a document's text elements → layout input (``read_text``; what text on a path
follows: ``text_path``) and laid-out text → back into the document (``write_text``); Inkscape
markup → markup CairoSVG draws right (``cairosvg_fixes``). Nothing here draws pixels.
"""
