"""The resolved ORM model (scalelint.project.orm, Project.orm): which classes are models, what
they inherit, and every relation accessor with its target, cardinality and loading."""

from __future__ import annotations


from projects import build
from scalelint.project.orm import Orm, OrmModel, Relation


def orm(files: dict[str, str], clean: bool = True) -> Orm:
    return build(files, clean=clean).orm


def rel(o: Orm, model: str, name: str) -> Relation:
    found = o.relation(model, name)
    assert found is not None, (model, name, sorted(o.models[model].relations) if model in o.models else sorted(o.models))
    return found


def summary(r: Relation) -> tuple:
    return (r.kind, r.target, r.many, r.lazy, r.attname, r.opposite)


# --- Django -----------------------------------------------------------------------------------

ACCOUNTS = """
from django.contrib.auth.models import AbstractUser
from django.db import models

class User(AbstractUser):
    bio = models.TextField(blank=True)

class Organizer(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
"""

SETTINGS = {
    "config/settings/base.py": """
        INSTALLED_APPS = ["accounts", "shop", "blog"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
        AUTH_USER_MODEL = "accounts.User"
    """,
    "config/settings/production.py": "from .base import *\nDEBUG = False\n",
    "config/settings/dev.py": "from .base import *\nAUTH_USER_MODEL = 'dev.User'\n",
}


def test_django_abstract_base_with_class_and_app_label_related_name():
    o = orm(
        {
            **SETTINGS,
            "accounts/models.py": ACCOUNTS,
            "core/models.py": """
                from django.conf import settings
                from django.db import models

                class Authored(models.Model):
                    created_by = models.ForeignKey(
                        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_created"
                    )
                    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)
                    created = models.DateTimeField(auto_now_add=True)

                    def author_name(self):
                        return self.created_by.username

                    class Meta:
                        abstract = True
            """,
            "shop/models.py": "from core.models import Authored\n\nclass Event(Authored):\n    pass\n",
            "blog/models.py": "from core.models import Authored\n\nclass Post(Authored):\n    pass\n",
        }
    )
    base = o.models["core.models.Authored"]
    assert base.abstract and base.table is None and base.framework == "django"
    assert rel(o, "core.models.Authored", "created_by").opposite is None  # an abstract model has no reverse accessor

    event = o.models["shop.models.Event"]
    assert event.bases == ("core.models.Authored",) and event.table == "shop_event" and event.app_label == "shop"
    assert set(event.fields) == {"created_by", "parent", "created"}
    created_by = rel(o, "shop.models.Event", "created_by")
    assert summary(created_by) == ("fk", "accounts.models.User", False, "select", "created_by_id", "shop_event_created")
    assert created_by.path == "core/models.py" and created_by.owner == "shop.models.Event"
    # "self" in an abstract base is each concrete child
    assert rel(o, "shop.models.Event", "parent").target == "shop.models.Event"
    assert rel(o, "blog.models.Post", "parent").target == "blog.models.Post"
    assert rel(o, "blog.models.Post", "parent").opposite == "post_set"
    assert event.methods["author_name"] == ("core.models.Authored.author_name", "method")

    # the user gets one reverse accessor per concrete child, named after it
    back = rel(o, "accounts.models.User", "shop_event_created")
    assert summary(back) == ("reverse_fk", "shop.models.Event", True, "select", None, "created_by")
    assert back.path == "core/models.py"
    assert rel(o, "accounts.models.User", "blog_post_created").target == "blog.models.Post"
    assert rel(o, "shop.models.Event", "event_set").kind == "reverse_fk"  # children of the "self" FK
    assert "authored_set" not in o.models["shop.models.Event"].relations


def test_django_app_label_references_across_apps_and_model_packages():
    o = orm(
        {
            "accounts/models.py": ACCOUNTS,
            "shop/models/__init__.py": "from .event import Event\nfrom .tag import Tag\n",
            "shop/models/event.py": """
                from django.db import models

                class Event(models.Model):
                    organizer = models.ForeignKey("accounts.Organizer", on_delete=models.CASCADE, related_name="events")
                    host = models.ForeignKey("accounts.organizer", on_delete=models.CASCADE, related_name="hosted")
                    tags = models.ManyToManyField("Tag", blank=True)
                    venue = models.ForeignKey("places.Venue", on_delete=models.PROTECT)
            """,
            "shop/models/tag.py": "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=10)\n",
            "misc/geo.py": """
                from django.db import models

                class Venue(models.Model):
                    name = models.CharField(max_length=10)

                    class Meta:
                        app_label = "places"
            """,
        }
    )
    assert o.models["shop.models.event.Event"].app_label == "shop"
    assert rel(o, "shop.models.event.Event", "organizer").target == "accounts.models.Organizer"
    assert rel(o, "shop.models.event.Event", "host").target == "accounts.models.Organizer"  # model names ignore case
    assert rel(o, "shop.models.event.Event", "tags").target == "shop.models.tag.Tag"  # same app, another file
    venue = o.models["misc.geo.Venue"]
    assert (venue.app_label, venue.table) == ("places", "places_venue")
    assert rel(o, "shop.models.event.Event", "venue").target == "misc.geo.Venue"
    assert rel(o, "accounts.models.Organizer", "events").opposite == "organizer"
    assert rel(o, "accounts.models.Organizer", "hosted").target == "shop.models.event.Event"
    assert rel(o, "shop.models.tag.Tag", "event_set").kind == "reverse_m2m"
    assert rel(o, "misc.geo.Venue", "event_set").many
    # the package re-export names the same model
    assert o.model("shop.models.Event") is o.models["shop.models.event.Event"]


