"""Text layout: IO-free stages from segmentation to placed glyphs."""
