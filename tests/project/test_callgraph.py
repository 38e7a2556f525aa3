"""The call graph (scalelint.project.callgraph, Project.callgraph): which project functions each
function calls, and the request path with one shortest chain of call sites per function; what
is not the request path (tasks, background work, threads, commands); edges it cannot resolve."""

from __future__ import annotations



from projects import callees, chain, graph
from scalelint.project.mro import MAX_MRO
from scalelint.project.callgraph import MAX_DEPTH


FLASK = """
    from flask import Flask
    app = Flask(__name__)
"""


def test_chain_from_a_flask_route_across_modules_with_notes():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/app.py": FLASK
            + """
    from shop import payments
    from shop.payments import refund as give_back

    @app.post("/checkout")
    def checkout():
        payments.charge(10)
        return "ok"

    @app.post("/refund")
    def refund_view():
        give_back(10)
        return "ok"
""",
            "shop/payments.py": """
    import requests

    def charge(amount):
        return _post("/charge", amount)

    def refund(amount):
        return _post("/refund", amount)

    def _post(path, amount):
        return requests.post(path, json={"amount": amount})

    def unused():
        return _post("/x", 0)
""",
        }
    )
    assert chain(g, "shop.payments.charge") == [("checkout", "charge", 10)]
    assert chain(g, "shop.payments._post") == [("checkout", "charge", 10), ("charge", "_post", 5)]
    assert chain(g, "shop.payments.refund") == [("refund_view", "refund", 15)]  # through `import ... as`
    assert g.reach("shop.payments.unused") is None
    assert g.reach("shop.app.checkout").depth == 0
    notes = [(r.path, r.line, r.message) for r in g.reach("shop.payments._post").related()]
    assert notes == [
        ("shop/app.py", 10, "`checkout` (a Flask route) calls `charge` here"),
        ("shop/payments.py", 5, "`charge` calls `_post` here"),
    ]
    assert g.reach("shop.payments._post").describe() == "on the request path of `checkout` (a Flask route)"
    assert {c.caller for c in g.callers("shop.payments._post")} == {
        "shop.payments.charge",
        "shop.payments.refund",
        "shop.payments.unused",
    }


def test_shortest_chain_wins_and_depth_is_bounded():
    steps = "\n".join(f"    def f{i}():\n        return f{i + 1}()\n" for i in range(MAX_DEPTH + 5))
    g = graph(
        {
            "app.py": FLASK
            + f"""
    @app.get("/")
    def index():
        f0()
        return f3()

{steps}
    def f{MAX_DEPTH + 5}():
        return 1
"""
        }
    )
    # f3 is called directly too: its chain is the short one
    assert chain(g, "app.f3") == [("index", "f3", 8)]
    assert g.reach("app.f4").depth == 2
    last_reached = 3 + MAX_DEPTH - 1  # index -> f3 -> f4 ... : MAX_DEPTH calls
    assert g.reach(f"app.f{last_reached}").depth == MAX_DEPTH
    assert g.reach(f"app.f{last_reached + 1}") is None
    assert f"app.f{last_reached + 1}" in g.request_path(depth=MAX_DEPTH + 1, key="deeper")


def test_methods_self_inherited_init_super_property_and_instances():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/models.py": """
    class Base:
        def __init__(self, user):
            self.user = user
            self.setup()

        def setup(self):
            return None

        def price(self):
            return self.base_price()

        def base_price(self):
            return 1

        @property
        def label(self):
            return render_label(self)

        @staticmethod
        def make():
            return 1

        @classmethod
        def build(cls):
            return cls.make()


    class Cart(Base):
        def setup(self):
            super().setup()

        def total(self):
            return self.price() + len(self.label)


    def render_label(obj):
        return "x"


    class Client:
        def fetch(self):
            return 1


    client = Client()
""",
            "shop/app.py": FLASK
            + """
    from shop.models import Cart, Base, client

    @app.get("/")
    def index():
        cart = Cart(1)
        Base.build()
        client.fetch()
        Cart(2).total()
        return "ok"
