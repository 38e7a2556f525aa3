"""A small command-line option reader shared by the server modules: it walks shell words the
way argparse would for the options a server declares, keeping each value's position."""

from __future__ import annotations

from dataclasses import dataclass, field

from scalelint.facts import Word


@dataclass(frozen=True)
class OptionSpec:
    names: dict[str, str]  # "-w" / "--workers" → setting name
    flags: frozenset[str]  # options that take no value
    short_with_value: frozenset[str]  # single-letter options that take a value (`-w4` or `-w 4`)
    # every long option, for a parser that takes a unique prefix (argparse: `--thread 8`)
    long_options: frozenset[str] = frozenset()

    def is_ambiguous(self, name: str) -> bool:
        if name in self.names or name in self.flags or not self.long_options or name in self.long_options:
            return False
        return sum(option.startswith(name) for option in self.long_options) > 1

    def canonical(self, name: str) -> str:
        """The long option an abbreviation stands for; itself when exact, unknown or ambiguous
        (argparse refuses an ambiguous prefix, so it sets nothing)."""
        if name in self.names or name in self.flags or not self.long_options:
            return name
        matches = [option for option in self.long_options if option.startswith(name)]
        return matches[0] if len(matches) == 1 else name


@dataclass
class ParsedArgs:
    settings: dict[str, tuple[str, Word]] = field(default_factory=dict)  # setting → (value, word holding it)
    positionals: list[Word] = field(default_factory=list)
    ambiguous: bool = False  # an abbreviation that matches several options: argparse stops there


def parse(words: list[Word], spec: OptionSpec) -> ParsedArgs:
    parsed = ParsedArgs()
    index = 0
    while index < len(words):
        word = words[index]
        text = word.text
        index += 1
        if text == "--":
            parsed.positionals.extend(words[index:])
            break
        if text.startswith("--"):
            name, eq, value = text.partition("=")
            parsed.ambiguous = parsed.ambiguous or spec.is_ambiguous(name)
            name = spec.canonical(name)
            if name in spec.flags:
                if name in spec.names:
                    parsed.settings[spec.names[name]] = ("true", word)
                continue
            if not eq:
                if index >= len(words):
                    continue
                value, word = words[index].text, words[index]
                index += 1
            if name in spec.names:
                parsed.settings[spec.names[name]] = (value, word)
            continue
        if text.startswith("-") and len(text) > 1:
            name = text[:2]
            if name in spec.flags:
                if name in spec.names:
                    parsed.settings[spec.names[name]] = ("true", word)
                continue
            if name in spec.short_with_value:
                if len(text) > 2:
                    value = text[2:].lstrip("=")
                elif index < len(words):
                    value, word = words[index].text, words[index]
                    index += 1
                else:
                    continue
                if name in spec.names:
                    parsed.settings[spec.names[name]] = (value, word)
            continue
        parsed.positionals.append(word)
    return parsed
