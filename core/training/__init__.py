"""Training: the one loop, its run state, evaluation, the learning check, the UI link, metrics."""
