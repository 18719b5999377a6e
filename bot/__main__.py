"""``python -m bot [run|demo|migrate|import-schools|export|order|form-template]``: all is built
here, not on import."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from aiogram.exceptions import AiogramError, TelegramUnauthorizedError

from bot import cli_forms
from bot.config import ConfigError, load_settings
from bot.demo.terminal import run_demo
from bot.runner import export_workbook, import_schools, migrate, run_polling, write_order
from bot.startup import (
    DatabaseMissing,
    DatabaseUnreachable,
    TokenRefused,
    require_existing_database,
    require_reachable_database,
)
from core.access import AccessDenied
from core.export import MixedForms
from core.forms.loader import FormError
from storage.forms import FormVersionConflict

COMMANDS = ("run", "demo", "migrate", "import-schools", "export", "order", cli_forms.COMMAND)
# Only these may create a database; the others need one that is already there.
CREATE_DATABASE = frozenset({"run", "demo", "migrate"})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="ШНОР monitoring bot")
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    sub.add_parser("run", help="run the bot with long polling (default)")
    sub.add_parser("demo", help="chat with the bot in this terminal: no token, no network")
    sub.add_parser("migrate", help="bring the database to the latest schema and exit")
    importing = sub.add_parser("import-schools", help="load the directory from .xlsx/.csv files")
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    exporting = sub.add_parser(
        "export", help="write the .xlsx export of campaigns; without one, list the campaigns"
    )
    exporting.add_argument(
        "--campaign", type=int, action="append", default=[], metavar="ID", dest="campaigns"
    )
    exporting.add_argument(
        "--form",
        metavar="KEY",
        help="every period of the monitoring of this form, or forms joined by + (Динамика)",
    )
    exporting.add_argument("--district", type=int, metavar="ID", help="one educational district")
    exporting.add_argument("--output", "-o", type=Path, metavar="FILE")
    ordering = sub.add_parser(
        "order", help="write the draft of a round's analytic order (.docx); without one, list them"
    )
    ordering.add_argument("--campaign", type=int, metavar="ID")
    ordering.add_argument(
        "--deadline", type=_day, metavar="DD.MM.YYYY", help="the instructions' deadline"
    )
    ordering.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="KEY",
        help="leave this instruction out (the keys are printed on stderr)",
    )
    ordering.add_argument("--output", "-o", type=Path, metavar="FILE")
    cli_forms.add_parser(sub)
    return parser


def _day(text: str) -> date:
    """argparse turns the ValueError into "error: argument --deadline: …" and exit code 2."""
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date DD.MM.YYYY: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == cli_forms.COMMAND:  # no settings, no database
        return cli_forms.run(args)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level if command != "demo" else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if command == "run":
            settings.require_token()  # a missing token is said before any database problem
        if command == "import-schools":
            missing = [str(path) for path in args.files if not path.is_file()]
            if missing:
                print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
                return 2
        if command not in CREATE_DATABASE:
            require_existing_database(settings.database_url)
        if command != "demo":  # the demo keeps its own temporary database
            asyncio.run(require_reachable_database(settings.database_url))
        if command == "migrate":
            asyncio.run(migrate(settings))
        elif command == "import-schools":
            if not asyncio.run(import_schools(settings, args.files)):
                return 1
        elif command == "export":
            written = asyncio.run(
                export_workbook(
                    settings,
                    campaign_ids=args.campaigns,
                    form_key=args.form,
                    district_id=args.district,
                    output=args.output,
                )
            )
            if written is not None:
                print(written)
        elif command == "order":
            written = asyncio.run(
                write_order(
                    settings,
                    campaign_id=args.campaign,
                    deadline=args.deadline,
                    dropped=args.drop,
                    output=args.output,
                )
            )
            if written is not None:
                print(written)
        elif command == "demo":
            asyncio.run(run_demo(settings, sys.stdin, sys.stdout))
        else:
            asyncio.run(run_polling(settings, settings.require_token()))
    except AccessDenied:
        print("error: no such campaign", file=sys.stderr)
        return 2
    except MixedForms:
        print("error: the campaigns are rounds of different monitorings", file=sys.stderr)
        return 2
    except TelegramUnauthorizedError as error:
        # check_token turns a 401 into TokenRefused; this covers one from any other call.
        print(f"error: {TokenRefused(error.message)}", file=sys.stderr)
        return 2
    except (
        ConfigError,
        FormError,
        FormVersionConflict,
        TokenRefused,
        DatabaseMissing,
        DatabaseUnreachable,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except AiogramError as error:  # e.g. a Bot API URL that answers with a web page
        print(f"error: the Telegram Bot API answered unexpectedly: {error}", file=sys.stderr)
        print("check TELEGRAM_API_URL (unset it to use Telegram itself)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
