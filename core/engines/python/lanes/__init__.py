"""Fixed-point integer lanes: many numbers packed in one Python int, one C-level op per row."""
