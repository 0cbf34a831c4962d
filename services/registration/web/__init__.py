"""HTTP: the registration API, the guests' pages and the RSVP pages, their schemas and words."""
