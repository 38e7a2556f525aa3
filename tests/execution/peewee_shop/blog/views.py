"""What the blog's pages do with Peewee, one function per way of doing it.

tests/execution runs every `case_*()` function against SQLite with N posts and counts the
queries; scalelint lints this project: a function whose query count grows with N must be
reported (SCL101 n-plus-one or SCL102 query-in-loop) and one with a constant count must not.
"""

from peewee import fn, prefetch

from .models import Author, Comment, Post

STARS = [1, 3, 5]


# ---------------------------------------------------------------- lazy relations read per row


# a foreign key read on each row
def case_foreign_key_per_row():
    return [post.author.name for post in Post.select()]


# a foreign key read on each row of a filtered, ordered query
def case_foreign_key_filtered():
    names = []
    for post in Post.select().where(Post.title != "").order_by(Post.created.desc()):
        names.append(post.author.city)
    return names


# a backref iterated on each row
def case_backref_per_row():
    return {author.name: [p.title for p in author.posts] for author in Author.select()}


# a backref counted on each row
def case_backref_count_per_row():
    return {post.title: post.comments.count() for post in Post.select()}


# ---------------------------------------------------------------- queries per row


# Model.get_by_id() for each row
def case_get_by_id_per_row():
    return [Author.get_by_id(post.author_id).name for post in Post.select()]


# a query built on the class, run for each row
def case_select_per_row():
    return {post.id: Comment.select().where(Comment.post == post.id).count() for post in Post.select()}


# save() on each row
def case_save_per_row():
    for post in Post.select():
        post.title = post.title.upper()
        post.save()


# an update query executed for each row
def case_update_per_row():
    for author in Author.select():
        Post.update(title=Post.title.concat("!")).where(Post.author == author.id).execute()


# ---------------------------------------------------------------- a constant number of queries


# the foreign key selected and joined
def case_joined():
    return [post.author.name for post in Post.select(Post, Author).join(Author)]


# the backref prefetched
def case_prefetched():
    return {author.name: [p.title for p in author.posts] for author in prefetch(Author.select(), Post)}


# the key column of the foreign key, no query
def case_key_only():
    return [post.author_id for post in Post.select()]


# lazy_load=False: reading the foreign key gives the key
def case_lazy_load_off():
    return [post.editor for post in Post.select()]


# one aggregate query
def case_aggregate():
    return list(Post.select(Post.author, fn.COUNT(Post.id)).group_by(Post.author).tuples())


# a query per value of a constant list
def case_per_constant_value():
    return {stars: Comment.select().where(Comment.stars == stars).count() for stars in STARS}


# dicts() rows have no relation to load
def case_dict_rows():
    return [row["title"] for row in Post.select().dicts()]


# one update for every row
def case_one_update():
    Post.update(title=Post.title.concat("!")).execute()
