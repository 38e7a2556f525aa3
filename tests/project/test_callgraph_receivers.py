"""The call graph follows calls on objects whose class the light type inference knows
(scalelint.project.types): module singletons, `self.repo`, injected FastAPI services, what
factories and classmethods return, context managers; and never a method by its name alone."""

from __future__ import annotations

from projects import callees, chain, graph

FLASK = """
    from flask import Flask
    app = Flask(__name__)
"""

SERVICES = """
    import requests

    class Repo:
        def page_all(self):
            return fetch_rows()

    class Recommender:
        def __init__(self, repo=None):
            self.repo = repo or Repo()

        def rank(self, user):
            return self.repo.page_all()

    def fetch_rows():
        return requests.get("https://rows.example")

    def make_recommender():
        return Recommender(Repo())

    recommender = Recommender()
    built = make_recommender()
"""


def test_module_singletons_and_what_factories_build():
    g = graph(
        {
            "app/__init__.py": "",
            "app/services/__init__.py": SERVICES,
            "app/views.py": FLASK
            + """
    from app.services import recommender, built
    from app import services

    @app.get("/a")
    def a():
        return recommender.rank(1)

    @app.get("/b")
    def b():
        return built.rank(2)

    @app.get("/c")
    def c():
        return services.recommender.rank(3)

    @app.get("/d")
    def d():
        return services.make_recommender().rank(4)
""",
        }
    )
    assert chain(g, "app.services.Repo.page_all") == [("a", "Recommender.rank", 10), ("Recommender.rank", "Repo.page_all", 13)]
    assert {c.callee for c in g.calls("app.views.b")} == {"app.services.Recommender.rank"}  # built by a factory
    assert {c.callee for c in g.calls("app.views.c")} == {"app.services.Recommender.rank"}  # through the module
    assert callees(g, "app.views.d") == {"app.services.make_recommender", "app.services.Recommender.rank"}
    assert chain(g, "app.services.fetch_rows")[-1] == ("Repo.page_all", "fetch_rows", 6)


def test_instance_attributes_from_init_class_level_and_constructor_arguments():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/clients.py": """
    class Payments:
        def charge(self):
            return 1

    class Mailer:
        def send(self):
            return 2

    class Ledger:
        def write(self):
            return 3

    class Audit:
        def log(self):
            return 4
""",
            "shop/service.py": """
    from shop.clients import Audit, Ledger, Mailer, Payments

    class Checkout:
        ledger = Ledger()
        audit: Audit

        def __init__(self, mailer, payments: Payments):
            self.payments = payments
            self.mailer = mailer

        def run(self):
            self.payments.charge()
            self.mailer.send()
            self.ledger.write()
            self.audit.log()
            self.unknown.write()
""",
            "shop/app.py": FLASK
            + """
    from shop.clients import Mailer, Payments
    from shop.service import Checkout

    @app.post("/checkout")
    def checkout():
        return Checkout(Mailer(), payments=Payments()).run()
""",
        }
    )
    run = "shop.service.Checkout.run"
    assert callees(g, run) == {
        "shop.clients.Payments.charge",  # the parameter's annotation
        "shop.clients.Mailer.send",  # what `checkout` passes to `__init__`
        "shop.clients.Ledger.write",  # a class-level instance
        "shop.clients.Audit.log",  # a class-level annotation
    }
    assert chain(g, "shop.clients.Mailer.send") == [("checkout", "Checkout.run", 10), ("Checkout.run", "Mailer.send", 14)]


def test_flask_views_given_factories_through_as_view():
    g = graph(
        {
            "forum/__init__.py": "",
            "forum/services.py": """
    class Activator:
        def activate(self, token):
            return token

    def activator_factory():
        return Activator()
""",
            "forum/views.py": """
    from flask import Blueprint
    from flask.views import MethodView
    from forum.services import activator_factory

    bp = Blueprint("auth", __name__)

    class Activate(MethodView):
        def __init__(self, activator_factory):
            self.activator_factory = activator_factory

        def post(self, token):
            activator = self.activator_factory()
            activator.activate(token)
            return "ok"

    def load_blueprints(app):
        bp.add_url_rule("/activate", view_func=Activate.as_view("activate", activator_factory=activator_factory))
""",
        }
    )
    assert chain(g, "forum.services.Activator.activate") == [("Activate.post", "Activator.activate", 14)]
    assert chain(g, "forum.services.activator_factory") == [("Activate.post", "activator_factory", 13)]
    # Flask builds the view for each request: its `__init__` is on the request path
    assert g.reach("forum.views.Activate.__init__").root.label == "`Activate.__init__` (Flask builds `Activate` for each request)"


def test_fastapi_depends_injects_services():
    g = graph(
        {
            "api/__init__.py": "",
            "api/services.py": """
    from fastapi import Depends

    class Repo:
        def list(self):
            return []

    class ItemService:
        def __init__(self, repo: Repo):
            self.repo = repo

        def list_items(self):
            return self.repo.list()

    def get_repo():
        return Repo()

    def get_service(repo: Repo = Depends(get_repo)):
        yield ItemService(repo)

    def get_repository(model):
        def _provide() -> Repo:
            return Repo()
        return _provide
