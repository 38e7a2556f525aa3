"""The cost model's two questions: how often a function runs (scalelint.project.reach) and how
big a table gets (scalelint.project.cardinality), and how `CostModel.judge` weighs them."""

from __future__ import annotations

from dataclasses import replace

from projects import build
from scalelint.config import Settings
from scalelint.project import cardinality as card
from scalelint.project import reach as freq
from scalelint.project.costs import ALL, BOUNDED, PAGE, PER_OWNER

MODELS = """
    from django.db import models
    from django.conf import settings


    class Category(models.Model):
        name = models.CharField(max_length=50)


    class Customer(models.Model):
        email = models.EmailField()


    class Order(models.Model):
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
        category = models.ForeignKey(Category, on_delete=models.CASCADE)


    class Widget(models.Model):
        label = models.CharField(max_length=50)


    class Gizmo(models.Model):
        label = models.CharField(max_length=50)


    class Gateway(models.Model):
        label = models.CharField(max_length=50)
        created_at = models.DateTimeField(auto_now_add=True)


    class Stamp(models.Model):
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
        made = models.DateTimeField(auto_now_add=True)


    class Banner(models.Model):
        shown_from = models.DateTimeField(auto_now_add=True)


    class Tag(models.Model):
        label = models.CharField(max_length=50)


    class Item(models.Model):
        tags = models.ManyToManyField(Category)


    class Blueprint(models.Model):
        label = models.CharField(max_length=50)


    class BlueprintStep(models.Model):
        blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="steps")
        made = models.DateTimeField(auto_now_add=True)


    class Policy(models.Model):
        label = models.CharField(max_length=50)


    class Team(models.Model):
        label = models.CharField(max_length=50)


    class TeamMember(models.Model):
        team = models.ForeignKey(Team, on_delete=models.CASCADE)
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE)


    class Member(models.Model):
        name = models.CharField(max_length=50)


    class PlanV2(models.Model):
        label = models.CharField(max_length=50)
"""

VIEWS = """
    from django.contrib.admin.views.decorators import staff_member_required
    from django.http import JsonResponse

    from .models import Blueprint, BlueprintStep, Gateway, Gizmo, PlanV2, Policy, Widget
    from .services import record


    def press_widget(request):
        Widget.objects.create(label=request.POST["label"])
        return JsonResponse({})


    def create_gateway(request):
        Gateway.objects.create(label=request.POST["label"])
        return JsonResponse({})


    @staff_member_required
    def add_gizmo(request):
        Gizmo.objects.create(label="x")
        return JsonResponse({})


    def ping(request):
        record()
        return JsonResponse({})


    def create_blueprint(request):
        blueprint = Blueprint.objects.create(label=request.POST["label"])
        BlueprintStep.objects.create(blueprint=blueprint)
        return JsonResponse({})


    def create_plan(request):
        PlanV2.objects.create(label=request.POST["label"])
        return JsonResponse({})


    def copy_policy(request, pk):
        Policy.objects.create(label=Policy.objects.get(pk=pk).label)
        return JsonResponse({})
"""

SERVICES = """
    def record():
        pass


    def unused():
        pass
"""

URLS = """
    from django.urls import path

    from . import views

    urlpatterns = [
        path("w/", views.press_widget),
        path("gw/", views.create_gateway),
        path("g/", views.add_gizmo),
        path("p/", views.ping),
        path("bp/", views.create_blueprint),
        path("pc/<int:pk>/", views.copy_policy),
        path("plan/", views.create_plan),
    ]
"""

TASKS = """
    from celery import shared_task

    from .models import Tag


    @shared_task
    def nightly():
        Tag.objects.create(label="x")
"""

COMMAND = """
    from django.core.management.base import BaseCommand

    from shop.models import Category


    class Command(BaseCommand):
        def handle(self, *args, **options):
            Category.objects.create(name="books")
"""

SEED = """
    from shop.models import Widget


    def seed():
        for i in range(10):
            Widget.objects.create(label=str(i))


    if __name__ == "__main__":
        seed()
"""


