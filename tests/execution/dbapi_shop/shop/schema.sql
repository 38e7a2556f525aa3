CREATE TABLE organizer (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    city TEXT NOT NULL,
    organizer_id INTEGER NOT NULL REFERENCES organizer (id),
    created_at TEXT NOT NULL
);
CREATE INDEX event_organizer ON event (organizer_id);

CREATE TABLE ticket (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES event (id),
    sold INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_event ON ticket (event_id);
