"""`scope` / `--scope`: by default only code that runs per request is reported; `all` adds
staff pages, commands and scripts, at the severity their reach gives."""

from __future__ import annotations

import json

from clitools import findings, run, write

APP = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "app/__init__.py": "",
    "app/models.py": (
        "from django.db import models\n\n\n"
        "class Order(models.Model):\n"
        "    created_at = models.DateTimeField(auto_now_add=True)\n"
    ),
    "app/views.py": (
        "from django.contrib.admin.views.decorators import staff_member_required\n"
        "from django.http import JsonResponse\n\n"
        "from .models import Order\n\n\n"
        "@staff_member_required\n"
        "def dashboard(request):\n"
        "    return JsonResponse({'orders': Order.objects.count()})\n"
    ),
    "app/urls.py": "from django.urls import path\n\nfrom . import views\n\nurlpatterns = [path('d/', views.dashboard)]\n",
}


def test_staff_pages_are_reported_only_with_scope_all(tmp_path):
    write(tmp_path, APP)
    default = run(["--format", "json", "--no-cache", "--select", "SCL401", "."], tmp_path)
    assert default.returncode == 0, default.stderr
    assert findings(default) == []
    everything = run(["--format", "json", "--no-cache", "--select", "SCL401", "--scope", "all", "."], tmp_path)
    assert everything.returncode == 1, everything.stderr
    assert findings(everything) == [("app/views.py", 9, "SCL401")]
    (diagnostic,) = json.loads(everything.stdout)["diagnostics"]
    assert diagnostic["severity"] == "info" and "on every staff request" in diagnostic["message"]


def test_scope_in_the_config_and_a_bad_value(tmp_path):
    write(tmp_path, {**APP, "pyproject.toml": "[tool.scalelint]\nscope = 'all'\n"})
    assert findings(run(["--format", "json", "--no-cache", "--select", "SCL401", "."], tmp_path)) == [("app/views.py", 9, "SCL401")]
    write(tmp_path, {"pyproject.toml": "[tool.scalelint]\nscope = 'everything'\n"})
    bad = run(["--no-cache", "."], tmp_path)
    assert bad.returncode == 2 and "`scope` must be one of request, all" in bad.stderr
