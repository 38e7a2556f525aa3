"""A small fuzz run for CI: generated Python (hypothesmith) and generated bad repositories
(generators.py), every case judged by the harness (fuzzing.judge). The long run of the same
cases is benchmarks/fuzz.py.

Seeds and hypothesis are fixed (derandomize): CI runs the same cases every time, and a failure
names the case (`yaml#7`) so `benchmarks/fuzz.py --only yaml --seed 7 --count 1 --keep` writes it
out again.
"""

from __future__ import annotations

import hypothesmith
import pytest
from fuzzing import Case
from generators import GENERATORS, JSON_ARGS, generate
from hypothesis import HealthCheck, given, settings

SEEDS_PER_GENERATOR = 12

hypothesis_settings = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("generator", sorted(GENERATORS))
def test_generated_repositories(runner, generator):
    failures = []
    for seed in range(SEEDS_PER_GENERATOR):
        outcome = runner.run(generate(generator, seed))
        if outcome.problems:
            failures.append(outcome.describe())
    assert not failures, "\n\n".join(failures)


def _python_case(name: str, source: str) -> Case:
    data = source.encode("utf-8", "surrogatepass")
    return Case(name, {"app.py": data, "settings.py": data, "gunicorn.conf.py": data, "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n"}, JSON_ARGS)


@hypothesis_settings
@given(source=hypothesmith.from_grammar())
def test_python_from_the_grammar(runner, source):
    outcome = runner.run(_python_case("hypothesmith.from_grammar", source))
    assert not outcome.problems, outcome.describe() + "\n" + source[:2000]


@settings(hypothesis_settings, max_examples=10)
@given(source=hypothesmith.from_node())
def test_valid_python_from_libcst_nodes(runner, source):
    outcome = runner.run(_python_case("hypothesmith.from_node", source))
    assert not outcome.problems, outcome.describe() + "\n" + source[:2000]
