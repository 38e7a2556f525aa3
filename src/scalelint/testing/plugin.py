"""pytest plugin: every `##` section of a rule spec (`rules/<name>.md`) is a test item.

Enable it with `pytest_plugins = ["scalelint.testing.plugin"]` in a conftest.py, or `-p
scalelint.testing.plugin` (plugin authors can test their own rules' specs the same way).
"""

from __future__ import annotations

import pytest

from scalelint.testing.spec import TITLE_RE, Section, Spec, check_section, parse_spec


def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".md" or file_path.parent.name != "rules":
        return None
    try:
        with file_path.open(encoding="utf-8") as handle:
            first = handle.readline()
    except OSError:
        return None
    if TITLE_RE.match(first.rstrip("\n")):
        return SpecFile.from_parent(parent, path=file_path)
    return None


class SpecFile(pytest.File):
    def collect(self):
        spec = parse_spec(self.path)
        for section in spec.cases():
            yield SpecSection.from_parent(self, name=section.title, spec=spec, section=section)


class SpecFailure(Exception):
    pass


class SpecSection(pytest.Item):
    def __init__(self, *, spec: Spec, section: Section, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec
        self.section = section

    def runtest(self):
        directory = self.config._tmp_path_factory.mktemp("spec", numbered=True)
        outcome = check_section(self.spec, self.section, directory)
        if not outcome.ok:
            raise SpecFailure("\n".join(outcome.problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, SpecFailure):
            return f"{self.spec.path.name} § {self.section.title} (line {self.section.line}):\n" + str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.section.line - 1, f"{self.spec.name}: {self.section.title}"