def shop(settings: Settings | None = None):
    return build(
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/views.py": VIEWS,
            "shop/services.py": SERVICES,
            "shop/urls.py": URLS,
            "shop/tasks.py": TASKS,
            "shop/management/commands/load.py": COMMAND,
            "scripts/seed_widgets.py": SEED,
            "shop/upload-screenshots.py": "def upload():\n    return 1\n\n\nif __name__ == '__main__':\n    upload()\n",
        },
        settings,
    )


def test_how_often_each_function_runs():
    p = shop()
    of = p.reaches.of
    assert of("shop.views.press_widget").kind == freq.REQUEST
    assert of("shop.services.record").kind == freq.REQUEST  # called from a view
    assert "ping" in of("shop.services.record").why
    assert of("shop.views.add_gizmo").kind == freq.ADMIN  # @staff_member_required
    assert of("shop.tasks.nightly").kind == freq.TASK
    assert of("shop.management.commands.load.Command.handle").kind == freq.ONE_OFF
    assert of("scripts.seed_widgets.seed").kind == freq.ONE_OFF
    assert of("upload").kind == freq.ONE_OFF  # `upload-screenshots.py` cannot be imported: only run
    assert of("shop.services.unused").kind == freq.UNKNOWN


def test_staff_only_views_leave_the_request_path_unless_the_scope_is_all():
    assert "shop.views.add_gizmo" not in shop().callgraph.request_path()
    assert "shop.views.add_gizmo" in shop(Settings(scope="all")).callgraph.request_path()


def test_how_big_each_table_gets():
    p = shop()

    def size(name):
        return p.tables.size(f"shop.models.{name}")

    # written per request (a seed script writes it too: the request is what makes it grow)
    assert size("Widget").kind == card.GROWING and "press_widget" in size("Widget").why
    # only its own create endpoint adds rows: as many as users set up, which nothing shows
    # growing (its time stamp says no more); a person or a happening would still grow
    assert size("Gateway").kind == card.UNKNOWN and "create_gateway" in size("Gateway").why
    assert size("Tag").kind == card.GROWING and "nightly" in size("Tag").why  # a task writes it
    assert size("Gizmo").kind == card.REFERENCE  # only a staff page writes it
    assert size("Category").kind == card.REFERENCE  # only a command writes it (and its name)
    assert size("Customer").kind == card.GROWING  # one row per customer
    assert size("Order").kind == card.GROWING  # an order is something that happens
    # auto_now_add on rows that hang off a growing table; a time stamp alone says nothing
    assert size("Stamp").kind == card.GROWING and "made" in size("Stamp").why and "Customer" in size("Stamp").why
    assert size("Banner").kind == card.UNKNOWN
    assert size("Item").kind == card.UNKNOWN  # nothing says
    # what users set up: a copy endpoint, and the rows a create endpoint makes with its model
    assert size("Policy").kind == card.UNKNOWN and "copy_policy" in size("Policy").why
    assert size("Blueprint").kind == card.UNKNOWN and size("BlueprintStep").kind == card.UNKNOWN
    assert size("PlanV2").kind == card.UNKNOWN  # `create_plan` names `PlanV2`: a schema version is no word
    # who belongs to what is a link, not one row per person; a person is
    assert size("TeamMember").kind == card.UNKNOWN and size("Member").kind == card.GROWING


def test_config_overrides_the_evidence():
    p = shop(Settings(tables_small=("shop_order",), tables_large=("Gizmo",)))
    assert p.tables.size("shop.models.Order").kind == card.REFERENCE
    assert p.tables.size("shop.models.Gizmo").kind == card.GROWING