""",
        }
    )
    assert chain(g, "shop.models.Base.__init__") == [("index", "Base.__init__", 9)]
    # `self.setup()` in Base.__init__ runs Cart.setup for a Cart; super() reaches Base.setup
    assert chain(g, "shop.models.Cart.setup") == [("index", "Base.__init__", 9), ("Base.__init__", "Cart.setup", 5)]
    assert chain(g, "shop.models.Base.setup")[-1] == ("Cart.setup", "Base.setup", 31)
    assert chain(g, "shop.models.Base.build") == [("index", "Base.build", 10)]
    assert chain(g, "shop.models.Base.make") == [("index", "Base.build", 10), ("Base.build", "Base.make", 26)]
    assert chain(g, "shop.models.Client.fetch") == [("index", "Client.fetch", 11)]  # module-level instance
    assert chain(g, "shop.models.Cart.total") == [("index", "Cart.total", 12)]
    assert chain(g, "shop.models.Base.base_price")[-1] == ("Base.price", "Base.base_price", 11)
    assert chain(g, "shop.models.render_label") == [
        ("index", "Cart.total", 12),
        ("Cart.total", "Base.label", 34),  # a property read runs it
        ("Base.label", "render_label", 18),
    ]
    kinds = {(c.callee, c.kind) for c in g.calls("shop.models.Cart.total")}
    assert kinds == {("shop.models.Base.price", "method"), ("shop.models.Base.label", "property")}
    # statically (no subclass known) `self.setup()` in Base is Base's own
    assert callees(g, "shop.models.Base.__init__") == {"shop.models.Base.setup"}


def test_self_calls_dispatch_on_the_wired_view_class():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/views.py": """
    from django.views import View
    from django.http import HttpResponse

    class BaseReport(View):
        def get(self, request):
            return HttpResponse(self.rows())

        def rows(self):
            return []

    class SalesReport(BaseReport):
        def rows(self):
            return fetch_sales()

    def fetch_sales():
        return []
""",
            "shop/urls.py": """
    from django.urls import path
    from shop.views import SalesReport

    urlpatterns = [path("sales/", SalesReport.as_view())]
""",
        }
    )
    assert chain(g, "shop.views.fetch_sales") == [("BaseReport.get", "SalesReport.rows", 7), ("SalesReport.rows", "fetch_sales", 14)]
    root = g.reach("shop.views.fetch_sales").root
    assert root.label == "`SalesReport.get` (a Django view)"
    assert root.wired == ("shop/urls.py", 5)
    assert g.reach("shop.views.BaseReport.rows") is None  # only the subclass is served


def test_django_and_drf_hooks_and_serializers_are_roots():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/views.py": """
    from django.views.generic import ListView
    from rest_framework import serializers, viewsets

    class EventList(ListView):
        def get_queryset(self):
            return load_events()

        def get_context_data(self, **kwargs):
            return {}

    class EventSerializer(serializers.Serializer):
        def validate_title(self, value):
            return check_title(value)

        def create(self, data):
            return data

    class EventViewSet(viewsets.ModelViewSet):
        serializer_class = EventSerializer

        def perform_create(self, serializer):
            serializer.save()

    def load_events():
        return []

    def check_title(value):
        return value
""",
            "shop/urls.py": """
    from django.urls import path
    from rest_framework.routers import DefaultRouter
    from shop.views import EventList, EventViewSet

    router = DefaultRouter()
    router.register("events", EventViewSet)
    urlpatterns = [path("events/", EventList.as_view())]
""",
        }
    )
    assert chain(g, "shop.views.load_events") == [("EventList.get_queryset", "load_events", 7)]
    root = g.reach("shop.views.EventList.get_queryset").root
    assert (root.kind, root.label) == ("hook", "`EventList.get_queryset` (Django calls it on each request to `EventList`)")
    assert g.reach("shop.views.check_title").root.label == (
        "`EventSerializer.validate_title` (DRF runs it for the serializer of `EventViewSet`)"
    )
    assert g.reach("shop.views.EventList.get_context_data").depth == 0
    assert chain(g, "shop.views.check_title") == [("EventSerializer.validate_title", "check_title", 14)]
    assert g.reach("shop.views.EventSerializer.create") is not None
    assert g.reach("shop.views.EventViewSet.perform_create") is not None


TASKS = {
    "shop/__init__.py": "",
    "shop/tasks.py": """
    from celery import shared_task
    from huey import RedisHuey
    from shop.celery import app as celery_app

    huey = RedisHuey("shop")

    @shared_task
    def send_receipt(order_id):
        render_receipt(order_id)

    @celery_app.task(bind=True)
    def sync_stock(self):
        return stock_levels()

    @huey.task()
    def resize(order_id):
        return order_id

    def stock_levels():
        return 1

    def render_receipt(order_id):
        return order_id

    def notify(order_id):
        return order_id

    def audit(order_id):
        return order_id

    def warm(order_id):
        return order_id

    def export(order_id):
        return order_id

    def reindex(order_id):
        return order_id
