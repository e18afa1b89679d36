"""Layer health (h): the screen over the live dashboard, what it keeps of the run, its widgets."""
