"""Every resource limit scalelint keeps, in one place, so each is documented (docs/limits.md),
tested (tests/robustness/) and quoted with its value in the SCL001 message of a file it stops.

A repository may hold anything: generated code, data dumps, a fuzzer's output, a FIFO where a
file was. A limit turns "this input costs minutes or gigabytes" into "this file is SCL001 and
the run goes on". Each value is far above what hand-written code needs; each says which part
of the work it protects.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limit:
    name: str  # as docs/limits.md and the SCL001 messages call it
    value: int | float
    unit: str  # "bytes", "levels", "seconds", ...

    def shown(self) -> str:
        if self.unit == "bytes":
            return f"{self.value // MIB} MiB" if self.value % MIB == 0 else f"{self.value // KIB} KiB"
        if self.unit == "seconds":
            return f"{self.value:g} s"
        return f"{self.value:,} {self.unit}"

    def __str__(self) -> str:
        return f"the {self.name} limit of {self.shown()}"


# --- reading files --------------------------------------------------------------------------
# Any file larger is not read at all: no hand-written code or config is this big.
FILE_SIZE = Limit("file-size", 8 * MIB, "bytes")
# A --baseline file: a legacy project may record tens of thousands of findings.
BASELINE_SIZE = Limit("baseline-size", 64 * MIB, "bytes")
# Python files: `ast` needs about 1 KB of memory per token (a 4 MB list literal costs 1.9 GB),
# so the cap is on tokens, counted cheaply before parsing (punctuation and line breaks).
PYTHON_SIZE = Limit("python-file-size", 4 * MIB, "bytes")
PYTHON_TOKENS = Limit("python-tokens", 300_000, "tokens")

# --- parsing --------------------------------------------------------------------------------
# Brackets nested deeper than this: Python itself refuses 200; libcst's parser (the second look
# at a file `ast` rejects) overflows the C stack near 1,500 and kills the process.
NESTING = Limit("nesting", 100, "levels")
# libcst's second look (is this syntax newer than the running Python?) costs about 10 us per
# byte and is quadratic on long operator or attribute chains: it gets small files, a deadline,
# and its own process where the platform can fork one.
SECOND_LOOK_SIZE = Limit("second-look-size", 256 * KIB, "bytes")
SECOND_LOOK_TIME = Limit("second-look-time", 5, "seconds")
SECOND_LOOK_STATEMENT = Limit("second-look-statement", 2_000, "tokens")
# SQL: statements parsed per file (each one alone, about 1 ms each). Past it, DDL is read only
# for the tables it names (rules then say nothing about them) and other statements are not checked.
SQL_STATEMENTS = Limit("sql-statements", 10_000, "statements")
# YAML aliases and `<<` merges followed while reading one mapping (a merge-key bomb is a few
# hundred bytes that expand exponentially).
YAML_MERGES = Limit("yaml-merges", 1_000, "merges")
# TOML and JSON nesting is bounded by Python's recursion limit; deeper is an error, not a crash.

# --- analysis -------------------------------------------------------------------------------
# A folded string constant (`A = A + A` doubles it) longer than this is left unknown.
FOLDED_LENGTH = Limit("folded-length", 10_000, "characters")
# A folded value with more alternatives than this (`x = x if c else x` doubles them) is unknown.
FOLDED_CHOICES = Limit("folded-choices", 64, "alternatives")
# Numbers a setting can hold (workers, threads, pool sizes, timeouts): a folded or parsed number
# beyond this, or `float("inf")`/`float("nan")`, is left unknown, so no rule's arithmetic overflows.
LARGEST_NUMBER = 10**18
# Wall time for reading one file (parse and extract); over it the file is SCL001 "took too long".
FILE_TIME = Limit("file-time", 20, "seconds")

ALL: tuple[Limit, ...] = (
    FILE_SIZE,
    BASELINE_SIZE,
    PYTHON_SIZE,
    PYTHON_TOKENS,
    NESTING,
    SECOND_LOOK_SIZE,
    SECOND_LOOK_TIME,
    SECOND_LOOK_STATEMENT,
    SQL_STATEMENTS,
    YAML_MERGES,
    FOLDED_LENGTH,
    FOLDED_CHOICES,
    FILE_TIME,
)
