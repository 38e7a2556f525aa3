"""Qualified names across the project (scalelint.project.names, Project.resolve)."""

from __future__ import annotations


from projects import build
from scalelint.project.names import canonical, follow, resolve


SHOP_MODELS = """
from django.db import models

class Event(models.Model):
    title = models.CharField(max_length=100)
"""


def test_reexport_through_package_init():
    p = build({"shop/__init__.py": "from .models import Event\n", "shop/models.py": SHOP_MODELS})
    assert p.resolve("shop.Event") == "shop.models.Event"
    assert p.resolve("shop.models.Event") == "shop.models.Event"
    assert resolve(p, "shop.Event") == "shop.models.Event"


def test_chains_of_reexports_and_import_aliases():
    p = build(
        {
            "shop/__init__.py": "from .models import Event as Ev\nfrom . import models as m\n",
            "shop/models.py": SHOP_MODELS,
            "api/__init__.py": "from shop import Ev as PublicEvent\n",
            "api/v2/__init__.py": "from api import PublicEvent\n",
        }
    )
    assert p.resolve("shop.Ev") == "shop.models.Event"
    assert p.resolve("api.PublicEvent") == "shop.models.Event"
    assert p.resolve("api.v2.PublicEvent") == "shop.models.Event"
    assert p.resolve("shop.m.Event") == "shop.models.Event"  # a module imported under another name


def test_star_reexport():
    p = build({"shop/__init__.py": "from .models import *\n", "shop/models.py": SHOP_MODELS})
    assert p.resolve("shop.Event") == "shop.models.Event"
    assert p.resolve("shop.Nope") is None


def test_layout_root_uses_the_modules_own_name():
    # `backend/app/models.py` is imported as `app.models` (backend/ is on sys.path)
    p = build({"backend/app/models.py": SHOP_MODELS, "backend/app/__init__.py": "from .models import Event\n"})
    assert p.resolve("app.models.Event") == "backend.app.models.Event"
    assert p.resolve("app.Event") == "backend.app.models.Event"
    assert p.resolve("app.models") == "backend.app.models"  # a module names itself


def test_src_layout():
    p = build({"src/shop/__init__.py": "from shop.models import Event\n", "src/shop/models.py": SHOP_MODELS})
    assert p.resolve("shop.Event") == "shop.models.Event"


def test_attributes_of_a_definition_are_kept():
    p = build({"shop/__init__.py": "from .models import Event\n", "shop/models.py": SHOP_MODELS})
    assert p.resolve("shop.Event.objects") == "shop.models.Event.objects"
    assert p.resolve("shop.Event.objects.filter") == "shop.models.Event.objects.filter"


def test_functions_classes_with_methods_and_assignments_are_definitions():
    p = build(
        {
            "shop/utils.py": """
                PAGE_SIZE = 50

                def helper():
                    return 1

                class Paginator:
                    def page(self, n):
                        return n
            """,
            "shop/__init__.py": "from .utils import PAGE_SIZE, helper, Paginator\n",
        }
    )
    assert p.resolve("shop.PAGE_SIZE") == "shop.utils.PAGE_SIZE"
    assert p.resolve("shop.helper") == "shop.utils.helper"
    assert p.resolve("shop.Paginator.page") == "shop.utils.Paginator.page"


def test_alias_assignments_are_followed():
    p = build(
        {
            "shop/models.py": SHOP_MODELS + "\nPublicEvent = Event\n",
            "shop/base.py": "from django.db import models\nBaseModel = models.Model\n",
            "shop/compat.py": "from shop.models import Event\nEv = Event\n",
        }
    )
    assert p.resolve("shop.models.PublicEvent") == "shop.models.Event"
    assert p.resolve("shop.compat.Ev") == "shop.models.Event"
    # an alias of a third-party class is that class: not the project's
    assert p.resolve("shop.base.BaseModel") is None
    assert canonical(p, "shop.base.BaseModel") == "django.db.models.Model"


def test_third_party_and_missing_names():
    p = build({"shop/models.py": SHOP_MODELS, "shop/__init__.py": "from django.db.models import Model\n"})
    assert p.resolve("django.db.models.Model") is None
    assert p.resolve("requests.get") is None
    assert p.resolve("shop.models.Nope") is None
    assert follow(p, "shop.models.Nope").status == "missing"
    assert follow(p, "requests.get") == ("requests.get", "external")
    # a re-export of a third-party name ends at that name
    assert p.resolve("shop.Model") is None
    assert canonical(p, "shop.Model") == "django.db.models.Model"


