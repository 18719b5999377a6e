"""shnor-monitor: a Telegram bot for monitoring schools with low educational results (ШНОР)."""
