"""The ``cnn-tui`` command line, in the order a run meets it.

main.py        the entry point: parse, dispatch, the one line for an early Ctrl+C
parser.py      every flag, each value checked as argparse reads it
run_config.py  the RunConfig the flags ask for (a new run, or a resumed one)
commands.py    train, inspect, download
exit_codes.py  the one table of exit codes (the README's table is checked against it)
headless.py    training without the dashboard; progress.py draws its line, crash_log.py
               keeps the trace of a bug
launch.py      the dashboard over a trainer process, and the inspector
"""
