"""Events, their organizers, venues, tags, comments and tickets."""