def test_rows_of_a_query_every_row_per_owner_or_bounded():
    from scalelint.project.predicates import Pred
    from scalelint.project.values import Obj, Query, Site
    from scalelint.facts import Span

    p = shop()
    costs = p.costs
    here = Site("shop/views.py", Span(1, 1, 1, 2))
    assert costs.rows(Query("shop.models.Order", "django", "queryset", None)).extent == ALL
    assert costs.rows(Query("shop.models.Order", "django", "queryset", None, bounded=True)).extent == PAGE
    by_customer = Query("shop.models.Order", "django", "queryset", None, preds=(Pred("shop.models.Order", "customer_id", "eq", here),))
    rows = costs.rows(by_customer)
    assert rows.extent == PER_OWNER and rows.owner == "customer" and rows.grows
    orders = p.orm.relation("shop.models.Customer", "orders")
    related = Query("shop.models.Order", "django", "related", None, via=orders, owner=Obj("shop.models.Customer"))
    assert costs.rows(related).extent == PER_OWNER
    tags = p.orm.relation("shop.models.Item", "tags")
    small = Query("shop.models.Category", "django", "related", None, via=tags, owner=Obj("shop.models.Item"))
    assert costs.rows(small).extent == BOUNDED  # a many-to-many to a small table


def test_verdicts_follow_reach_and_growth():
    p = shop()
    costs = p.costs
    from scalelint.project.values import Query

    every_order = costs.rows(Query("shop.models.Order", "django", "queryset", None))
    every_category = costs.rows(Query("shop.models.Category", "django", "queryset", None))
    request = costs.frequency("shop.views.press_widget")
    command = costs.frequency("shop.management.commands.load.Command.handle")
    task = costs.frequency("shop.tasks.nightly")
    loud = costs.judge(request, every_order)
    assert loud.report and loud.severity == "error" and "per request" in loud.estimate and "`shop_order`" in loud.estimate
    assert not costs.judge(request, every_category).report  # a small table
    assert not costs.judge(command, every_order).report  # runs once
    assert not costs.judge(task, every_order).report  # a nightly job: shown with scope "all" only
    unreached = freq.Frequency(freq.UNKNOWN, "no handler, task or command reaches it")
    assert not costs.judge(unreached, every_order).report  # the repository does not say it runs per request
    everything = replace(p.settings, scope="all")
    p_all = shop(everything)
    assert p_all.costs.judge(p_all.costs.frequency("shop.management.commands.load.Command.handle"), every_order).report
    assert p_all.costs.judge(p_all.costs.frequency("shop.tasks.nightly"), every_order).severity == "info"


def test_schema_tables_take_their_models_class_and_link_tables_grow_with_what_they_link():
    from projects import build_repository

    project = build_repository(
        {
            "schema.sql": """
                CREATE TABLE orders (id serial PRIMARY KEY);
                CREATE TABLE tags (id serial PRIMARY KEY, name text);
                CREATE TABLE countries (id serial PRIMARY KEY, code text);
                CREATE TABLE order_tags (order_id int REFERENCES orders (id), tag_id int REFERENCES tags (id), PRIMARY KEY (order_id, tag_id));
                CREATE TABLE country_tags (country_id int REFERENCES countries (id), tag_id int REFERENCES tags (id));
                CREATE TABLE shelves (id serial PRIMARY KEY, tag_id int REFERENCES tags (id), label text, width int, height int);
            """
        }
    )
    schema, tables = project.schema, project.tables
    assert tables.of_schema_table(schema.table("orders")).grows
    link = tables.of_schema_table(schema.table("order_tags"))
    assert link.grows and "link table" in link.why and "`orders`" in link.why
    assert tables.of_schema_table(schema.table("country_tags")).kind == card.UNKNOWN  # links nothing that grows
    assert tables.of_schema_table(schema.table("shelves")).kind == card.UNKNOWN  # one key and more: not a link table
    assert tables.of_schema_table(schema.table("countries")).kind == card.REFERENCE


def test_end_to_end_test_apps_and_seed_data_modules_are_not_production():
    from scalelint.project import is_non_production_path

    assert is_non_production_path("api/e2etests/views.py")  # an e2e seeding endpoint is no handler of production
    assert is_non_production_path("integration_tests/helpers.py")
    assert not is_non_production_path("judge/contests/views.py")  # `contests` is no test folder
    assert freq.is_one_off_path("api/e2etests_support/e2e_seed_data.py") is not None
    assert freq.is_one_off_path("shop/demo_seed_data.py") == "seed data, generated once"
    assert freq.is_one_off_path("shop/views.py") is None
