"""A plan reading's problems, and a file that could not be read, as Russian plain-text lines."""

from collections.abc import Iterable

from core.plans.model import RowProblem
from exports.sheets import SheetError
from texts import plans as texts

_FILE_ERRORS = {
    "unsupported": texts.FILE_UNSUPPORTED,
    "unreadable": texts.FILE_UNREADABLE,
    "empty": texts.FILE_EMPTY,
}


def problem_lines(problems: Iterable[RowProblem]) -> list[str]:
    """One line per problem: "Строка 12, «Сроки»: не удалось понять срок …"."""
    return [
        problem.message
        if problem.row is None
        else texts.PROBLEM_LINE.format(
            row=problem.row, column=problem.column, message=problem.message
        )
        for problem in problems
    ]


def file_error_text(error: SheetError) -> str:
    """Why an uploaded file could not be read, naming it."""
    return _FILE_ERRORS[error.kind].format(source=error.source)
