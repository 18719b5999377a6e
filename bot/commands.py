"""Bot commands: one name each, reused by handlers' filters, the menu and tests."""

from collections.abc import Collection
from enum import StrEnum

from aiogram.types import BotCommand

from storage.people import Role
from texts import common as texts


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
    ORDER = "order"
    ORDER_TEMPLATE = "order_template"
    PLANS = "plans"
    PLAN = "plan"
    FORMS_ADMIN = "forms_admin"
    FILE = "file"


# The menu everyone sees (the default scope), and what each role adds in its own chat.
MENU: list[BotCommand] = [
    BotCommand(command=Cmd.START, description=texts.COMMAND_START),
    BotCommand(command=Cmd.HELP, description=texts.COMMAND_HELP),
    BotCommand(command=Cmd.CANCEL, description=texts.COMMAND_CANCEL),
    BotCommand(command=Cmd.FORMS, description=texts.COMMAND_FORMS),
    BotCommand(command=Cmd.WHOAMI, description=texts.COMMAND_WHOAMI),
]

ROLE_COMMANDS: dict[Role, tuple[Cmd, ...]] = {
    Role.RESPONDENT: (Cmd.FORMS, Cmd.PLANS),
    Role.COORDINATOR: (Cmd.STATUS, Cmd.EXPORT, Cmd.ORDER, Cmd.PLANS),
    Role.METHODIST: (
        Cmd.STATUS,
        Cmd.NEW_CAMPAIGN,
        Cmd.CAMPAIGNS,
        Cmd.REVIEW,
        Cmd.EXPORT,
        Cmd.ORDER,
        Cmd.ORDER_TEMPLATE,
        Cmd.PLANS,
        Cmd.PLAN,
        Cmd.FORMS_ADMIN,
        Cmd.INVITE,
        Cmd.PEOPLE,
    ),
    Role.ADMIN: (
        Cmd.STATUS,
        Cmd.NEW_CAMPAIGN,
        Cmd.CAMPAIGNS,
        Cmd.REVIEW,
        Cmd.EXPORT,
        Cmd.ORDER,
        Cmd.ORDER_TEMPLATE,
        Cmd.PLANS,
        Cmd.PLAN,
        Cmd.FORMS_ADMIN,
        Cmd.INVITE,
        Cmd.PEOPLE,
        Cmd.IMPORT,
    ),
}


def menu_for(roles: Collection[Role]) -> list[BotCommand]:
    """A person's own command menu: /start and /help, their roles' commands, then the rest."""
    chosen: list[Cmd] = [Cmd.START, Cmd.HELP]
    for role in (Role.ADMIN, Role.METHODIST, Role.COORDINATOR, Role.RESPONDENT):
        if role in roles:
            chosen.extend(cmd for cmd in ROLE_COMMANDS[role] if cmd not in chosen)
    chosen.extend(cmd for cmd in (Cmd.WHOAMI, Cmd.CANCEL) if cmd not in chosen)
    return [BotCommand(command=cmd, description=texts.COMMAND_DESCRIPTIONS[cmd]) for cmd in chosen]
