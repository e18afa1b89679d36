"""The exit codes have one home (``tui/cli/exit_codes.py``), and the README's table is that home's
table, word for word."""

from __future__ import annotations

import re
from pathlib import Path

from cnn_tui.tui.cli.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[1]


def readme_exit_codes() -> list[tuple[int, str]]:
    """The rows (code, meaning) of the markdown table under README.md's "### Exit codes"."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("### Exit codes") + 1
    rows: list[tuple[int, str]] = []
    for line in lines[start:]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("code", "") or set(cells[0]) <= set("-:"):
            continue
        rows.append((int(cells[0]), "|".join(cells[1:])))
    return rows


def test_the_readme_table_is_the_exit_code_table() -> None:
    assert readme_exit_codes() == [(code.value, code.meaning) for code in ExitCode]


def test_no_module_keeps_exit_codes_of_its_own() -> None:
    """A number an exit ends with is spelled ``ExitCode.NAME`` everywhere in the UI (and no
    command returns a bare number), so the table above is the whole story."""
    anywhere = re.compile(r"^\s*EXIT_\w+\s*=|return_code=\d|os\._exit\(\d|sys\.exit\(\d", re.M)
    in_commands = re.compile(r"^\s*return \d+\s*$", re.M)
    found = [
        f"{path.relative_to(ROOT)}: {match.group().strip()}"
        for path in sorted((ROOT / "tui").rglob("*.py"))
        if path.name != "exit_codes.py"
        for pattern in (anywhere, in_commands if "cli" in path.parts else None)
        if pattern is not None
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
