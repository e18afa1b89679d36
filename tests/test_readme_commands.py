"""README.md documents every command and flag the parser has: each subcommand in the Commands
block, each flag of ``train`` in its flags table, each flag of ``attach`` in its section."""

from __future__ import annotations

import argparse
from pathlib import Path

from cnn_tui.tui.cli.parser import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def section(title: str) -> str:
    """The README's text from the heading ``title`` to the next heading of its level or above."""
    start = README.index(f"\n{title}\n")
    level = title.split(" ")[0]
    ends = [README.find(f"\n{'#' * n} ", start + 1) for n in range(1, len(level) + 1)]
    return README[start : min((e for e in ends if e > 0), default=len(README))]


def flags(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def test_every_subcommand_is_in_the_commands_block() -> None:
    block = section("## Commands").split("```")[1]
    for name in subparsers():
        assert f"cnn-tui {name}" in block or name == "train" and "cnn-tui [train]" in block, name


def test_every_train_flag_has_a_row() -> None:
    rows = section("### `cnn-tui train` flags")
    for flag in flags(subparsers()["train"]):
        assert f"| `{flag}" in rows or f"`{flag}`" in rows, flag


def test_every_attach_flag_and_exit_code_7_are_in_its_section() -> None:
    text = section("## Attach to a running run: `cnn-tui attach`")
    for flag in flags(subparsers()["attach"]):
        assert f"`{flag}" in text, flag
    assert "exit code 7" in text and "[docs/protocol.md](docs/protocol.md)" in text
