"""Storage: SQLModel tables, engine construction, migrations and data access."""
