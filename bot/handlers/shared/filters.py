"""Message filters shared by the conversation steps."""

from aiogram import F

# Anything but a command: /cancel, /help and the other commands keep working in a step (and are
# never taken for a name, a date or a comment).
NOT_A_COMMAND = ~F.text.startswith("/")
# A typed answer to a step's question: text that is not a command.
TYPED_TEXT = F.text & NOT_A_COMMAND
