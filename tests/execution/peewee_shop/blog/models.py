from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, SqliteDatabase, TextField

# the runner opens it (`db.init(":memory:")`)
db = SqliteDatabase(None)


class BaseModel(Model):
    class Meta:
        database = db


class Author(BaseModel):
    name = CharField()
    city = CharField()


class Post(BaseModel):
    author = ForeignKeyField(Author, backref="posts")
    editor = ForeignKeyField(Author, backref="edited", null=True, lazy_load=False)
    title = CharField()
    created = DateTimeField()


class Comment(BaseModel):
    post = ForeignKeyField(Post, backref="comments")
    stars = IntegerField()
    body = TextField()
