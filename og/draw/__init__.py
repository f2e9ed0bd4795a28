"""Layout → SVG elements."""
