"""The HTML review as a reader sees it: opened in headless Chromium (Debian's package), printed to
PDF and read back as text, and a screenshot kept for CI's artefacts.

The HTML tests in test_report.py parse the markup; this one proves the browser renders it: the
diagram's labels fit their boxes, `code` spans show as code and not as backticks, and every
finding of the lint run is on the page. `.ci/run` installs chromium and poppler-utils and sets
SCALELINT_REQUIRE_BROWSER, so there the test fails rather than skips when either is missing."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from scalelint.config import load_settings
from scalelint.report import build_review, render

SHOP = Path(__file__).resolve().parents[1] / "examples" / "flask-shop"
CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)
PDFTOTEXT = shutil.which("pdftotext")

if not (CHROMIUM and PDFTOTEXT):
    if os.environ.get("SCALELINT_REQUIRE_BROWSER"):
        raise RuntimeError("SCALELINT_REQUIRE_BROWSER is set but chromium or pdftotext is not on PATH")
    pytest.skip("needs chromium and pdftotext (Debian: apt-get install chromium poppler-utils)", allow_module_level=True)


def _browser(*args: str) -> None:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        mp.chdir(SHOP)
        review = build_review([Path(".")], load_settings([Path(".")], None), cache=False)
    finally:
        mp.undo()
    folder = tmp_path_factory.mktemp("browser")
    html = folder / "report.html"
    html.write_text(render(review, "html"), encoding="utf-8")
    return review, html


def test_chromium_renders_the_review_with_every_finding(page):
    review, html = page
    pdf = html.with_suffix(".pdf")
    _browser("--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    text = subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in ("Scaling review: flask-shop", "Architecture found", "Capacity", "Bottlenecks, ranked", "What is already right"):
        assert heading in flat, heading
    # the diagram, drawn as SVG: each box's label whole, numbers as the deployment files say
    for label in ("web (gunicorn)", "1 worker x 8 at once", "3 workers x 1 at once", "2 connections / process", "PostgreSQL", "shop/db.py:9"):
        assert label in flat, label
    assert "the pool: 8 requests at once share 2 connections, so 6 wait for one" in flat
    assert "`" not in text  # code spans are set as code
    findings = [item.diagnostic for group in review.bottlenecks for item in group.findings]
    assert findings, "the example has findings to show"
    for d in findings:
        assert f"{d.code} {d.name}" in flat, d.code
        start = " ".join(d.message.replace("`", "").split())[:60]
        assert start in flat, start


def test_chromium_screenshot_is_a_drawn_page(page):
    _, html = page
    shot = html.with_name("report.png")
    _browser("--window-size=1280,1600", f"--screenshot={shot}", html.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    # a blank page compresses to a few KB; text, tables and the diagram do not
    assert len(data) > 50_000, len(data)
    artefacts = os.environ.get("SCALELINT_ARTIFACTS")
    if artefacts:
        Path(artefacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artefacts) / "report-flask-shop.png")
        shutil.copy(html, Path(artefacts) / "report-flask-shop.html")