""",
    "shop/celery.py": """
    from celery import Celery
    app = Celery("shop")
""",
    "shop/main.py": """
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from django.db import transaction
    from fastapi import BackgroundTasks, FastAPI
    from starlette.concurrency import run_in_threadpool
    from shop import tasks

    app = FastAPI()
    executor = ThreadPoolExecutor()

    @app.post("/orders")
    async def create_order(background: BackgroundTasks):
        tasks.send_receipt.delay(1)
        tasks.send_receipt.apply_async((1,))
        tasks.sync_stock()
        tasks.resize(1)
        background.add_task(tasks.notify, 1)
        transaction.on_commit(lambda: tasks.audit(1))
        threading.Thread(target=tasks.warm, args=(1,)).start()
        executor.submit(tasks.export, 1)
        await run_in_threadpool(tasks.reindex, 1)
        return {}
""",
}


def test_tasks_background_work_threads_and_executors_are_not_the_request_path():
    g = graph(TASKS)
    assert g.reach("shop.main.create_order") is not None
    for name in ("send_receipt", "render_receipt", "notify", "audit", "warm", "export", "reindex", "resize"):
        assert g.reach(f"shop.tasks.{name}") is None, name
    # a Celery task called directly (not through `.delay`) runs in the request, and what it calls;
    # a Huey task enqueues itself even when called: the edge exists, the request path stops there
    assert chain(g, "shop.tasks.stock_levels") == [("create_order", "sync_stock", 16), ("sync_stock", "stock_levels", 14)]
    assert callees(g, "shop.main.create_order") == {"shop.tasks.sync_stock", "shop.tasks.resize"}


def test_commands_are_not_entered_and_their_helpers_only_through_handlers():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/management/__init__.py": "",
            "shop/management/commands/__init__.py": "",
            "shop/management/commands/sync.py": """
    from django.core.management.base import BaseCommand

    class Command(BaseCommand):
        def handle(self, *args, **options):
            pull()

    def pull():
        return 1
""",
            "shop/cli.py": """
    import click

    @click.command()
    def export():
        dump()

    def dump():
        return 1
""",
            "shop/app.py": FLASK
            + """
    from shop.cli import export
    from shop.management.commands.sync import pull

    @app.get("/")
    def index():
        export()
        pull()
        return "ok"
""",
        }
    )
    assert g.reach("shop.cli.export") is None
    assert g.reach("shop.cli.dump") is None
    assert g.reach("shop.management.commands.sync.pull") is None
    assert g.reach("shop.management.commands.sync.Command.handle") is None


def test_unresolvable_calls_are_no_edges():
    g = graph(
        {
            "app.py": FLASK
            + """
    import importlib
    import thirdparty

    HANDLERS = {"a": lambda: 1}

    @app.get("/")
    def index(callback=None):
        getattr(thirdparty, "run")()
        HANDLERS["a"]()
        callback()
        thirdparty.helper()
        importlib.import_module("app").helper()
        (helper if callback else other)()
        return "ok"

    def helper():
        return 1

    def other():
        return 2

    class Service:
        def run(self):
            self.client.fetch()
            return self.missing()
""",
        }
    )
    # `(helper if c else other)()`: both may run
    assert callees(g, "app.index") == {"app.helper", "app.other"}
    assert g.calls("app.Service.run") == []
    assert g.calls("app.nowhere") == []


def test_test_code_and_pytest_plugins_are_not_in_the_graph():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/app.py": FLASK
            + """
    from shop.testing_utils import fake_charge

    @app.get("/")
    def index():
        fake_charge()
        return "ok"
