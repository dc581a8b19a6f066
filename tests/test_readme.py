"""The README states what the code does: its settings table and its test command."""

from __future__ import annotations

import re
from pathlib import Path

from careerbot.cli.settings_table import COMMAND, with_table
from tests.conftest import REPO

README = REPO / "README.md"


def test_the_settings_table_is_rendered_from_settings() -> None:
    readme = README.read_text()
    assert with_table(readme) == readme, (
        f"README.md's settings table differs from Settings' fields; regenerate it: {COMMAND}"
    )


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    blocks = re.findall(r"^```bash\n(.*?)\n```$", README.read_text(), re.MULTILINE | re.DOTALL)
    commands = [b for b in blocks if "-m pytest" in b and "\n" not in b]
    assert len(commands) == 1, "the README shows the test command once, on one line"
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert commands[0] in ci, ".ci/run must run the README's test command exactly"
    # Its install is the only one: the gates run after it, from the venv it made.
    install = commands[0].removesuffix(" && .venv/bin/python -m pytest")
    assert install != commands[0]
    assert [line for line in ci if "pip install" in line] == [commands[0]]
    assert ci.index(commands[0]) < min(i for i, line in enumerate(ci) if "gate .venv" in line)


def test_the_command_rewrites_a_stale_table(tmp_path: Path) -> None:
    from careerbot.cli.settings_table import END, START, main

    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{START}\n| old |\n{END}\n\nafter\n")
    assert main([str(readme)]) == 0
    text = readme.read_text()
    assert "| old |" not in text and "| `CAREERBOT_TOP_K` | `5` |" in text
    assert text.endswith(f"{END}\n\nafter\n") and with_table(text) == text
