"""The contract between the trainer and its users: run configuration, events, commands."""