def test_django_custom_user_from_production_settings():
    files = {
        **SETTINGS,
        "accounts/models.py": ACCOUNTS,
        "shop/models.py": """
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.db import models

            class Order(models.Model):
                user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
                buyer = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="+")
        """,
    }
    o = orm(files)
    assert rel(o, "shop.models.Order", "user").target == "accounts.models.User"
    assert rel(o, "shop.models.Order", "buyer").target == "accounts.models.User"
    assert rel(o, "shop.models.Order", "buyer").opposite is None  # "+": no way back
    orders = rel(o, "accounts.models.User", "orders")
    assert summary(orders) == ("reverse_fk", "shop.models.Order", True, "select", None, "user")
    assert not [r for r in o.models["accounts.models.User"].relations.values() if r.target == "shop.models.Order" and r.opposite == "buyer"]

    user = o.models["accounts.models.User"]
    assert not user.partial and user.managers == ("objects",)
    # AbstractUser's fields are known: columns and the PermissionsMixin M2Ms (to auth, outside the repo)
    assert {"username", "email", "is_staff", "password", "last_login", "bio", "id", "pk"} <= user.columns
    assert summary(rel(o, "accounts.models.User", "groups"))[:3] == ("m2m", None, True)
    assert rel(o, "accounts.models.User", "user_permissions").path == "accounts/models.py"

    # without a custom user model, AUTH_USER_MODEL is auth.User: outside the repository
    del files["config/settings/base.py"], files["config/settings/dev.py"]
    o = orm(files)
    assert rel(o, "shop.models.Order", "user").target is None
    assert rel(o, "shop.models.Order", "user").opposite == "orders"


def test_django_auth_user_model_from_any_settings_module():
    o = orm(
        {
            "project/settings.py": "AUTH_USER_MODEL = 'accounts.User'\n",
            "accounts/models.py": ACCOUNTS,
            "shop/models.py": """
                from django.conf import settings
                from django.db import models

                class Order(models.Model):
                    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            """,
        }
    )
    assert rel(o, "shop.models.Order", "user").target == "accounts.models.User"
    assert rel(o, "accounts.models.User", "order_set").kind == "reverse_fk"


def test_django_reverse_accessors():
    o = orm(
        {
            "accounts/models.py": ACCOUNTS,
            "shop/models.py": """
                from django.db import models
                from accounts.models import Organizer, User

                class Event(models.Model):
                    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE)
                    creator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="created_events")
                    editor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
                    auditor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="audits+")

                class Ticket(models.Model):
                    event = models.ForeignKey(Event, on_delete=models.CASCADE)
                    holder = models.ForeignKey(User, on_delete=models.CASCADE)

                    class Meta:
                        default_related_name = "tickets"
            """,
        }
    )
    assert summary(rel(o, "accounts.models.Organizer", "event_set")) == ("reverse_fk", "shop.models.Event", True, "select", None, "organizer")
    assert rel(o, "shop.models.Event", "organizer").opposite == "event_set"
    assert rel(o, "accounts.models.User", "created_events").opposite == "creator"
    user = o.models["accounts.models.User"]
    assert {r.opposite for r in user.relations.values() if r.target == "shop.models.Event"} == {"creator"}
    # Meta.default_related_name names every reverse accessor of the model
    assert rel(o, "shop.models.Event", "tickets").target == "shop.models.Ticket"
    assert rel(o, "accounts.models.User", "tickets").opposite == "holder"
    assert "ticket_set" not in o.models["shop.models.Event"].relations


def test_django_one_to_one_both_ways():
    o = orm({"accounts/models.py": ACCOUNTS})
    assert summary(rel(o, "accounts.models.Organizer", "user")) == ("o2o", "accounts.models.User", False, "select", "user_id", "organizer")
    assert summary(rel(o, "accounts.models.User", "organizer")) == ("reverse_o2o", "accounts.models.Organizer", False, "select", None, "user")
    assert "user_id" in o.models["accounts.models.Organizer"].columns


