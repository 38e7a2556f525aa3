"""The database engine and the session every request uses."""

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

engine = create_engine(
    os.environ.get("DATABASE_URL", "postgresql://localhost/shop"),
    pool_size=2,
    max_overflow=0,
    pool_pre_ping=True,
)

Session = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))


class Base(DeclarativeBase):
    pass
