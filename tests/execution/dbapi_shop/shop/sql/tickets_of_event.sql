SELECT id, sold FROM ticket WHERE event_id = ?
