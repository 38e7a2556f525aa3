"""The rule-spec harness: `rules/*.md` files run as pytest tests (see spec.py)."""
