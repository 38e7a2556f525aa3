import pytest

from scalelint.python import extract as extract_mod


@pytest.fixture(autouse=True)
def _strict(monkeypatch):
    """Handler errors must fail the tests instead of being skipped silently."""
    monkeypatch.setattr(extract_mod, "STRICT", True)
