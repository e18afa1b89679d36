"""``cnn-tui compare``: runs side by side — loss, accuracy, per-class accuracy, configuration."""