def test_a_package_binding_shadows_its_submodule_of_the_same_name():
    p = build(
        {
            "shop/models/__init__.py": "from .event import event\nfrom . import tag\n",
            "shop/models/event.py": "from django.db import models\n\nclass event(models.Model):\n    pass\n",
            "shop/models/tag.py": "from django.db import models\n\nclass Tag(models.Model):\n    pass\n",
        }
    )
    # import paths go through the module system...
    assert p.resolve("shop.models.event.event") == "shop.models.event.event"
    # ...attribute reads through what the package binds
    assert p.resolve("shop.models.event") == "shop.models.event.event"
    assert p.resolve("shop.models.event.objects") == "shop.models.event.event.objects"
    assert p.resolve("shop.models.tag") == "shop.models.tag"  # `from . import tag`: the module itself
    assert p.resolve("shop.models.tag.Tag") == "shop.models.tag.Tag"


def test_a_local_definition_beats_an_import_of_the_same_name():
    p = build(
        {
            "shop/models.py": """
                from django.db import models
                from legacy.models import Event

                class Event(models.Model):
                    pass
            """,
        }
    )
    assert p.resolve("shop.models.Event") == "shop.models.Event"


def test_cycles_and_long_chains_do_not_loop():
    p = build(
        {
            "a/__init__.py": "from b import X\n",
            "b/__init__.py": "from a import X\n",
            "c/__init__.py": "from c import Y\n",  # imports itself
            "d/__init__.py": "Z = Z\n",
        }
    )
    assert p.resolve("a.X") is None
    assert p.resolve("b.X") is None
    assert p.resolve("c.Y") is None
    assert p.resolve("d.Z") == "d.Z"  # an assignment it cannot see through is still a definition
    files = {f"m{i}.py": f"from m{i + 1} import Thing\n" for i in range(40)}
    files["m40.py"] = "Thing = 1\n"
    long = build(files)
    assert long.resolve("m35.Thing") == "m40.Thing"
    assert long.resolve("m0.Thing") is None  # beyond the depth bound: unknown, not a hang


def test_results_are_cached_per_project():
    p = build({"shop/__init__.py": "from .models import Event\n", "shop/models.py": SHOP_MODELS})
    assert p.resolve("shop.Event") == "shop.models.Event"
    assert "shop.Event" in p.__dict__["_names_cache"]
    other = build({"shop/models.py": SHOP_MODELS})
    assert other.resolve("shop.Event") is None  # another project, another answer


def test_odd_names_do_not_crash():
    p = build({"shop/models.py": SHOP_MODELS, "broken.py": "def (:\n"}, clean=False)
    for qual in ("", ".", "..x", "shop..models", "shop.models.", "1.2", "shop.models.Event.", "broken.x"):
        p.resolve(qual)


def test_a_lookup_through_a_wide_star_import_web_visits_a_bounded_number_of_names(monkeypatch):
    # scipy's packages star-import each other everywhere: one unknown name used to walk the
    # whole closure (a run over scipy went past 8 minutes and 1.9 GB); now it stops at MAX_STEPS
    from scalelint.project import Project, names

    files = {"pkg/__init__.py": "".join(f"from .m{i} import *\n" for i in range(200))}
    for i in range(200):
        files[f"pkg/m{i}.py"] = "".join(f"from .m{j} import *\n" for j in range(200) if j != i) + f"NAME_{i} = {i}\n"
    p = build(files)
    calls = []
    real = Project.find_module
    monkeypatch.setattr(Project, "find_module", lambda self, dotted: calls.append(dotted) or real(self, dotted))
    assert follow(p, "pkg.m0.Missing").status in ("missing", "external")
    visited = [dotted for dotted in calls if dotted.endswith(".Missing")]
    assert len(visited) <= names.MAX_STEPS  # not all 200 modules of the web
    assert resolve(p, "pkg.m0.NAME_0") == "pkg.m0.NAME_0"  # what a module defines is still found
    assert resolve(p, "pkg.NAME_3") == "pkg.m3.NAME_3"  # and one star import away