def test_django_many_to_many_through_and_self():
    o = orm(
        {
            "shop/models.py": """
                from django.db import models

                class Tag(models.Model):
                    name = models.CharField(max_length=10)

                class Person(models.Model):
                    friends = models.ManyToManyField("self")
                    followers = models.ManyToManyField("Person", related_name="following")
                    tags = models.ManyToManyField(Tag, through="PersonTag", related_name="people")

                class PersonTag(models.Model):
                    person = models.ForeignKey(Person, on_delete=models.CASCADE)
                    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
            """,
        }
    )
    person = "shop.models.Person"
    assert summary(rel(o, person, "tags")) == ("m2m", "shop.models.Tag", True, "select", None, "people")
    assert summary(rel(o, "shop.models.Tag", "people")) == ("reverse_m2m", person, True, "select", None, "tags")
    # a symmetrical M2M ("self") has no reverse accessor: it is its own way back
    assert summary(rel(o, person, "friends")) == ("m2m", person, True, "select", None, None)
    assert "person_set" not in o.models[person].relations
    # an M2M to its own model by name is not symmetrical
    assert rel(o, person, "following").kind == "reverse_m2m"
    # the through model's FKs give both ends their own reverse accessors
    assert rel(o, person, "persontag_set").target == "shop.models.PersonTag"
    assert rel(o, "shop.models.Tag", "persontag_set").kind == "reverse_fk"
    assert "tags" not in o.models[person].columns and "tags_id" not in o.models[person].columns


def test_django_multi_table_inheritance_and_proxy():
    o = orm(
        {
            "accounts/models.py": ACCOUNTS,
            "places/models.py": """
                from django.db import models
                from accounts.models import User

                class Place(models.Model):
                    name = models.CharField(max_length=50)
                    owner = models.ForeignKey(User, on_delete=models.CASCADE)

                    @property
                    def label(self):
                        return self.name

                class Restaurant(Place):
                    serves_pizza = models.BooleanField(default=False)
                    chef = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kitchens")

                class Review(models.Model):
                    place = models.ForeignKey(Place, on_delete=models.CASCADE)

                class OpenPlace(Place):
                    class Meta:
                        proxy = True
            """,
        }
    )
    r = o.models["places.models.Restaurant"]
    assert r.table == "places_restaurant" and r.bases == ("places.models.Place",)
    assert set(r.fields) == {"name", "owner", "serves_pizza", "chef"}
    assert {"name", "serves_pizza", "owner_id", "chef_id", "place_ptr", "place_ptr_id", "id", "pk"} <= r.columns
    # the parent's relations, forward and reverse, are the child's too
    assert rel(o, "places.models.Restaurant", "owner").target == "accounts.models.User"
    assert rel(o, "places.models.Restaurant", "owner").owner == "places.models.Restaurant"
    assert rel(o, "places.models.Restaurant", "review_set").target == "places.models.Review"
    assert r.methods["label"] == ("places.models.Place.label", "property")
    # the parent gets a reverse o2o named after the child, leading back through the parent link
    assert summary(rel(o, "places.models.Place", "restaurant")) == ("reverse_o2o", "places.models.Restaurant", False, "select", None, "place_ptr")
    # the user's accessors: one for the parent's field (named after the parent), one for the child's
    assert rel(o, "accounts.models.User", "place_set").target == "places.models.Place"
    assert rel(o, "accounts.models.User", "kitchens").target == "places.models.Restaurant"
    assert "restaurant_set" not in o.models["accounts.models.User"].relations

    proxy = o.models["places.models.OpenPlace"]
    assert proxy.proxy and proxy.table == "places_place" and set(proxy.fields) == {"name", "owner"}
    assert "place_ptr_id" not in proxy.columns and "openplace" not in o.models["places.models.Place"].relations


def test_django_columns_primary_keys_and_tables():
    o = orm(
        {
            "shop/models.py": """
                from django.db import models

                class Country(models.Model):
                    code = models.CharField(max_length=2, primary_key=True)

                class City(models.Model):
                    country = models.ForeignKey(Country, on_delete=models.CASCADE, db_column="cc")
                    name = models.CharField(max_length=50)

                    class Meta:
                        db_table = "cities"

                class Pair(models.Model):
                    pk = models.CompositePrimaryKey("a", "b")
                    a = models.IntegerField()
                    b = models.IntegerField()
            """,
        }
    )
    assert o.models["shop.models.Country"].columns == frozenset({"code", "pk"})  # no implicit id
    city = o.models["shop.models.City"]
    assert city.columns == frozenset({"name", "country_id", "id", "pk"})  # attname ignores db_column
    assert city.table == "cities" and o.tables["cities"] == "shop.models.City"
    assert "id" not in o.models["shop.models.Pair"].columns


def test_django_managers():
    o = orm(
        {
            "shop/models.py": """
                from django.db import models
                from .managers import PublishedManager, EventQuerySet

                class Base(models.Model):
                    published = PublishedManager()

                    class Meta:
                        abstract = True

                class Event(Base):
                    objects = EventQuerySet.as_manager()

                class Post(Base):
                    pass

                class Tag(models.Model):
                    pass

                class Archive(models.Model):
                    old = models.Manager()
            """,
        }
    )
    assert o.models["shop.models.Event"].managers == ("objects", "published")
    assert o.models["shop.models.Post"].managers == ("published",)  # declared ones replace `objects`
    assert o.models["shop.models.Tag"].managers == ("objects",)
    assert o.models["shop.models.Archive"].managers == ("old",)


