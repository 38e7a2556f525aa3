"""The cache's data format: every fact type survives the round trip, and bytes that are not
facts this scalelint wrote are BadEntry, never another exception and never code run."""

from __future__ import annotations

import dataclasses
import math
import pickle
import random
from pathlib import Path

import msgpack
import pytest

from scalelint import facts_codec as codec
from scalelint.discovery import classify, walk
from scalelint.extract import extract_file
from scalelint.facts import Const, FileFacts, ParseProblem, Span
from scalelint.testing.spec import parse_spec

REPO = Path(__file__).resolve().parent.parent

# What the repository's examples and specs do not happen to contain.
EXTRA = {
    ("gunicorn.conf.py", "python"): 'import os\nworkers = 4 if os.environ.get("BIG") else 2\n',
    ("docker-compose.yml", "yaml"): 'services:\n  web:\n    build: .\n    environment:\n      WEB_CONCURRENCY: "3"\n',
    ("shop/settings.py", "python"): 'MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]\n',
    ("db/schema.sql", "sql"): "CREATE TABLE a (id int PRIMARY KEY, b int, c int, FOREIGN KEY (b, c) REFERENCES d (x, y));\n",
}


def real_facts() -> list[FileFacts]:
    found = [extract_file(rel, kind, text.encode()) for (rel, kind), text in EXTRA.items()]
    for root in ("examples/flask-shop", "tests/execution/django_shop", "tests/execution/sqla_shop", "tests/execution/index_shop"):
        found.extend(extract_file(f.rel, f.kind, f.path.read_bytes()) for f in walk(REPO / root, (), True))
    for spec_path in sorted((REPO / "rules").glob("*.md")):
        for section in parse_spec(spec_path).cases():
            for rel, text in section.files.items():
                parts = rel.split("/")
                kind = classify(parts[-1], parts[-2] if len(parts) > 1 else "", "templates" in parts[:-1])
                if kind not in (None, "shell?"):
                    found.append(extract_file(rel, kind, text.encode()))
    return found


