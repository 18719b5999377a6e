"""Scripts run on demand by developers (not by the bot, not in the test suite)."""