def test_django_generic_relations_and_third_party_targets():
    o = orm(
        {
            "shop/models.py": """
                from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
                from django.db import models
                from taggit.managers import TaggableManager
                from cities_light.models import City

                class Comment(models.Model):
                    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
                    object_id = models.PositiveIntegerField()
                    subject = GenericForeignKey("content_type", "object_id")

                class Event(models.Model):
                    comments = GenericRelation(Comment)
                    city = models.ForeignKey(City, on_delete=models.CASCADE)
                    tags = TaggableManager()
                    region = models.ForeignKey("geo.Region", on_delete=models.CASCADE)
            """,
        }
    )
    assert summary(rel(o, "shop.models.Comment", "subject")) == ("generic_fk", None, False, "select", None, None)
    assert summary(rel(o, "shop.models.Comment", "content_type"))[:2] == ("fk", None)
    assert "content_type_id" in o.models["shop.models.Comment"].columns
    assert summary(rel(o, "shop.models.Event", "comments")) == ("generic_relation", "shop.models.Comment", True, "select", None, None)
    assert "event_set" not in o.models["shop.models.Comment"].relations  # GenericRelation adds no accessor
    assert rel(o, "shop.models.Event", "city").target is None  # third-party model: rules stay silent
    assert rel(o, "shop.models.Event", "region").target is None  # an app the repository does not have
    tags = rel(o, "shop.models.Event", "tags")
    assert (tags.kind, tags.target, tags.many) == ("m2m", None, True)


def test_django_reexported_class_references_and_partial_models():
    o = orm(
        {
            "shop/__init__.py": "",
            "shop/models/__init__.py": "from .tag import Tag\n",
            "shop/models/tag.py": "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=9)\n",
            "blog/models.py": """
                from django.contrib.sites.models import Site
                from django.db import models
                from django_extensions.db.models import TimeStampedModel
                from shop.models import Tag

                class Post(TimeStampedModel):
                    tags = models.ManyToManyField(Tag)

                class Page(models.Model):
                    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

                class LocalSite(Site):
                    pass
            """,
        }
    )
    assert rel(o, "blog.models.Post", "tags").target == "shop.models.tag.Tag"
    assert rel(o, "shop.models.tag.Tag", "post_set").kind == "reverse_m2m"
    assert o.models["blog.models.Post"].partial  # a third-party abstract model may add fields we cannot see
    assert not o.models["blog.models.Page"].partial
    assert o.models["blog.models.LocalSite"].partial  # a contrib model whose fields we do not list
    assert o.models["blog.models.Post"].managers == ("objects",)


def test_django_model_candidates_are_kept_only_when_their_bases_lead_to_a_model():
    o = orm(
        {
            "shop/models/base.py": """
                from django.db import models

                class BaseModel(models.Model):
                    created = models.DateTimeField(auto_now_add=True)

                    class Meta:
                        abstract = True

                class Helper:
                    def run(self):
                        return 1
            """,
            "shop/models/event.py": """
                from shop.models.base import BaseModel, Helper

                class Event(BaseModel):
                    pass

                class Special(Event):
                    pass

                class Util(Helper):
                    pass
            """,
        }
    )
    assert o.models["shop.models.event.Event"].framework == "django"
    assert o.models["shop.models.event.Event"].table == "shop_event"
    assert "created" in o.models["shop.models.event.Special"].fields
    assert "shop.models.event.Util" not in o.models
    assert o.model("shop.models.event.Util") is None


def test_django_methods_from_a_plain_mixin():
    o = orm(
        {
            "shop/mixins.py": """
                from functools import cached_property

                class PriceMixin:
                    @cached_property
                    def total(self):
                        return sum(i.price for i in self.items.all())

                    def describe(self):
                        return str(self)
            """,
            "shop/models.py": """
                from django.db import models
                from .mixins import PriceMixin

                class Order(PriceMixin, models.Model):
                    def describe(self):
                        return "order"
            """,
        }
    )
    order = o.models["shop.models.Order"]
    assert order.methods["total"] == ("shop.mixins.PriceMixin.total", "cached_property")
    assert order.methods["describe"] == ("shop.models.Order.describe", "method")  # own beats the mixin's
    assert not order.partial


def test_src_and_layout_root_projects():
    o = orm(
        {
            "src/shop/models.py": """
                from django.db import models

                class Event(models.Model):
                    tag = models.ForeignKey("shop.Tag", on_delete=models.CASCADE)

                class Tag(models.Model):
                    pass
            """,
            "backend/blog/models.py": """
                from django.db import models
                from shop.models import Event

                class Post(models.Model):
                    event = models.ForeignKey(Event, on_delete=models.CASCADE)
                    tag = models.ForeignKey("shop.Tag", on_delete=models.CASCADE)
            """,
        }
    )
    assert o.models["shop.models.Event"].path == "src/shop/models.py"
    assert rel(o, "shop.models.Event", "tag").target == "shop.models.Tag"
    post = o.models["backend.blog.models.Post"]
    assert post.app_label == "blog" and post.table == "blog_post"
    assert rel(o, post.qualname, "event").target == "shop.models.Event"
    assert rel(o, "shop.models.Tag", "post_set").target == post.qualname
    assert o.model("blog.models.Post") is post  # imported as blog.models (backend/ is a layout root)


