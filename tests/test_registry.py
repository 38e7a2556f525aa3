"""Rules are found by walking scalelint.rules and through the `scalelint.rules` entry points."""

from __future__ import annotations

import pytest

from scalelint import registry
from scalelint.rule import Rule


class PluginRule(Rule):
    code = "ACME001"
    name = "acme-thing"
    summary = "A third-party rule."
    message = "acme"
    fix_title = "do the acme thing"

    def check(self, project, report):
        return None


class FakeEntryPoint:
    def __init__(self, target):
        self.target = target

    def load(self):
        return self.target


@pytest.fixture
def entry_points(monkeypatch):
    def install(*targets):
        monkeypatch.setattr(registry, "entry_points", lambda group: [FakeEntryPoint(t) for t in targets] if group == "scalelint.rules" else [])
        registry.all_rules.cache_clear()

    yield install
    registry.all_rules.cache_clear()


def test_builtin_rules_are_discovered_by_walking_the_package():
    codes = {rule.code for rule in registry.all_rules()}
    assert {"SCL001", "SCL002", "SCL201", "SCL202", "SCL203", "SCL204", "SCL205", "SCL301", "SCL302", "SCL304"} <= codes


def test_plugin_rules_come_from_entry_points(entry_points):
    entry_points(PluginRule)
    assert registry.rule_for("acme-thing") is PluginRule
    assert [r.code for r in registry.matching("ACME")] == ["ACME001"]


def test_a_plugin_reusing_a_code_is_refused(entry_points):
    class Clash(PluginRule):
        code = "SCL201"
        name = "clash"

    entry_points(Clash)
    with pytest.raises(registry.RegistryError, match="SCL201"):
        registry.all_rules()
