"""The clinic's own records (crisis flags; later bookings and tickets) in SQL.

SQLite by default, PostgreSQL when DATABASE_URL says so; the schema is owned by
the Alembic migrations in migrations/.
"""
