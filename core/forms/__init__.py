"""Questionnaires as data: YAML definitions and the models that validate them."""
