from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, func, select
from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, mapped_column, object_session, relationship


class Base(DeclarativeBase):
    pass


trip_tags = Table(
    "trip_tags",
    Base.metadata,
    Column("trip_id", ForeignKey("trip.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Owner(Base):
    __tablename__ = "owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    companies: DynamicMapped[Company] = relationship(back_populates="owner", lazy="dynamic")


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    owner: Mapped[Owner] = relationship(back_populates="companies")
    trips: Mapped[list[Trip]] = relationship(back_populates="company")


class Region(Base):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    trips: Mapped[list[Trip]] = relationship(back_populates="region")


class Guide(Base):
    __tablename__ = "guide"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Trip(Base):
    __tablename__ = "trip"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    company: Mapped[Company] = relationship(back_populates="trips")
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    region: Mapped[Region] = relationship(back_populates="trips")
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"))
    guide: Mapped[Guide] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=trip_tags)
    reviews: Mapped[list[Review]] = relationship(back_populates="trip", lazy="selectin")

    @property
    def company_label(self) -> str:
        return f"{self.company.name} ({self.company.country})"

    def review_count(self) -> int:
        session = object_session(self)
        return session.scalar(select(func.count(Review.id)).where(Review.trip_id == self.id))


class Review(Base):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trip.id"))
    stars: Mapped[int]
    trip: Mapped[Trip] = relationship(back_populates="reviews")


class Booking(Base):
    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trip.id"))
    seats: Mapped[int] = mapped_column(default=1)
    trip: Mapped[Trip] = relationship(backref="bookings")  # classic backref: Trip.bookings, lazy="select"