# --- SQLAlchemy -------------------------------------------------------------------------------

SA_20 = """
from typing import List, Optional
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, WriteOnlyMapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

post_tags = Table(
    "post_tags", Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    posts: Mapped[List["Post"]] = relationship(back_populates="author", lazy="selectin")
    drafts: WriteOnlyMapped["Post"] = relationship(viewonly=True)
    events: DynamicMapped["Event"] = relationship()

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    editor_id: Mapped[Optional[int]] = mapped_column(ForeignKey(User.id))
    author: Mapped["User"] = relationship(back_populates="posts")
    editor: Mapped[Optional[User]] = relationship(foreign_keys=[editor_id], lazy="joined")
    tags: Mapped[List["Tag"]] = relationship(secondary=post_tags, lazy="subquery")

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id = mapped_column(ForeignKey("users.id"))
"""


def test_sqlalchemy_20_mapped_relationships_with_back_populates():
    o = orm({"blog/models.py": SA_20})
    base = o.models["blog.models.Base"]
    assert base.abstract and base.framework == "sqlalchemy" and base.managers == ()
    user, post = "blog.models.User", "blog.models.Post"
    assert o.models[user].table == "users" and o.models[user].bases == ("blog.models.Base",)
    assert o.models[user].columns == frozenset({"id", "name"})
    assert o.models[post].columns == frozenset({"id", "author_id", "editor_id"})
    assert summary(rel(o, user, "posts")) == ("relationship", post, True, "selectin", None, "author")
    # two FKs to users: which one `author` uses is not ours to guess
    assert summary(rel(o, post, "author")) == ("relationship", user, False, "select", None, "posts")
    assert summary(rel(o, post, "editor"))[:4] == ("relationship", user, False, "joined")
    assert summary(rel(o, post, "tags")) == ("relationship", "blog.models.Tag", True, "subquery", None, None)
    assert rel(o, user, "drafts").lazy == "write_only" and rel(o, user, "drafts").many
    assert rel(o, user, "events").lazy == "dynamic" and rel(o, user, "events").many
    assert all(r.certain for r in o.models[post].relations.values())
    assert o.tables == {"users": user, "posts": post, "tags": "blog.models.Tag", "events": "blog.models.Event"}


def test_sqlalchemy_cardinality_from_where_the_foreign_key_lives():
    o = orm(
        {
            "hr/models.py": """
                from sqlalchemy import Column, ForeignKey, Integer
                from sqlalchemy.orm import declarative_base, relationship

                Base = declarative_base()

                class Company(Base):
                    __tablename__ = "companies"
                    id = Column(Integer, primary_key=True)
                    employees = relationship("Employee")
                    board = relationship("Director")

                class Employee(Base):
                    __tablename__ = "employees"
                    id = Column(Integer, primary_key=True)
                    company_id = Column(Integer, ForeignKey("companies.id"))
                    manager_id = Column(Integer, ForeignKey("employees.id"))
                    company = relationship("Company")
                    reports = relationship("Employee")
                    badge = relationship("Badge", uselist=False)

                class Director(Base):
                    __tablename__ = "directors"
                    id = Column(Integer, primary_key=True)

                class Badge(Base):
                    __tablename__ = "badges"
                    id = Column(Integer, primary_key=True)
                    employee_id = Column(Integer, ForeignKey("employees.id"))
            """,
        }
    )
    assert o.models["hr.models.Base"].abstract
    employees = rel(o, "hr.models.Company", "employees")
    assert (employees.many, employees.certain) == (True, True)  # the FK is on the target: one-to-many
    company = rel(o, "hr.models.Employee", "company")
    assert (company.many, company.certain, company.attname) == (False, True, "company_id")  # many-to-one
    board = rel(o, "hr.models.Company", "board")
    assert (board.many, board.certain) == (False, False)  # no FK either way: unknown
    reports = rel(o, "hr.models.Employee", "reports")
    assert (reports.many, reports.certain) == (True, False)  # self-referential: one-to-many unless remote_side
    badge = rel(o, "hr.models.Employee", "badge")
    assert (badge.many, badge.certain, badge.attname) == (False, True, None)  # uselist=False, FK on the badge


