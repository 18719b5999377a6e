"""``python -m bot form-template [--form KEY] [-o FILE]``: a questionnaire as a workbook.

Without ``--form``, the blank template (its example form, ``core.forms.workbook.example``);
with it, a built-in form as a workbook that reads back into the same form. Needs no settings
and no database.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.catalog import builtin_forms
from core.export.build import safe_filename
from core.forms.workbook.writer import form_workbook, template_workbook
from texts import form_workbook as texts

COMMAND = "form-template"


def add_parser(commands: Any) -> None:
    """The command's arguments, on ``python -m bot``'s subcommands."""
    parser = commands.add_parser(
        COMMAND, help="write the questionnaire template (.xlsx), or a built-in form as one"
    )
    parser.add_argument("--form", metavar="KEY", help="a built-in form instead of the template")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE")


def run(args: argparse.Namespace) -> int:
    """Write the workbook and print its path; an unknown form: exit code 2, the known ones."""
    if args.form is None:
        content, name = template_workbook(), texts.TEMPLATE_FILE
    else:
        forms = builtin_forms()
        form = forms.get(args.form)
        if form is None:
            print(f"error: no built-in form {args.form!r}", file=sys.stderr)
            print(f"known: {', '.join(sorted(forms))}", file=sys.stderr)
            return 2
        content = form_workbook(form)
        name = safe_filename(texts.FORM_FILE.format(title=form.short_title, version=form.version))
    path: Path = args.output or Path(name)
    path.write_bytes(content)
    print(path)
    return 0
