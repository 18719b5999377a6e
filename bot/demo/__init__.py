"""``python -m bot demo``: the real bot against an in-process Bot API emulator, in a terminal."""
