"""The dashboard's learning-rate finder (L, or "Find learning rate…" in the palette)."""