""",
            "api/deps.py": """
    from typing import Annotated
    from fastapi import Depends
    from api.services import ItemService, get_service

    ServiceDep = Annotated[ItemService, Depends(get_service)]
""",
            "api/main.py": """
    from typing import Annotated
    from fastapi import Depends, FastAPI
    from api.deps import ServiceDep
    from api.services import ItemService, get_repository, get_service

    app = FastAPI()

    @app.get("/a")
    def a(svc: ItemService = Depends(get_service)):
        return svc.list_items()

    @app.get("/b")
    def b(svc=Depends(get_service)):
        return svc.list_items()

    @app.get("/c")
    def c(svc: Annotated[ItemService, Depends(get_service)]):
        return svc.list_items()

    @app.get("/d")
    def d(svc: ServiceDep):
        return svc.list_items()

    @app.get("/e")
    def e(repo=Depends(get_repository("items"))):
        return repo.list()
""",
        }
    )
    for route in "abcd":
        assert callees(g, f"api.main.{route}") == {"api.services.ItemService.list_items"}, route
    assert callees(g, "api.main.e") == {"api.services.Repo.list"}  # the provider a factory returns
    assert g.reach("api.services.get_repository._provide").root.kind == "dependency"
    assert [c[:2] for c in chain(g, "api.services.ItemService.list_items")] == [("a", "ItemService.list_items")]


def test_classmethods_that_return_queries_and_context_managers_that_yield_sessions():
    g = graph(
        {
            "blog/__init__.py": "",
            "blog/models.py": """
    from contextlib import contextmanager
    from flask_sqlalchemy import SQLAlchemy

    db = SQLAlchemy()

    class Post(db.Model):
        id = db.Column(db.Integer, primary_key=True)

        @classmethod
        def recent(cls):
            return cls.query.order_by(cls.id.desc())

        @classmethod
        def make(cls):
            return cls()

        def touch(self):
            return 1

        def publish(self):
            return 2

    class UnitOfWork:
        def commit(self):
            return 3

    class Store:
        @property
        @contextmanager
        def uow(self):
            yield UnitOfWork()

        def save(self):
            with self.uow as uow:
                uow.commit()
""",
            "blog/views.py": FLASK
            + """
    from blog.models import Post, Store

    @app.get("/")
    def index():
        for post in Post.recent().limit(10):
            post.touch()
        Post.make().publish()
        Store().save()
        return "ok"
""",
        }
    )
    assert callees(g, "blog.views.index") >= {"blog.models.Post.recent", "blog.models.Post.touch", "blog.models.Post.publish"}
    assert chain(g, "blog.models.UnitOfWork.commit") == [("index", "Store.save", 12), ("Store.save", "UnitOfWork.commit", 36)]


def test_nested_functions_are_called_by_name():
    g = graph(
        {
            "app.py": FLASK
            + """
    @app.get("/")
    def index():
        def rows():
            return load()
        return rows()

    def load():
        return 1
"""
        }
    )
    assert chain(g, "app.load") == [("index", "rows", 9), ("rows", "load", 8)]


def test_a_method_is_never_guessed_by_its_name():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/models.py": """
    class Order:
        def save(self):
            return 1

        def refresh(self):
            return 2
""",
            "shop/app.py": FLASK
            + """
    import thirdparty
    from shop.models import Order

    client = thirdparty.Client()

    @app.post("/")
    def index(payload, order: "Missing" = None):
        payload.save()
        thirdparty.load().save()
        client.refresh()
        order.save()
        cache = {}
        cache.get("x").save()
        return "ok"
""",
        }
    )
    assert g.calls("shop.app.index") == []
    assert g.reach("shop.models.Order.save") is None


def test_a_local_annotation_types_what_an_unknown_call_returns():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/models.py": """
    class Order:
        def ship(self):
            return 1
""",
            "shop/app.py": FLASK
            + """
    import thirdparty
    from shop.models import Order

    @app.post("/")
    def index():
        order: Order = thirdparty.load("order")
        order.ship()
        other = thirdparty.load("order")
        other.ship()
        return "ok"
""",
        }
    )
    calls = [(c.callee, c.span.line) for c in g.calls("shop.app.index")]
    assert calls == [("shop.models.Order.ship", 11)]
