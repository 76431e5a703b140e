"""Every command and every setting is documented in the README (the way users find them)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    import typer.main

    from sitroom.cli import app

    group = typer.main.get_command(app)
    out = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        out += [f"{name} {s}" for s in subs] if subs else [name]
    return sorted(out)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    head, *rest = command.split()
    assert f"sitroom {head}" in README, f"`sitroom {command}` is not documented in README.md"
    for sub in rest:
        assert sub in README, f"`sitroom {command}` is not documented in README.md"


def test_every_setting_is_in_the_readme():
    from sitroom.config import Settings

    for f in fields(Settings):
        assert f"SITROOM_{f.name.upper()}" in README, f"setting {f.name} is not documented in README.md"
