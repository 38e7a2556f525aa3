"""The rule catalogue holds together: every rule has a spec and every spec a rule, specs have
the fixed sections and enough flagged and look-alike cases, codes and names are unique, and a
rule's declared fixability matches its spec's `fixed` blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalelint import registry
from scalelint.docs import spec_dir
from scalelint.testing.spec import parse_spec

SPECS = sorted(Path(spec_dir()).glob("*.md"))
REQUIRED_SECTIONS = ("What it does", "Why it hurts at scale", "How to fix", "Options")
MIN_FLAGGED = 4
MIN_SILENT = 4
# SCL001/SCL002 are about the tool itself; their look-alikes are still required, fewer flagged ones exist.
TOOL_RULES = {"SCL001": 3, "SCL002": 4}


def test_specs_are_found():
    assert len(SPECS) >= 10


def test_every_rule_has_a_spec_and_every_spec_a_rule():
    rules = {rule.name: rule for rule in registry.all_rules()}
    specs = {parse_spec(path).name: parse_spec(path) for path in SPECS}
    assert set(rules) == set(specs), f"rules without spec: {set(rules) - set(specs)}, specs without rule: {set(specs) - set(rules)}"
    for name, spec in specs.items():
        assert spec.code == rules[name].code, f"{spec.path.name}: title says {spec.code}, the rule is {rules[name].code}"
        assert spec.path.name == f"{name}.md"


def test_codes_and_names_are_unique():
    rules = registry.all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert rule.summary and rule.message and rule.fix_title, rule.code


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_spec_shape(path):
    spec = parse_spec(path)
    for heading in REQUIRED_SECTIONS:
        assert heading in spec.headings, f"{path.name} lacks a '## {heading}' section"
    def own(section, kind):  # a look-alike may show another rule reporting the same code
        return [e for e in section.expected(kind) if e.rule == spec.name]

    flagged = [s for s in spec.cases() if own(s, "error")]
    silent = [s for s in spec.cases() if not own(s, "error") and not own(s, "todo-ok")]
    assert any(s.title.startswith("Example") for s in flagged), f"{path.name}: no '## Example' section with an error"
    assert any(s.title.startswith(("Use instead", "Look-alike")) for s in silent), f"{path.name}: no clean case"
    assert len(flagged) >= TOOL_RULES.get(spec.code, MIN_FLAGGED), f"{path.name}: {len(flagged)} flagged cases"
    assert len(silent) >= MIN_SILENT, f"{path.name}: {len(silent)} look-alikes"
    for section in spec.cases():
        if section.title.startswith(("Use instead", "Look-alike")):
            assert not own(section, "error"), f"{path.name} § {section.title}: a clean case expects an error"


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_fixability_matches_the_examples(path):
    spec = parse_spec(path)
    rule = registry.rule_for(spec.name)
    has_fixed_blocks = any(section.fixed for section in spec.sections)
    assert rule.fixable == has_fixed_blocks, (
        f"{rule.code} declares fixable={rule.fixable} but its spec has {'some' if has_fixed_blocks else 'no'} `fixed` blocks"
    )


def test_annotations_name_real_rules():
    names = {rule.name for rule in registry.all_rules()}
    for path in SPECS:
        for section in parse_spec(path).cases():
            for expectation in section.expectations:
                assert expectation.rule in names, f"{path.name} § {section.title}: unknown rule {expectation.rule!r}"
