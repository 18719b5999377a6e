"""Bot commands: one name each, reused by handlers' filters, the menu and tests."""

from enum import StrEnum

from aiogram.types import BotCommand

from bot import texts


class Cmd(StrEnum):
    START = "start"
    HELP = "help"
    CANCEL = "cancel"


MENU: list[BotCommand] = [
    BotCommand(command=Cmd.START, description=texts.COMMAND_START),
    BotCommand(command=Cmd.HELP, description=texts.COMMAND_HELP),
    BotCommand(command=Cmd.CANCEL, description=texts.COMMAND_CANCEL),
]
