"""The python engine's fixed-point integer lanes: many numbers packed in one Python int, one
C-level operation per row (primitives.py), and the layers' hot spots built on them."""
