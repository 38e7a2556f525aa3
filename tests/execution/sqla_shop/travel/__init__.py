"""Trips, the companies that run them, their guides, tags, reviews and bookings."""