def test_sqlalchemy_backref_with_and_without_lazy():
    o = orm(
        {
            "shop/models.py": """
                from sqlalchemy import Column, ForeignKey, Integer, Table
                from sqlalchemy.orm import backref, declarative_base, relationship

                Base = declarative_base()

                order_tags = Table("order_tags", Base.metadata, Column("order_id", ForeignKey("orders.id")), Column("tag_id", ForeignKey("tags.id")))

                class Customer(Base):
                    __tablename__ = "customers"
                    id = Column(Integer, primary_key=True)
                    orders = relationship("Order", backref="customer", lazy="joined")

                class Order(Base):
                    __tablename__ = "orders"
                    id = Column(Integer, primary_key=True)
                    customer_id = Column(Integer, ForeignKey("customers.id"))
                    shop_id = Column(Integer, ForeignKey("shops.id"))
                    shop = relationship("Shop", backref=backref("orders", lazy="dynamic"))
                    tags = relationship("Tag", secondary=order_tags, backref=backref("orders", lazy=True))

                class Shop(Base):
                    __tablename__ = "shops"
                    id = Column(Integer, primary_key=True)

                class Tag(Base):
                    __tablename__ = "tags"
                    id = Column(Integer, primary_key=True)
            """,
        }
    )
    # one-to-many forward (FK on Order): the backref is many-to-one and holds the FK column
    assert summary(rel(o, "shop.models.Customer", "orders")) == ("relationship", "shop.models.Order", True, "joined", None, "customer")
    back = rel(o, "shop.models.Order", "customer")
    assert summary(back) == ("relationship", "shop.models.Customer", False, "select", "customer_id", "orders")
    assert back.certain and back.path == "shop/models.py"
    # many-to-one forward: the backref is a collection, loading as backref(lazy=...) says
    assert summary(rel(o, "shop.models.Order", "shop")) == ("relationship", "shop.models.Shop", False, "select", "shop_id", "orders")
    assert summary(rel(o, "shop.models.Shop", "orders")) == ("relationship", "shop.models.Order", True, "dynamic", None, "shop")
    # secondary: many both ways
    assert summary(rel(o, "shop.models.Tag", "orders")) == ("relationship", "shop.models.Order", True, "select", None, "tags")


def test_sqlalchemy_lazy_strategies_as_written():
    o = orm(
        {
            "app/models.py": """
                from sqlalchemy import Column, ForeignKey, Integer
                from sqlalchemy.orm import declarative_base, relationship

                Base = declarative_base()
                STRATEGY = "joined"

                class Parent(Base):
                    __tablename__ = "parents"
                    id = Column(Integer, primary_key=True)
                    a = relationship("Child", lazy="joined")
                    b = relationship("Child", lazy="selectin")
                    c = relationship("Child", lazy="dynamic")
                    d = relationship("Child", lazy=True)
                    e = relationship("Child", lazy="raise")
                    f = relationship("Child", lazy=STRATEGY)
                    g = relationship("Child")

                class Child(Base):
                    __tablename__ = "children"
                    id = Column(Integer, primary_key=True)
                    parent_id = Column(Integer, ForeignKey("parents.id"))
            """,
        }
    )
    lazies = {name: r.lazy for name, r in o.models["app.models.Parent"].relations.items()}
    assert lazies == {"a": "joined", "b": "selectin", "c": "dynamic", "d": "select", "e": "raise", "f": "unknown", "g": "select"}
    assert all(r.many for r in o.models["app.models.Parent"].relations.values())


def test_flask_sqlalchemy_models_have_query_and_default_tables():
    o = orm(
        {
            "app/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
            "app/models.py": """
                from app import db

                class UserAccount(db.Model):
                    id = db.Column(db.Integer, primary_key=True)
                    pages = db.relationship("Page", backref="owner", lazy="dynamic")

                class Page(db.Model):
                    id = db.Column(db.Integer, primary_key=True)
                    owner_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))

                class Post(Page):
                    pass
            """,
            "local/models.py": """
                from flask_sqlalchemy import SQLAlchemy

                db = SQLAlchemy()
                Model = db.Model

                class Note(db.Model):
                    __tablename__ = "notes"
                    id = db.Column(db.Integer, primary_key=True)

                class Memo(Model):
                    pass
            """,
        }
    )
    user = o.models["app.models.UserAccount"]
    assert (user.managers, user.table, user.framework) == (("query",), "user_account", "sqlalchemy")
    assert summary(rel(o, "app.models.UserAccount", "pages")) == ("relationship", "app.models.Page", True, "dynamic", None, "owner")
    assert summary(rel(o, "app.models.Page", "owner")) == ("relationship", "app.models.UserAccount", False, "select", "owner_id", "pages")
    post = o.models["app.models.Post"]
    assert post.table == "page" and post.managers == ("query",)  # single-table inheritance: no pk of its own
    assert rel(o, "app.models.Post", "owner").owner == "app.models.Post"  # inherited backref
    assert o.tables["page"] == "app.models.Page"
    note = o.models["local.models.Note"]
    assert note.managers == ("query",) and note.table == "notes"
    # `Model = db.Model`: a candidate whose base is the Flask-SQLAlchemy model class
    assert o.models["local.models.Memo"].managers == ("query",)


