"""The shape of a questionnaire, validated by pydantic when a YAML file is loaded."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]{0,23}$"


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    SINGLE = "single_choice"
    MULTI = "multi_choice"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    DATE = "date"
    TEXT = "text"
    LONG_TEXT = "long_text"
    URL = "url"
    GRADES = "grades"
    FILE = "file"
    GROUP = "group"


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTI})
NUMBER_TYPES = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT})
DEFAULT_MAX_LENGTH = {QuestionType.TEXT: 300, QuestionType.LONG_TEXT: 3000}
# What an inline button on a phone shows uncut; a longer option label needs a short ``button``.
BUTTON_CHARS = 35


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(Strict):
    """A choice. ``label`` is the full wording (review, export, the list under the question);
    ``button`` a short one for the button when the label is too long for a phone."""

    id: Annotated[str, Field(pattern=IDENTIFIER)]
    label: Annotated[str, Field(min_length=1, max_length=60)]
    button: str | None = None

    @model_validator(mode="after")
    def _fits_a_button(self) -> Self:
        # Checked here rather than with Field limits, so that the message names the option.
        if self.button is not None:
            if not self.button.strip():
                raise ValueError(f"option {self.id}: button is empty")
            if len(self.button) > BUTTON_CHARS:
                raise ValueError(
                    f"option {self.id}: button {self.button!r} is {len(self.button)} characters, "
                    f"a phone shows at most {BUTTON_CHARS}"
                )
        elif len(self.label) > BUTTON_CHARS:
            raise ValueError(
                f"option {self.id}: label is {len(self.label)} characters, a phone button shows "
                f"{BUTTON_CHARS}: add a short `button:` label"
            )
        return self

    @property
    def button_text(self) -> str:
        """What the option's button says."""
        return self.button or self.label


class Condition(Strict):
    """Shows a question only when an earlier answer matches. Exactly one test is given.

    ``equals``: the answer is this value (yes/no: true/false; single choice: an option id);
    ``one_of``: the answer is one of these; ``includes``: a multiple choice (or grades) answer
    includes this option; ``answered``: the question was answered (not skipped).
    """

    question: str
    equals: Any = None
    one_of: list[Any] | None = None
    includes: Any = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        given = [
            name
            for name in ("equals", "one_of", "includes", "answered")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of equals, one_of, includes, answered")
        return self


class Comparison(StrEnum):
    GE = ">="
    LE = "<="


class CrossCheck(Strict):
    """This question's number compared with an earlier one's, e.g. consultations >= students."""

    compare: Comparison
    question: str
    message: Annotated[str, Field(min_length=1)]


class Question(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    type: QuestionType
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    hint: str | None = None
    required: bool = True
    show_if: list[Condition] = []
    checks: list[CrossCheck] = []
    # choices
    options: list[Option] = []
    other: bool = False
    min_selected: int | None = None
    max_selected: int | None = None
    # numbers
    min: float | None = None
    max: float | None = None
    # "чел." as is, or three Russian forms: "мероприятие|мероприятия|мероприятий"
    unit: str | None = None
    # dates
    not_in_future: bool = False
    min_date: date | None = None
    max_date: date | None = None
    # text
    min_length: int = 1
    max_length: int | None = None
    # URLs
    several: bool = False
    # a repeat group: sub-questions answered once per item
    questions: list["Question"] = []
    item_name: str | None = None
    max_items: int = 50

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[Option]) -> list[Option]:
        ids = [option.id for option in options]
        if len(ids) != len(set(ids)):
            raise ValueError("option ids must be unique")
        buttons = [option.button_text for option in options]
        for index, button in enumerate(buttons):
            if button in buttons[:index]:
                first = options[buttons.index(button)].id
                raise ValueError(
                    f"options {first} and {options[index].id} have the same button {button!r}"
                )
        return options

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        kind = self.type
        if kind in CHOICE_TYPES and not self.options:
            raise ValueError("a choice question needs a non-empty list of options")
        if kind not in CHOICE_TYPES and (self.options or self.other):
            raise ValueError(f"options and other are only for choice questions, not {kind}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        if (
            self.min_selected is not None
            and self.max_selected is not None
            and self.min_selected > self.max_selected
        ):
            raise ValueError("min_selected is greater than max_selected")
        if self.max_selected is not None and self.max_selected > len(self.options) + self.other:
            raise ValueError("max_selected is more than there are options")
        if self.min_selected is not None and self.min_selected > len(self.options) + self.other:
            raise ValueError("min_selected is more than there are options")
        if self.min_date and self.max_date and self.min_date > self.max_date:
            raise ValueError("min_date is after max_date")
        if self.max_length is not None and self.min_length > self.max_length:
            raise ValueError("min_length is greater than max_length")
        if kind is QuestionType.GROUP:
            if not self.questions:
                raise ValueError("a group needs sub-questions")
            if any(sub.type is QuestionType.GROUP for sub in self.questions):
                raise ValueError("groups cannot be nested")
        elif self.questions:
            raise ValueError("only a group has sub-questions")
        if self.checks and kind not in NUMBER_TYPES:
            raise ValueError("cross-field checks compare numbers")
        return self

    @property
    def text_limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type, 300)

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)

    def option_legend(self) -> list[str]:
        """The full labels, numbered ("1. Родительский патруль (наблюдение за …)"), to show
        under the question when a button has a shorter wording; empty when every button says
        its whole label. A single choice also takes the number typed."""
        if all(option.button_text == option.label for option in self.options):
            return []
        return [f"{number}. {option.label}" for number, option in enumerate(self.options, 1)]


