"""cnn_tui.core: the from-scratch CNN, its two engines, MNIST data, the trainer. No UI imports."""