""",
            "shop/testing_utils.py": """
    import pytest

    def fake_charge():
        return 1
""",
            "tests/test_app.py": """
    def test_index():
        assert True
""",
        }
    )
    assert g.function("shop.testing_utils.fake_charge") is None
    assert g.function("tests.test_app.test_index") is None
    assert g.calls("shop.app.index") == []


def test_fastapi_dependencies_and_recursion():
    g = graph(
        {
            "main.py": """
    from fastapi import Depends, FastAPI

    app = FastAPI()

    def get_db():
        db = open_db()
        try:
            yield db
        finally:
            db.close()

    def open_db():
        return walk(3)

    def walk(n):
        return walk(n - 1) if n else n

    @app.get("/items")
    async def items(db=Depends(get_db)):
        return []
""",
        }
    )
    root = g.reach("main.get_db").root
    assert (root.kind, root.label) == ("dependency", "`get_db` (a FastAPI dependency)")
    assert chain(g, "main.walk") == [("get_db", "open_db", 7), ("open_db", "walk", 14)]
    assert callees(g, "main.walk") == {"main.walk"}
    async_roots = g.request_path(roots=lambda r: r.is_async, key="async")
    assert set(async_roots) == {"main.items"}  # the dependency is a sync def: FastAPI runs it in a thread


def test_stop_keeps_a_function_and_what_only_it_reaches_out():
    g = graph(
        {
            "app.py": FLASK
            + """
    from functools import lru_cache

    @app.get("/")
    def index():
        settings()
        return shared()

    @lru_cache
    def settings():
        return load()

    def load():
        return 1

    def shared():
        return load()
""",
        }
    )
    cached = lambda path, fn: any(d.endswith("lru_cache") for d in fn.decorators)  # noqa: E731
    path = g.request_path(stop=cached, key="uncached")
    assert "app.settings" not in path
    assert [c.callee_name for c in path["app.load"].chain] == ["shared", "load"]
    assert "app.settings" in g.request_path()


def test_facts_the_rules_read_awaited_calls_and_globals():
    g = graph(
        {
            "app.py": """
    import asyncio
    _client = None

    async def fetch(session):
        await asyncio.sleep(1)
        session.execute("x")
        return await session.get(1)

    def client():
        global _client
        return _client
""",
        }
    )
    _, fn = g.function("app.fetch")
    assert [s.line for s in fn.awaited] == [6, 8]
    assert g.function("app.client")[1].globals == ("_client",)


def test_parameters_named_like_a_session():
    from scalelint.facts import SParam
    from scalelint.project.clients import is_param_named

    words = ("session", "db")
    assert is_param_named(SParam(1, "db"), words)
    assert is_param_named(SParam(1, "db_session"), words)
    assert is_param_named(SParam(1, "Session"), words)
    assert not is_param_named(SParam(1, "feedback"), words)
    assert not is_param_named(SParam(1, "dbname"), words)


def test_odd_code_never_breaks_the_graph():
    g = graph(
        {
            "app.py": FLASK
            + """
    class A(B):
        pass

    class B(A):
        def m(self):
            return self.m()

    @app.get("/")
    def index():
        return B().m()

    def deep():
        return (((((((((((((((((((((((((1)))))))))))))))))))))))))
""",
            "empty.py": "",
        }
    )
    assert g.mro("app.B")[0] == "app.B"
    assert chain(g, "app.B.m") == [("index", "B.m", 14)]
    assert g.calls("app.deep") == []


def test_deep_hierarchies_and_call_chains_do_not_hit_the_recursion_limit():
    classes = "\n".join(f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, 1500))
    calls = "\n".join(f"def f{i}():\n    return f{i - 1}()\n" for i in range(1, 1500))
    source = f"class C0:\n    def m(self):\n        return f1499()\n\n{classes}\n\ndef f0():\n    return 1\n\n{calls}\n"
    g = graph({"app.py": source})
    assert len(g.mro("app.C1499")) == MAX_MRO  # bounded: a method 1,500 classes up is not found
    assert g.lookup("app.C1499", "m") is None
    assert g.lookup("app.C50", "m") == "app.C0.m"
    assert callees(g, "app.f1499") == {"app.f1498"}
    g.request_path()  # no handler here; the handler model may give up on such code, the graph does not
