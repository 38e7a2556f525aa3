"""Peewee models in the project model: tables, relations and backrefs, readable columns, and
the schema (implicit id, indexed foreign keys, index=True / unique=True)."""

from __future__ import annotations

from projects import build

MODELS = """
from peewee import *

db = SqliteDatabase("app.db")


class BaseModel(Model):
    class Meta:
        database = db


class User(BaseModel):
    username = CharField(unique=True)
    city = CharField(index=True)


class Tweet(BaseModel):
    user = ForeignKeyField(User, backref="tweets")
    editor = ForeignKeyField(User, null=True, lazy_load=False)
    message = TextField()

    class Meta:
        table_name = "tweets"
"""


def test_peewee_models_relations_and_tables():
    orm = build({"app/models.py": MODELS}).orm
    user, tweet = orm.models["app.models.User"], orm.models["app.models.Tweet"]
    assert (user.framework, user.table, tweet.table) == ("peewee", "user", "tweets")
    assert orm.models["app.models.BaseModel"].table is None  # only carries Meta.database
    fk = tweet.relations["user"]
    assert (fk.kind, fk.many, fk.target, fk.attname, fk.opposite) == ("fk", False, "app.models.User", "user_id", "tweets")
    assert tweet.relations["editor"].lazy == "noload"
    back = user.relations["tweets"]
    assert (back.kind, back.many, back.target) == ("reverse_fk", True, "app.models.Tweet")
    assert "tweet_set" in user.relations  # the backref peewee names when none is given
    assert {"id", "user_id", "message"} <= tweet.columns and "user" not in tweet.columns


def test_peewee_tables_in_the_schema():
    schema = build({"app/models.py": MODELS}).schema
    tweets, users = schema.table("tweets"), schema.table("user")
    assert tweets.primary_key == ("id",) and users.primary_key == ("id",)
    assert tweets.index_serving(("user_id",)) is not None  # a ForeignKeyField is indexed
    assert [(fk.columns, fk.ref_table) for fk in tweets.foreign_keys] == [(("user_id",), "user"), (("editor_id",), "user")]
    assert users.index_serving(("city",)) is not None and ("username",) in users.unique_sets
    assert users.index_serving(("username", "city")) is None
