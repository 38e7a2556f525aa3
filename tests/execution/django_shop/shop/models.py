from django.db import models


class Organizer(models.Model):
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100, default="")


class Profile(models.Model):
    organizer = models.OneToOneField(Organizer, on_delete=models.CASCADE)  # reverse: organizer.profile
    bio = models.TextField(default="")


class Venue(models.Model):
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField(default=100)


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.PUBLISHED)


class Event(models.Model):
    DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"

    title = models.CharField(max_length=200)
    description = models.TextField(default="")
    status = models.CharField(max_length=20, default=PUBLISHED)
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="events")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, related_name="events", blank=True)

    objects = EventQuerySet.as_manager()

    @property
    def organizer_label(self):
        return f"{self.organizer.name} ({self.organizer.city})"

    def open_ticket_count(self):
        return self.ticket_set.filter(sold=False).count()


class Authored(models.Model):
    """Abstract base: every subclass gets its own `author` foreign key."""

    author = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="%(class)ss")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Comment(Authored):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()


class Ticket(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE)  # reverse: event.ticket_set
    price = models.DecimalField(max_digits=8, decimal_places=2)
    sold = models.BooleanField(default=False)
