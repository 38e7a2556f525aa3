#!/usr/bin/env python3
"""Does scalelint's time grow linearly with the project? Generated Django projects of about
10k, 40k, 160k and 640k lines (`--sizes`), each linted cold (`--no-cache`) in a fresh
subprocess; each phase (per-file facts, the project model and rules) is timed in CPU seconds
inside that subprocess, so other work on the machine shows up less than in wall time.

The projects are made up here (nothing downloaded): N apps, each with models that point at
other apps' models, views that loop over querysets and call services, services that call
other apps' services through re-exports in the apps' `__init__.py`, URL confs, admin, forms,
tests and migrations. That is what makes project-level work grow: names followed through
re-exports, the call graph across apps, handlers and what they reach.

    python benchmarks/scaling.py                     # 10k 40k 160k 640k lines
    python benchmarks/scaling.py --sizes 10000 40000 --runs 3

It prints, per size, lines, files, the CPU seconds of each phase and of the whole run, and
microseconds per line; and the growth of time per line from the smallest to the largest size
(1.0 = linear). Timings never fail the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 40_000, 160_000, 640_000)

MODELS = '''from django.db import models

from {other}.models import {Other}Item


class {Cap}Category(models.Model):
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)


class {Cap}Item(models.Model):
    category = models.ForeignKey({Cap}Category, on_delete=models.CASCADE, related_name="items")
    partner = models.ForeignKey({Other}Item, on_delete=models.CASCADE, related_name="{app}_items")
    title = models.CharField(max_length=200)
    slug = models.SlugField()
    price = models.IntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title

    def total(self):
        return sum(line.amount for line in self.lines.all())


class {Cap}Line(models.Model):
    item = models.ForeignKey({Cap}Item, on_delete=models.CASCADE, related_name="lines")
    amount = models.IntegerField()
    created = models.DateTimeField(auto_now_add=True)
'''

INIT = '''from .models import {Cap}Category, {Cap}Item, {Cap}Line
from .services import {app}_summary, {app}_price

__all__ = ["{Cap}Category", "{Cap}Item", "{Cap}Line", "{app}_summary", "{app}_price"]
'''

SERVICES = '''import logging

from {other} import {other}_price, {Other}Item

from .models import {Cap}Item, {Cap}Line

log = logging.getLogger(__name__)


def {app}_price(item):
    base = item.price
    if item.partner_id:
        base += {other}_price(item.partner)
    return base


def {app}_summary(category):
    rows = []
    for item in category.items.all():
        rows.append({{"title": item.title, "partner": item.partner.title, "price": {app}_price(item)}})
    return rows


def {app}_lines(item):
    return [line.amount for line in {Cap}Line.objects.filter(item=item)]
'''

HELPER = '''def {app}_helper_{k}(values, scale={k}):
    result = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if index % 2:
            result.append(value * scale)
        else:
            result.append(value + scale)
    total = 0
    for value in result:
        total += value
    return {{"count": len(result), "total": total, "name": "{app}-{k}"}}

'''

VIEWS = '''from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from {other} import {Other}Item

from . import services
from .models import {Cap}Category, {Cap}Item


def item_list(request):
    items = {Cap}Item.objects.all()
    data = [{{"title": item.title, "category": item.category.name}} for item in items]
    return JsonResponse({{"items": data}})


def category_detail(request, pk):
    category = get_object_or_404({Cap}Category, pk=pk)
    return JsonResponse({{"rows": services.{app}_summary(category)}})


def partners(request):
    count = {Other}Item.objects.count()
    names = [item.title for item in {Other}Item.objects.filter(price__gt=0)]
    return JsonResponse({{"count": count, "names": names}})
'''

URLS = '''from django.urls import path

from . import views

urlpatterns = [
    path("", views.item_list),
    path("category/<int:pk>/", views.category_detail),
    path("partners/", views.partners),
]
'''

ADMIN = '''from django.contrib import admin

from .models import {Cap}Item


@admin.register({Cap}Item)
class {Cap}ItemAdmin(admin.ModelAdmin):
    list_display = ("title", "price", "category")
'''

TESTS = '''from django.test import TestCase

from .models import {Cap}Category


class {Cap}Tests(TestCase):
    def test_list(self):
        {Cap}Category.objects.create(name="x")
        self.assertEqual(self.client.get("/{app}/").status_code, 200)
'''

MIGRATION = '''from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="{Cap}Category",
            fields=[("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=100))],
        ),
    ]
'''

SETTINGS = '''SECRET_KEY = "bench"
DEBUG = False
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
{apps}]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "bench"}}}}
'''


def generate(root: Path, lines: int) -> tuple[int, int]:
    """A Django project of about `lines` lines under `root`: (files, lines) written."""
    per_app = 260  # lines of one app with HELPERS helpers
    helpers = 6
    apps = max(2, round(lines / per_app))
    names = [f"app{i:05d}" for i in range(apps)]
    written_files = written_lines = 0

    def write(path: Path, text: str) -> None:
        nonlocal written_files, written_lines
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written_files += 1
        written_lines += text.count("\n")

    for i, app in enumerate(names):
        other = names[(i * 7 + 1) % apps]  # a fixed, spread-out neighbour: cross-app edges everywhere
        fields = {"app": app, "Cap": app.capitalize(), "other": other, "Other": other.capitalize()}
        folder = root / app
        write(folder / "__init__.py", INIT.format(**fields))
        write(folder / "models.py", MODELS.format(**fields))
        write(folder / "services.py", SERVICES.format(**fields) + "\n\n" + "".join(HELPER.format(k=k, **fields) for k in range(helpers)))
        write(folder / "views.py", VIEWS.format(**fields))
        write(folder / "urls.py", URLS)
        write(folder / "admin.py", ADMIN.format(**fields))
        write(folder / "tests.py", TESTS.format(**fields))
        write(folder / "migrations" / "__init__.py", "")
        write(folder / "migrations" / "0001_initial.py", MIGRATION.format(**fields))
    write(root / "site_conf" / "__init__.py", "")
    write(root / "site_conf" / "settings.py", SETTINGS.format(apps="".join(f'    "{a}",\n' for a in names)))
    includes = "".join(f'    path("{a}/", include("{a}.urls")),\n' for a in names)
    write(root / "site_conf" / "urls.py", f"from django.urls import include, path\n\nurlpatterns = [\n{includes}]\n")
    write(root / "manage.py", 'import os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n')
    write(root / "Procfile", "web: gunicorn site_conf.wsgi --workers 4\n")
    (root / "pyproject.toml").write_text("[tool.scalelint]\n", encoding="utf-8")
    return written_files, written_lines


def measure_main(argv: list[str]) -> int:
    """`scaling.py _measure DIR JOBS`: one cold run in this process, CPU seconds per phase, as JSON."""
    import gc

    from scalelint.cache import FactsCache
    from scalelint.config import load_settings
    from scalelint.engine import collect_facts, run_rules, walk
    from scalelint.project import Project

    root, jobs = Path(argv[0]).resolve(), int(argv[1])
    clock = time.process_time
    children = lambda: sum(os.times()[2:4])  # noqa: E731 - CPU of the worker processes
    start, start_children = clock(), children()
    settings = load_settings([root])
    files = walk(root, settings.exclude + settings.extend_exclude, settings.respect_gitignore)
    facts = collect_facts(files, FactsCache(None, root, settings.fingerprint()), jobs, settings.sql_dialect)
    facts_done = clock()
    facts_cpu = facts_done - start + children() - start_children
    gc.freeze()  # as a run does once the facts are loaded
    project = Project.build(root, facts, settings)
    errors: list[str] = []
    found = run_rules(project, settings, settings.enabled_codes(), errors)
    model_cpu = clock() - facts_done
    print(json.dumps({"facts": facts_cpu, "model": model_cpu, "findings": len(found), "errors": errors}))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        return measure_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="lines of each generated project")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the median is reported (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for per-file facts (default 1: CPU is what is compared)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep the projects")
    args = parser.parse_args(argv)
    scratch = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scalelint-scaling-"))
    rows = []
    try:
        for size in args.sizes:
            root = scratch / f"project-{size}"
            if root.exists():
                shutil.rmtree(root)
            files, lines = generate(root, size)
            samples = []
            for _ in range(args.runs):
                command = [sys.executable, str(Path(__file__).resolve()), "_measure", str(root), str(args.jobs)]
                result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
                if result.returncode != 0:
                    print(f"scaling.py: run on {size} lines failed:\n{result.stderr[-3000:]}", file=sys.stderr)
                    return 1
                samples.append(json.loads(result.stdout.strip().splitlines()[-1]))
            facts = statistics.median(s["facts"] for s in samples)
            model = statistics.median(s["model"] for s in samples)
            rows.append((size, files, lines, facts, model, samples[0]["findings"]))
            print(f"  {lines} lines: facts {facts:.2f} s, model+rules {model:.2f} s", file=sys.stderr)
            if samples[0]["errors"]:
                print(f"  rule errors: {samples[0]['errors']}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"| {'lines':>8} | {'files':>6} | {'facts s':>8} | {'model+rules s':>13} | {'total s':>8} | {'us/line facts':>13} | {'us/line model':>13} | findings")
    print(f"|{'-' * 10}|{'-' * 8}|{'-' * 10}|{'-' * 15}|{'-' * 10}|{'-' * 15}|{'-' * 15}|{'-' * 9}")
    for size, files, lines, facts, model, findings in rows:
        print(f"| {lines:>8} | {files:>6} | {facts:>8.2f} | {model:>13.2f} | {facts + model:>8.2f} | {1e6 * facts / lines:>13.1f} | {1e6 * model / lines:>13.1f} | {findings}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        for name, index in (("facts", 3), ("model+rules", 4)):
            growth = (last[index] / last[2]) / (first[index] / first[2]) if first[index] else float("nan")
            print(f"{name}: time per line grows {growth:.2f}x from {first[2]} to {last[2]} lines (1.0 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
