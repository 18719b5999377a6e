"""The garbage collector set for a long-running bot.

A full collection walks every object in the process: after start-up that is the hundreds of
thousands of aiogram's pydantic models, SQLAlchemy's metadata and the questionnaires, none of
which ever becomes garbage. Measured with 200 respondents answering at a human pace, such a
collection stopped the event loop for up to 0.6 s, a few times a minute: it was most of the
reply latency's tail. ``settle`` moves everything alive after start-up out of the collector's
sight (``gc.freeze``), so later collections walk only what the updates create.
"""

import gc


def settle() -> None:
    """Call once, after start-up and before serving updates."""
    gc.collect()
    gc.freeze()
