"""Layer health's pure parts: a window of observed steps folded into per-layer numbers, the
histograms with the first distribution behind them, and the hints read from both."""
