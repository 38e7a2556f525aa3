"""What frameworks call on the request path beyond the handlers: model methods on the instances
queries return, form validators, serializer hooks (inline and nested), plugin hooks, error
handlers, decorator wrappers, and the user object of the request."""

from __future__ import annotations

from projects import callees, chain, graph

FLASK = """
    from flask import Flask
    app = Flask(__name__)
"""

FSA_MODELS = """
    from flask_sqlalchemy import SQLAlchemy

    db = SQLAlchemy()

    class Forum(db.Model):
        id = db.Column(db.Integer, primary_key=True)

        def recount(self):
            return 1

    class Topic(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        forum_id = db.Column(db.ForeignKey("forum.id"))
        forum = db.relationship("Forum")

        def update_read(self, user):
            return 2

        def lock(self):
            return 3

        def hide(self):
            return 4

        def move(self):
            return 5

        def tag(self):
            return 6

        @property
        def url(self):
            return slugify(self)

    def slugify(topic):
        return "x"
"""


def test_model_methods_on_what_sqlalchemy_queries_return():
    g = graph(
        {
            "forum/__init__.py": "",
            "forum/models.py": FSA_MODELS,
            "forum/views.py": FLASK
            + """
    from sqlalchemy import select
    from forum.models import Topic, db

    @app.get("/t/<int:id>")
    def view(id, user, topic_id: int):
        topic = Topic.query.get(id)
        topic.update_read(user)
        Topic.query.filter_by(id=id).first_or_404().lock()
        db.session.get(Topic, id).hide()
        db.session.execute(select(Topic).where(Topic.id == id)).scalar_one().move()
        for t in db.session.scalars(select(Topic)).all():
            t.tag()
        topic.forum.recount()
        return topic.url
""",
        }
    )
    assert callees(g, "forum.views.view") == {
        "forum.models.Topic.update_read",
        "forum.models.Topic.lock",
        "forum.models.Topic.hide",
        "forum.models.Topic.move",
        "forum.models.Topic.tag",
        "forum.models.Forum.recount",  # through the relationship
        "forum.models.Topic.url",  # a property read
    }
    assert chain(g, "forum.models.slugify") == [("view", "Topic.url", 18), ("Topic.url", "slugify", 34)]


def test_model_methods_on_django_instances_annotations_and_the_request_user():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/settings.py": 'AUTH_USER_MODEL = "shop.Member"\n',
            "shop/models.py": """
    from django.db import models
    from django.contrib.auth.models import AbstractUser

    class Member(AbstractUser):
        def cart_size(self):
            return 1

    class Order(models.Model):
        owner = models.ForeignKey(Member, on_delete=models.CASCADE)

        def total(self):
            return 2

        def ship(self):
            return 3

        def refund(self):
            return 4
""",
            "shop/views.py": """
    from django.shortcuts import get_object_or_404
    from shop.models import Order

    def detail(request, pk):
        order = get_object_or_404(Order, pk=pk)
        order.total()
        Order.objects.filter(owner=request.user).get(pk=pk).ship()
        obj, created = Order.objects.get_or_create(pk=pk)
        obj.refund()
        request.user.cart_size()
        return order

    def helper(order: "Order"):
        return order.owner.cart_size()
""",
            "shop/urls.py": """
    from django.urls import path
    from shop import views

    urlpatterns = [path("o/<int:pk>/", views.detail)]
""",
        }
    )
    assert callees(g, "shop.views.detail") == {
        "shop.models.Order.total",
        "shop.models.Order.ship",
        "shop.models.Order.refund",
        "shop.models.Member.cart_size",  # `request.user` is AUTH_USER_MODEL
    }
    assert callees(g, "shop.views.helper") == {"shop.models.Member.cart_size"}  # annotation, then the relation


def test_flask_login_current_user_is_what_the_user_loader_returns():
    g = graph(
        {
            "app/__init__.py": "",
            "app/models.py": FSA_MODELS.replace("class Topic", "class User").replace('"forum.id"', '"forum.id"'),
            "app/auth.py": """
    from flask_login import LoginManager
    from app.models import User

    login_manager = LoginManager()

    @login_manager.user_loader
    def load_user(user_id):
        return User.query.get(int(user_id))
""",
            "app/views.py": FLASK
            + """
    from flask_login import current_user

    @app.get("/")
    def index():
        return current_user.update_read(None)
""",
        }
    )
    assert callees(g, "app.views.index") == {"app.models.User.update_read"}


FORMS = """
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class RegisterForm(FlaskForm):
        username = StringField()

        def validate_username(self, field):
            return unique_name(field.data)

        def validate_unrelated(self, field):  # no such field: WTForms never calls it
            return 1

    class LoginForm(FlaskForm):
        login = StringField()

        def validate(self, extra_validators=None):
            return check_login()

    def unique_name(name):
        return name

    def check_login():
        return True
"""


