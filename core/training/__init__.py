"""Training: the one loop (trainer.py) and its helpers, the shared test-set evaluation, the
learning check, the link to a UI, and the metrics file."""
