"""Every Alembic revision up and down on both databases."""
