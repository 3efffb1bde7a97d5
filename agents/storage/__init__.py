"""One storage layer, two backends: SQLite in the data dir, or PostgreSQL by URL."""
