"""cnn_tui.core: the from-scratch CNN, its two engines, MNIST data and the trainer. No UI imports."""