def test_plain_declarative_and_sqlmodel_have_no_manager():
    o = orm(
        {
            "heroes/models.py": """
                from typing import Optional
                from sqlmodel import Field, Relationship, SQLModel

                class HeroTeamLink(SQLModel, table=True):
                    team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
                    hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)

                class TeamBase(SQLModel):
                    name: str = Field(index=True)

                class Team(TeamBase, table=True):
                    id: Optional[int] = Field(default=None, primary_key=True)
                    heroes: list["Hero"] = Relationship(back_populates="team")

                class Hero(SQLModel, table=True):
                    id: int | None = Field(default=None, primary_key=True)
                    team_id: int | None = Field(default=None, foreign_key="team.id")
                    team: Optional["Team"] = Relationship(back_populates="heroes", sa_relationship_kwargs={"lazy": "joined"})
                    teams: list[Team] = Relationship(link_model=HeroTeamLink)
                    rival: "Villain" = Relationship()
            """,
        }
    )
    team, hero = o.models["heroes.models.Team"], o.models["heroes.models.Hero"]
    assert (team.framework, team.table, team.managers, team.abstract) == ("sqlmodel", "team", (), False)
    assert o.models["heroes.models.TeamBase"].abstract and o.models["heroes.models.TeamBase"].table is None
    assert "name" in team.fields and "name" in team.columns  # from the table-less base
    assert summary(rel(o, team.qualname, "heroes")) == ("relationship", hero.qualname, True, "select", None, "team")
    assert summary(rel(o, hero.qualname, "team")) == ("relationship", team.qualname, False, "joined", "team_id", "heroes")
    assert rel(o, hero.qualname, "teams").many
    assert rel(o, hero.qualname, "rival").target is None  # no such model in the repository


def test_sqlalchemy_targets_by_class_name_across_modules():
    o = orm(
        {
            "billing/models.py": """
                from sqlalchemy import Column, ForeignKey, Integer
                from sqlalchemy.orm import relationship
                from core.db import Base

                class Invoice(Base):
                    __tablename__ = "invoices"
                    id = Column(Integer, primary_key=True)
                    customer = relationship("Customer")
                    item = relationship("Item")
                    payment = relationship("billing.models.Payment")
                    account = relationship(lambda: Account)
                    vendor = relationship("vendorlib.models.Vendor")

                class Item(Base):
                    __tablename__ = "billing_items"
                    id = Column(Integer, primary_key=True)
                    invoice_id = Column(Integer, ForeignKey("invoices.id"))

                class Payment(Base):
                    __tablename__ = "payments"
                    id = Column(Integer, primary_key=True)
            """,
            "crm/models.py": """
                from sqlalchemy import Column, Integer
                from core.db import Base

                class Customer(Base):
                    __tablename__ = "customers"
                    id = Column(Integer, primary_key=True)

                class Item(Base):
                    __tablename__ = "crm_items"
                    id = Column(Integer, primary_key=True)
            """,
            "shipping/models.py": """
                from sqlalchemy.orm import relationship
                from core.db import Base

                class Parcel(Base):
                    __tablename__ = "parcels"
                    item = relationship("Item")
            """,
            "core/db.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
        }
    )
    inv = "billing.models.Invoice"
    assert rel(o, inv, "customer").target == "crm.models.Customer"  # unique name
    assert rel(o, inv, "item").target == "billing.models.Item"  # two Items: the same module's
    assert rel(o, inv, "item").many  # FK on billing_items
    assert rel(o, inv, "payment").target == "billing.models.Payment"  # a module path
    assert rel(o, inv, "vendor").target is None  # a module outside the repository
    assert rel(o, inv, "account").target is None  # a callable naming nothing we know
    assert rel(o, "shipping.models.Parcel", "item").target is None  # ambiguous elsewhere: no guess
    assert o.models[inv].bases == ("core.db.Base",)


def test_sqlalchemy_joined_inheritance_and_mixins():
    o = orm(
        {
            "hr/models.py": """
                from sqlalchemy import ForeignKey
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

                class Base(DeclarativeBase):
                    id: Mapped[int] = mapped_column(primary_key=True)

                class TimestampMixin:
                    created: Mapped[int] = mapped_column()

                class Person(TimestampMixin, Base):
                    __tablename__ = "people"
                    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
                    team: Mapped["Team"] = relationship(back_populates="members")

                    @property
                    def label(self):
                        return self.team.name

                class Engineer(Person):
                    __tablename__ = "engineers"
                    id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)

                class Team(Base):
                    __tablename__ = "teams"
                    members: Mapped[list["Person"]] = relationship(back_populates="team")
            """,
        }
    )
    eng = o.models["hr.models.Engineer"]
    assert eng.table == "engineers" and {"id", "created", "team_id"} <= eng.columns
    assert summary(rel(o, eng.qualname, "team")) == ("relationship", "hr.models.Team", False, "select", "team_id", "members")
    assert eng.methods["label"] == ("hr.models.Person.label", "property")
    assert o.models["hr.models.TimestampMixin"].abstract
    assert o.models["hr.models.Person"].bases == ("hr.models.TimestampMixin", "hr.models.Base")


# --- lookups and robustness -------------------------------------------------------------------


