"""Every Russian text the bot shows: one catalog, one module per feature.

Handlers and services take their words from here; nothing user-facing is spelled elsewhere.
Texts are HTML (the bot's default parse mode): values from users go through ``html.escape``.
"""