def test_wtforms_validators_run_when_a_view_validates_the_form():
    g = graph(
        {
            "forum/__init__.py": "",
            "forum/forms.py": FORMS,
            "forum/views.py": FLASK
            + """
    from forum.forms import LoginForm, RegisterForm

    @app.post("/register")
    def register():
        form = RegisterForm()
        if form.validate_on_submit():
            return "ok"
        return "no"

    @app.post("/login")
    def login():
        form = LoginForm()
        form.validate_on_submit()
        return "ok"

    @app.get("/register")
    def register_page():
        return RegisterForm()
""",
        }
    )
    assert chain(g, "forum.forms.unique_name") == [("register", "RegisterForm.validate_username", 10), ("RegisterForm.validate_username", "unique_name", 9)]
    assert g.reach("forum.forms.RegisterForm.validate_unrelated") is None
    assert chain(g, "forum.forms.check_login")[0] == ("login", "LoginForm.validate", 17)
    assert callees(g, "forum.views.register_page") == set()  # built, never validated


def test_django_forms_clean_methods_and_form_views():
    g = graph(
        {
            "shop/__init__.py": "",
            "shop/forms.py": """
    from django import forms

    class ContactForm(forms.Form):
        email = forms.EmailField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

        def clean_email(self):
            return check_email(self.cleaned_data["email"])

        def clean(self):
            return super().clean()

    def check_email(email):
        return email
""",
            "shop/views.py": """
    from django.views.generic.edit import FormView
    from shop.forms import ContactForm

    def contact(request):
        form = ContactForm(request.POST)
        if form.is_valid():
            return "ok"
        return "no"

    class ContactView(FormView):
        form_class = ContactForm
""",
            "shop/urls.py": """
    from django.urls import path
    from shop import views

    urlpatterns = [path("contact/", views.contact), path("c2/", views.ContactView.as_view())]
""",
        }
    )
    assert callees(g, "shop.views.contact") == {
        "shop.forms.ContactForm.__init__",
        "shop.forms.ContactForm.clean_email",
        "shop.forms.ContactForm.clean",
    }
    roots = {r.label for r in g.roots if r.qualname.startswith("shop.forms.ContactForm.")}
    assert "`ContactForm.clean_email` (Django builds and validates the form of `ContactView`)" in roots
    assert "`ContactForm.__init__` (Django builds and validates the form of `ContactView`)" in roots


def test_drf_serializers_built_inline_and_nested():
    g = graph(
        {
            "api/__init__.py": "",
            "api/serializers.py": """
    from rest_framework import serializers

    class VenueSerializer(serializers.Serializer):
        def to_representation(self, venue):
            return venue_name(venue)

    class EventSerializer(serializers.Serializer):
        venue = VenueSerializer()

        def validate_title(self, value):
            return value

    class TicketSerializer(serializers.Serializer):
        event = EventSerializer(read_only=True)

    def venue_name(venue):
        return venue
""",
            "api/views.py": """
    from rest_framework.decorators import api_view
    from rest_framework.generics import ListAPIView
    from rest_framework.response import Response
    from api.serializers import EventSerializer, TicketSerializer

    @api_view(["GET"])
    def events(request):
        return Response(EventSerializer([], many=True).data)

    class Tickets(ListAPIView):
        serializer_class = TicketSerializer
""",
            "api/urls.py": """
    from django.urls import path
    from api import views

    urlpatterns = [path("events/", views.events), path("tickets/", views.Tickets.as_view())]
""",
        }
    )
    assert callees(g, "api.views.events") == {"api.serializers.VenueSerializer.to_representation", "api.serializers.EventSerializer.validate_title"}
    # a view's serializer_class: the serializers nested two levels down are roots too
    labels = {r.label for r in g.roots if r.qualname == "api.serializers.VenueSerializer.to_representation"}
    assert labels == {"`VenueSerializer.to_representation` (DRF runs it for the serializer of `Tickets`)"}


def test_pluggy_hooks_run_from_a_plugin_manager():
    g = graph(
        {
            "bb/__init__.py": "",
            "bb/manager.py": """
    import pluggy

    class BBPluginManager(pluggy.PluginManager):
        pass
""",
            "bb/extensions.py": """
    from bb.manager import BBPluginManager

    plugins = BBPluginManager("bb")
""",
            "bb/plugins.py": """
    from pluggy import HookimplMarker

    impl = HookimplMarker("bb")

    @impl
    def bb_user_updated(user):
        return notify(user)

    def bb_not_a_hook(user):
        return 1

    def notify(user):
        return user
""",
            "bb/views.py": FLASK
            + """
    from bb.extensions import plugins
    import thirdparty

    @app.post("/user")
    def update():
        plugins.hook.bb_user_updated(user=1)
        thirdparty.hook.bb_not_a_hook(user=1)
        return "ok"
""",
        }
    )
    assert chain(g, "bb.plugins.notify") == [("update", "bb_user_updated", 10), ("bb_user_updated", "notify", 8)]
    assert g.reach("bb.plugins.bb_not_a_hook") is None


