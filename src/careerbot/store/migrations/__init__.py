"""Alembic migrations of the shared database (run by :meth:`Database.migrate`, never by hand:
``careerbot ingest`` upgrades the schema under the ingest lock)."""