class Section(Strict):
    title: Annotated[str, Field(min_length=1)]
    questions: Annotated[list[Question], Field(min_length=1)]


class FormDefinition(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    version: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=1, max_length=100)]
    short_title: Annotated[str, Field(min_length=1, max_length=30)]
    description: str = ""
    source: str = ""
    sections: Annotated[list[Section], Field(min_length=1)]

    @property
    def questions(self) -> list[Question]:
        """Top-level questions in order (a group counts as one)."""
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def section_of(self, question_id: str) -> Section:
        return next(s for s in self.sections if any(q.id == question_id for q in s.questions))

    @model_validator(mode="after")
    def _references(self) -> Self:
        seen: dict[str, Question] = {}
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question {question.id}: duplicate id")
            sub_ids = [sub.id for sub in question.questions]
            if len(sub_ids) != len(set(sub_ids)):
                raise ValueError(f"question {question.id}: duplicate sub-question id")
            for condition in question.show_if:
                _check_reference(question, condition.question, seen, "condition")
                _check_condition_value(question.id, condition, seen[condition.question])
            for check in question.checks:
                _check_reference(question, check.question, seen, "check")
                if seen[check.question].type not in NUMBER_TYPES:
                    raise ValueError(
                        f"question {question.id}: check compares with {check.question}, "
                        "which is not a number"
                    )
            for sub in question.questions:
                for condition in sub.show_if:
                    if condition.question not in sub_ids[: sub_ids.index(sub.id)]:
                        raise ValueError(
                            f"question {question.id}.{sub.id}: condition names "
                            f"{condition.question}, not an earlier sub-question of the group"
                        )
                    target = question.questions[sub_ids.index(condition.question)]
                    _check_condition_value(f"{question.id}.{sub.id}", condition, target)
            seen[question.id] = question
        return self


def _check_reference(question: Question, name: str, seen: dict[str, Question], what: str) -> None:
    if name == question.id or name not in seen:
        raise ValueError(
            f"question {question.id}: {what} names {name!r}, which is not an earlier question"
        )


def _check_condition_value(name: str, condition: Condition, target: Question) -> None:
    values = [condition.equals, condition.includes, *(condition.one_of or [])]
    if target.type in CHOICE_TYPES:
        for value in values:
            if value is not None and target.option(str(value)) is None and value != "other":
                raise ValueError(
                    f"question {name}: condition names option {value!r} that "
                    f"{target.id} does not have"
                )
