"""Widgets and helpers shared by the feature routers; no handler lives here."""
