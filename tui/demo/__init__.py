"""The synthetic trainer and the stand-alone demo (never imported by a real run)."""
