"""The ``cnn-tui`` command line: arguments, exit codes, headless runs, launching the dashboard."""
