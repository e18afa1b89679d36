"""Pure renderers: 2-D arrays to terminal cells (half blocks, shades)."""
