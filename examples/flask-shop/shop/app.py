"""The WSGI application: `gunicorn shop.app:app`."""

from flask import Flask

from shop.db import Base, Session, engine
from shop.views import bp

app = Flask(__name__)
app.register_blueprint(bp)


@app.teardown_appcontext
def remove_session(exception=None):
    Session.remove()


@app.cli.command("init-db")
def init_db():
    """Create the tables (the Procfile's release phase runs this)."""
    Base.metadata.create_all(engine)


if __name__ == "__main__":
    # Local development only: no deployment file runs `python shop/app.py`.
    app.run(debug=True)
