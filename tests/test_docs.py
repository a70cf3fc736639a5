"""The README stays true: every setting, rule-file field and command is documented."""

from __future__ import annotations

import re

import click
import pytest

from deadlines.cli import cli
from deadlines.rules import loader
from deadlines.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`DEADLINES_{name.upper()}`" in README
    assert Settings.model_fields[name].description, f"setting {name} has no help text"


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n|", README.index("|---|", start) + 6)
    table_end = README.find("\n\n", end)
    return README[start:table_end]


@pytest.mark.parametrize(
    ("title", "fields"),
    [
        ("`[ruleset]` fields", loader.RULESET_FIELDS),
        ("`[[rule]]` fields", loader.RULE_FIELDS),
        ("`[[election]]` fields", loader.ELECTION_FIELDS),
    ],
)
def test_every_rule_file_field_is_documented(title: str, fields: set[str]) -> None:
    table = _section(title)
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert documented == fields


def test_override_fields_are_documented() -> None:
    for field in loader.OVERRIDE_FIELDS:
        assert f"{field} = " in README


def _commands(group: click.Group, prefix: str = "deadlines") -> list[str]:
    names: list[str] = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            names += _commands(command, full)
        else:
            names.append(full)
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_documented(command: str) -> None:
    assert f"`{command}" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and "<!-- test-command -->" in README
    assert "pytest" in README.split("<!-- test-command -->")[1].split("```")[1]