def objects(value, seen: dict[int, object]) -> None:
    """Every facts object reachable from `value`, by id (so sharing shows)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) in seen:
            return
        seen[id(value)] = value
        for f in dataclasses.fields(value):
            objects(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list)):
        for item in value:
            objects(item, seen)


@pytest.fixture(scope="module")
def facts() -> list[FileFacts]:
    return real_facts()


def test_every_fact_type_round_trips(facts):
    types_seen = set()
    for original in facts:
        decoded = codec.decode(codec.encode(original))
        assert decoded == original, original.path
        reachable: dict[int, object] = {}
        objects(original, reachable)
        types_seen.update(type(o) for o in reachable.values())
    # a new fact type needs an input here that produces it
    assert set(codec.CLASSES) - types_seen == set()


def test_shared_subtrees_stay_shared(facts):
    def references(root) -> tuple[int, int]:
        counted: dict[int, int] = {}

        def walk_all(value):
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                counted[id(value)] = counted.get(id(value), 0) + 1
                if counted[id(value)] == 1:
                    for f in dataclasses.fields(value):
                        walk_all(getattr(value, f.name))
            elif isinstance(value, (tuple, list)):
                for item in value:
                    walk_all(item)

        walk_all(root)
        return len(counted), sum(counted.values())

    checked = 0
    for original in facts:
        counts = references(original)
        if counts[0] < counts[1]:  # some object is reached twice
            assert references(codec.decode(codec.encode(original))) == counts
            checked += 1
            if checked == 25:
                break
    assert checked, "no example shares a subtree: the test proves nothing"


def test_scalars_at_their_edges_keep_value_and_type():
    from scalelint.facts import Assignment, PythonFacts

    span = Span(1, 1, 1, 2)
    edges = (1, 1.0, True, "1", b"\x00\xff", None, 10**30, -(10**25), float("inf"), "\udcff lone surrogate", float("nan"))
    values = tuple(Assignment(f"v{i}", Const(v, span), span) for i, v in enumerate(edges))
    facts = FileFacts("caf\udce9.py", "python", python=PythonFacts(module="conf", assignments=values))  # not UTF-8
    decoded = codec.decode(codec.encode(facts))
    assert decoded.path == facts.path
    got = [a.value.value for a in decoded.python.assignments]
    assert [type(v) for v in got] == [type(v) for v in edges]
    assert got[:-1] == list(edges[:-1]) and math.isnan(got[-1])


def test_ambiguous_field_types_are_refused_when_the_table_is_built():
    with pytest.raises(TypeError):
        codec._shape(int | Span)  # an index and an int could not be told apart
    with pytest.raises(TypeError):
        codec._shape(dict[str, int])


# --- hostile and broken data -----------------------------------------------------------------


def tag(cls) -> int:
    return codec.CLASSES.index(cls)


def span_node(*fields) -> list:
    return [tag(Span), *fields]


def file_node(path="a.py", problems=()) -> list:
    names = [f.name for f in dataclasses.fields(FileFacts)]
    values = {"path": path, "kind": "python", "problems": list(problems), "suppressions": [], "python": None, "commands": [], "image_runs": [], "template": None, "schema": None, "databases": []}
    return [tag(FileFacts), *(values[n] for n in names)]


def pack(nodes) -> bytes:
    return msgpack.packb(nodes, use_bin_type=True)


def test_a_hand_built_entry_decodes():
    # the hostile cases below differ from this one in one thing each
    problem = [tag(ParseProblem), "boom", 0, "error"]
    facts = codec.decode(pack([span_node(1, 2, 3, 4), problem, file_node(problems=[1])]))
    assert facts.problems == [ParseProblem("boom", Span(1, 2, 3, 4), "error")]


class Sentinel:
    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


HOSTILE = {
    "empty": b"",
    "random bytes": bytes(random.Random(5).randrange(256) for _ in range(400)),
    "a map": pack({"path": "a.py"}),
    "a scalar": pack(7),
    "no nodes": pack([]),
    "unknown tag": pack([[len(codec.CLASSES) + 3, 1], file_node()]),
    "tag that is a string": pack([["Span", 1, 2, 3, 4], file_node()]),
    "too few fields": pack([span_node(1, 2, 3), file_node()]),
    "too many fields": pack([span_node(1, 2, 3, 4, 5), file_node()]),
    "a string where an int belongs": pack([span_node("1", 2, 3, 4), file_node()]),
    "a bool where an int belongs": pack([span_node(True, 2, 3, 4), file_node()]),
    "an index past the table": pack([[tag(ParseProblem), "x", 9, "error"], file_node(problems=[0])]),
    "an index to the wrong type": pack([span_node(1, 1, 1, 2), [tag(ParseProblem), "x", 0, "error"], [tag(ParseProblem), "y", 1, "error"], file_node(problems=[2])]),
    "not a FileFacts at the end": pack([span_node(1, 2, 3, 4)]),
    "a map inside": pack([span_node({1: 2}, 2, 3, 4), file_node()]),
    "unknown ext": msgpack.packb([[tag(Span), msgpack.ExtType(42, b"x"), 1, 1, 1], file_node()]),
    "a huge bigint": msgpack.packb([[tag(Span), msgpack.ExtType(1, b"9" * 5000), 1, 1, 1], file_node()]),
    "invalid UTF-8": pack([file_node()]).replace(b"a.py", b"\xff\xfe.y"),
    "nested too deep": b"\x91" * 100_000 + b"\x00",
    "truncated": pack([span_node(1, 2, 3, 4), file_node()])[:-3],
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_what_is_not_our_facts_is_bad_entry(name):
    with pytest.raises(codec.BadEntry):
        codec.decode(HOSTILE[name])


def test_a_pickle_is_never_run(tmp_path):
    sentinel = tmp_path / "ran"
    payload = pickle.dumps({"a.py": Sentinel(sentinel)})
    with pytest.raises(codec.BadEntry):
        codec.decode(payload)
    assert not sentinel.exists()
    pickle.loads(payload)  # the payload is live: unpickled, it does create the file
    assert sentinel.exists()


def test_mutated_entries_are_facts_or_bad_entry(facts):
    """Flip bytes of real entries: whatever decodes is well-typed facts (it encodes again)."""
    rng = random.Random(13)
    blobs = [codec.encode(f) for f in facts if f.python is not None][:40]
    decoded = 0
    for _ in range(1500):
        blob = bytearray(rng.choice(blobs))
        for _ in range(rng.randint(1, 4)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
        try:
            result = codec.decode(bytes(blob))
        except codec.BadEntry:
            continue
        decoded += 1
        assert type(result) is FileFacts
        assert codec.decode(codec.encode(result)) == result
    assert decoded  # some mutations keep the shape (a changed line number): those must decode


def test_the_schema_changes_with_the_shape_of_the_facts():
    table = codec._TABLE
    assert codec.schema_of(table) == codec.SCHEMA
    (cls, shapes), *rest = table
    with_a_field = ((cls, shapes + (("extra", ("scalar", (int,))),)), *rest)
    retyped = ((cls, ((shapes[0][0], ("scalar", (bytes,))),) + shapes[1:]), *rest)
    renamed = ((type("Other", (), {}), shapes), *rest)
    assert len({codec.SCHEMA, codec.schema_of(with_a_field), codec.schema_of(retyped), codec.schema_of(renamed)}) == 4
