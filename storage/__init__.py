"""Persistence: the database engine, the schema, migrations and repository functions.

Everything SQL lives in this package. Callers get typed objects back, never rows.
"""

from storage.database import Database

__all__ = ["Database"]