def test_error_handlers_and_hooks_registered_in_a_factory_are_request_roots():
    g = graph(
        {
            "app/__init__.py": """
    from flask import Flask

    def create_app():
        app = Flask(__name__)
        register_error_handlers(app)
        configure(app)
        return app

    def register_error_handlers(app):
        app.register_error_handler(404, page_not_found)

    def configure(app: Flask):
        @app.errorhandler(500)
        def server_error(error):
            return "oops"

        @app.before_request
        def mark_online():
            return None

    def page_not_found(error):
        return "not found"

    def setup(thing):
        thing.register_error_handler(404, not_a_handler)

    def not_a_handler(error):
        return 1
""",
            "api/__init__.py": "",
            "api/main.py": """
    from fastapi import FastAPI

    app = FastAPI()

    @app.exception_handler(ValueError)
    async def bad_value(request, exc):
        return None
""",
        }
    )
    kinds = {r.qualname: (r.kind, r.label) for r in g.roots}
    assert kinds["app.page_not_found"] == ("error-handler", "`page_not_found` (a Flask error handler)")
    assert kinds["app.configure.server_error"][0] == "error-handler"
    assert kinds["app.configure.mark_online"][0] == "middleware"
    assert kinds["api.main.bad_value"] == ("error-handler", "`bad_value` (a FastAPI error handler)")
    # a parameter that a Flask-only hook method is called on, in a project that builds a Flask
    # app, is that app (or a blueprint), whatever its name
    assert "app.not_a_handler" in kinds
    # ...and in a project that builds no Flask app, nothing is
    g = graph({"lib.py": "def setup(thing):\n    thing.register_error_handler(404, handler)\n\ndef handler(error):\n    return 1\n"})
    assert g.roots == []


def test_decorator_wrappers_run_with_the_view():
    g = graph(
        {
            "app/__init__.py": "",
            "app/helpers.py": """
    from functools import wraps

    def anonymous_required(f):
        @wraps(f)
        def wrapper(*args, **kwargs):
            return check_anonymous()
        return wrapper

    def requires(permission):
        def decorator(f):
            def inner(*args, **kwargs):
                return check_permission(permission)
            return inner
        return decorator

    def check_anonymous():
        return True

    def check_permission(p):
        return True
""",
            "app/views.py": FLASK
            + """
    from flask.views import MethodView
    from app.helpers import anonymous_required, requires

    @app.get("/")
    @requires("read")
    def index():
        return "ok"

    class Login(MethodView):
        decorators = [anonymous_required]

        def get(self):
            return "login"

    app.add_url_rule("/login", view_func=Login.as_view("login"))
""",
        }
    )
    assert chain(g, "app.helpers.check_permission") == [("index", "inner", 10), ("inner", "check_permission", 13)]
    assert chain(g, "app.helpers.check_anonymous")[0][:2] == ("Login.get", "wrapper")


def test_drf_permission_classes_and_dispatch_run_per_request():
    g = graph(
        {
            "api/__init__.py": "",
            "api/permissions.py": """
    from rest_framework.permissions import BasePermission

    class IsOwner(BasePermission):
        def has_object_permission(self, request, view, obj):
            return owns(request.user, obj)

    def owns(user, obj):
        return True
""",
            "api/views.py": """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAuthenticated
    from api.permissions import IsOwner

    class NoteViewSet(viewsets.ModelViewSet):
        permission_classes = [IsAuthenticated, IsOwner]

        def dispatch(self, request, *args, **kwargs):
            return super().dispatch(request, *args, **kwargs)
""",
            "api/urls.py": """
    from rest_framework.routers import DefaultRouter
    from api.views import NoteViewSet

    router = DefaultRouter()
    router.register("notes", NoteViewSet)
    urlpatterns = router.urls
""",
        }
    )
    labels = {r.qualname: r.label for r in g.roots}
    assert labels["api.permissions.IsOwner.has_object_permission"] == "`IsOwner.has_object_permission` (DRF checks it on each request to `NoteViewSet`)"
    assert "api.views.NoteViewSet.dispatch" in labels
    assert chain(g, "api.permissions.owns") == [("IsOwner.has_object_permission", "owns", 6)]
