"""Bot commands: one name each, reused by handlers' filters, the menu and tests."""

from enum import StrEnum

from aiogram.types import BotCommand

from bot.texts import common as texts


class Cmd(StrEnum):
    START = "start"
    HELP = "help"
    CANCEL = "cancel"
    WHOAMI = "whoami"
    INVITE = "invite"
    INVITATIONS = "invitations"
    INVITE_ALL = "invite_all"
    PEOPLE = "people"
    IMPORT = "import"
    FORMS = "forms"
    NEW_CAMPAIGN = "new_campaign"
    CAMPAIGNS = "campaigns"
    STATUS = "status"
    REVIEW = "review"
    EXPORT = "export"
    FILE = "file"


MENU: list[BotCommand] = [
    BotCommand(command=Cmd.START, description=texts.COMMAND_START),
    BotCommand(command=Cmd.HELP, description=texts.COMMAND_HELP),
    BotCommand(command=Cmd.CANCEL, description=texts.COMMAND_CANCEL),
    BotCommand(command=Cmd.FORMS, description=texts.COMMAND_FORMS),
    BotCommand(command=Cmd.WHOAMI, description=texts.COMMAND_WHOAMI),
]