def test_model_lookup_through_reexports_and_project_cache():
    p = build({"shop/__init__.py": "from .models import Event\n", "shop/models.py": "from django.db import models\n\nclass Event(models.Model):\n    pass\n"})
    assert p.orm is p.orm  # built once
    assert isinstance(p.orm.model("shop.Event"), OrmModel)
    assert p.orm.model("shop.Event").qualname == "shop.models.Event"
    assert p.orm.model("django.db.models.Model") is None
    assert p.orm.model("") is None
    assert p.orm.relation("shop.Event", "nope") is None
    assert p.orm.relation("nope.Nope", "x") is None


def test_inheritance_cycles_do_not_hang():
    o = orm(
        {
            "a/models.py": "from django.db import models\nfrom b.models import B\n\nclass A(B):\n    x = models.CharField(max_length=1)\n",
            "b/models.py": "from django.db import models\nfrom a.models import A\n\nclass B(A):\n    y = models.CharField(max_length=1)\n",
            "c/models.py": "from c.models import C\n\nclass C(C):\n    pass\n",
        }
    )
    assert set(o.models["a.models.A"].fields) == {"x", "y"}
    assert set(o.models["b.models.B"].fields) == {"x", "y"}
    assert "c.models.C" not in o.models


def test_duplicate_model_names_in_different_apps():
    o = orm(
        {
            "shop/models.py": """
                from django.db import models

                class Tag(models.Model):
                    pass

                class Event(models.Model):
                    tag = models.ForeignKey("Tag", on_delete=models.CASCADE)
                    blog_tag = models.ForeignKey("blog.Tag", on_delete=models.CASCADE)
            """,
            "blog/models.py": """
                from django.db import models

                class Tag(models.Model):
                    pass

                class Post(models.Model):
                    tag = models.ForeignKey("Tag", on_delete=models.CASCADE)
            """,
        }
    )
    assert rel(o, "shop.models.Event", "tag").target == "shop.models.Tag"
    assert rel(o, "shop.models.Event", "blog_tag").target == "blog.models.Tag"
    assert rel(o, "blog.models.Post", "tag").target == "blog.models.Tag"
    assert set(o.models["blog.models.Tag"].relations) == {"event_set", "post_set"}


def test_a_model_named_like_a_module():
    o = orm(
        {
            "shop/models/__init__.py": "from .event import event\nfrom .tag import Tag\n",
            "shop/models/event.py": """
                from django.db import models

                class event(models.Model):
                    tag = models.ForeignKey("shop.Tag", on_delete=models.CASCADE)
            """,
            "shop/models/tag.py": "from django.db import models\n\nclass Tag(models.Model):\n    pass\n",
            "shop/views.py": "from shop.models import event\n",
        }
    )
    assert o.model("shop.models.event.event").qualname == "shop.models.event.event"
    assert rel(o, "shop.models.tag.Tag", "event_set").target == "shop.models.event.event"
    # `from shop.models import event` is the class the package binds over its submodule's name
    assert o.model("shop.models.event").qualname == "shop.models.event.event"
    assert o.model("shop.models.tag") is None  # a module is no model


def test_odd_projects_do_not_crash():
    o = orm(
        {
            "broken/models.py": "class (:\n",
            "shop/base.py": "try:\n    from fancy import Unknown\nexcept ImportError:\n    Unknown = object\n",
            "my-app/models.py": "from django.db import models\n\nclass Loose(models.Model):\n    x = models.ForeignKey('Nope', on_delete=models.CASCADE)\n",
            "shop/models.py": """
                from django.db import models
                from .base import Unknown

                class Event(Unknown, models.Model):
                    a = models.ForeignKey(to=None, on_delete=models.CASCADE)
                    b = models.ForeignKey(RELATED, on_delete=models.CASCADE, related_name=NAME)
                    c = models.ManyToManyField()

                class Orphan(Base):
                    __tablename__ = "orphans"
            """,
            "sa/models.py": """
                from sqlalchemy import Column, ForeignKey, Integer
                from sqlalchemy.orm import relationship
                Base = object

                class Thing(Base):
                    __tablename__ = "things"
                    id = Column(Integer, ForeignKey("?"), ForeignKey(), primary_key=True)
                    other = relationship()
                    more = relationship(123, backref="things")
                    again = relationship("Thing", backref=PREFIX + "s")
            """,
        },
        clean=False,
    )
    assert "Loose" in o.models and o.models["Loose"].app_label is None
    event = o.models["shop.models.Event"]
    assert event.partial  # `.base` binds Unknown to a third-party class (or object): cannot tell
    assert rel(o, "shop.models.Event", "a").target is None
    assert rel(o, "shop.models.Event", "c").target is None
    assert o.models["shop.models.Orphan"].partial  # `Base` is nowhere to be seen
    assert rel(o, "sa.models.Thing", "more").target is None
    assert rel(o, "sa.models.Thing", "again").opposite is None  # a backref name we cannot read
    assert set(o.models["sa.models.Thing"].relations) == {"other", "more", "again"}
    assert orm({}).models == {}
