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
    TABLE = "table"  # a repeat group whose rows are keyed by choices (subject × grade)


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTI})
# Sub-questions answered once per item (a table's items are its rows).
REPEAT_TYPES = frozenset({QuestionType.GROUP, QuestionType.TABLE})
NUMBER_TYPES = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT})
DEFAULT_MAX_LENGTH = {QuestionType.TEXT: 300, QuestionType.LONG_TEXT: 3000}
# What an inline button on a phone shows uncut; a longer option label needs a short ``button``.
BUTTON_CHARS = 35


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# The analytic order's wording is Russian prose a methodist reads and signs: long enough for a
# sentence of an order, short enough that a form cannot bloat the document.
ORDER_TEXT = Annotated[str, Field(min_length=1, max_length=400)]


class Option(Strict):
    """A choice. ``label`` is the full wording (review, export, the list under the question);
    ``button`` a short one for the button when the label is too long for a phone.

    ``finding`` and ``instruction`` are how the analytic order speaks of the schools that chose
    it (see ``OrderWording``): "разработаны внутришкольные механизмы …" / "Разработать …"."""

    id: Annotated[str, Field(pattern=IDENTIFIER)]
    label: Annotated[str, Field(min_length=1, max_length=60)]
    button: str | None = None
    finding: ORDER_TEXT | None = None
    instruction: ORDER_TEXT | None = None

    @model_validator(mode="after")
    def _fits_a_button(self) -> Self:
        if "{" in (self.finding or "") + (self.instruction or ""):
            raise ValueError(f"option {self.id}: an option's order wording takes no placeholder")
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


class RowCheck(Strict):
    """A table's row check: these columns together are at most ``at_most`` (e.g. the share of
    «2» and the share of «4–5» together ≤ 100 %)."""

    sum: Annotated[list[str], Field(min_length=2)]
    at_most: float
    message: Annotated[str, Field(min_length=1, max_length=300)]


class Threshold(Strict):
    """A value of a table's column that puts a row at risk (e.g. a share of «2» ≥ 25 %): red
    in the export, and the row listed on its "Зона риска" sheet."""

    column: str
    at_least: float | None = None
    at_most: float | None = None
    label: Annotated[str, Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError(f"threshold on {self.column}: give exactly one of at_least, at_most")
        return self

    def crossed(self, value: float) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is not None and value <= self.at_most


class OrderWording(Strict):
    """How a question reads in the analytic order drafted from a monitoring (``core.order``).

    ``finding`` is a clause of the order's "выявлено следующее", said of the schools with the
    answer; the schools follow it in the orders' short form ("… в ООУ № 5, 11, 28"):
      - yes/no: the schools that answered "да" (``finding_no``: "нет"); each with its grades in
        brackets when the answer shows a grades question ("в ООУ № 5 (2–9 классы)");
      - multiple choice: the schools that chose any option but one with ``none_option``, each with
        what it chose in brackets ("в ООУ № 5 (родительские собрания, совет профилактики)");
      - single or multiple choice: an option's own ``finding``, the schools that chose it.
    When options carry the findings, the schools that answered "Другое" are said with their
    text too: ``finding_other`` ("имеются участники других конкурсов"), or a neutral default.
    ``instruction`` is an item of the order's instructions, an infinitive ("Разработать …"), given
    to the schools that answered "нет" (yes/no) or chose the option that carries it.

    ``per_school`` questions are told school by school instead: each school's phrases (an
    option's or yes/no ``finding``; for a date, number or text, ``finding`` with ``{value}``, the
    answer) make one paragraph per school, "В МАОУ СОШ № 28 имеется положение о ВСОКО,
    утверждено 28.08.2020, …".

    A short answer that an answer shows (a date, a number with its unit, a short text, grades)
    details that answer's schools in brackets: "(2–9 классы)", "(от 25.12.2020)"; its
    ``finding`` with ``{value}`` words the detail ("до {value}").

    ``topic`` names the numbered finding the question belongs to; questions of one topic (of any
    form of the monitoring) make one finding. Default: the question's section title.
    A yes/no or choice question with no wording is still reported plainly (its text, each
    answer and its schools); an answer to type only with wording; ``omit`` leaves a question out.
    """

    finding: ORDER_TEXT | None = None
    finding_no: ORDER_TEXT | None = None
    finding_other: ORDER_TEXT | None = None
    instruction: ORDER_TEXT | None = None
    topic: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    per_school: bool = False
    none_option: str | None = None
    omit: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        worded = self.finding or self.finding_no or self.finding_other or self.instruction
        if self.omit and (worded or self.per_school):
            raise ValueError("an omitted question has no order wording")
        if self.finding is not None and "{" in self.finding.replace("{value}", ""):
            raise ValueError("order.finding: the only placeholder is {value}")
        for name in ("finding_no", "instruction", "finding_other"):
            if "{" in (getattr(self, name) or ""):
                raise ValueError(f"order.{name} takes no placeholder")
        return self


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
    # Whether the schools' answers add up to a total (the export's «Сумма»): by default an
    # integer does (it counts pupils, events); a distance or an age does not.
    summed: bool | None = None
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
    # a table (a repeat group of rows): the sub-questions whose options key a row (one row per
    # key), the checks of a row, the rows every school must give, the values that put a row at
    # risk; ``short`` names a sub-question in a row's summary and a column's heading ("«2»")
    key: list[str] = []
    row_checks: list[RowCheck] = []
    required_rows: list[dict[str, str]] = []
    thresholds: list[Threshold] = []
    short: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    # the analytic order
    order: OrderWording = OrderWording()

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
        if kind in REPEAT_TYPES:
            if not self.questions:
                raise ValueError("a group needs sub-questions")
            if any(sub.type in REPEAT_TYPES for sub in self.questions):
                raise ValueError("groups cannot be nested")
        elif self.questions:
            raise ValueError("only a group has sub-questions")
        if kind is QuestionType.TABLE:
            self._check_table()
        elif self.key or self.row_checks or self.required_rows or self.thresholds:
            raise ValueError("key, row_checks, required_rows and thresholds are for a table")
        if self.checks and kind not in NUMBER_TYPES:
            raise ValueError("cross-field checks compare numbers")
        self._check_order_wording()
        return self

    def _check_table(self) -> None:
        """A table: key columns are single choices (no «Другое»: a row is one of the options),
        the rest are numbers; no column is conditional; checks, required rows and thresholds
        name its columns and options."""
        subs = {sub.id: sub for sub in self.questions}
        if not self.key:
            raise ValueError(f"table {self.id}: key names the columns that identify a row")
        for key in self.key:
            sub = subs.get(key)
            if sub is None or sub.type is not QuestionType.SINGLE or sub.other:
                raise ValueError(
                    f"table {self.id}: key column {key!r} must be a single choice without other"
                )
        if len(set(self.key)) != len(self.key):
            raise ValueError(f"table {self.id}: a key column is named twice")
        for sub in self.questions:
            if sub.show_if:
                raise ValueError(f"table {self.id}: column {sub.id} cannot be conditional")
            if sub.id not in self.key and sub.type not in NUMBER_TYPES:
                raise ValueError(
                    f"table {self.id}: column {sub.id} must be a number (or be in key)"
                )
        numbers = {sub.id for sub in self.questions if sub.type in NUMBER_TYPES}
        for check in self.row_checks:
            unknown = [name for name in check.sum if name not in numbers]
            if unknown:
                raise ValueError(f"table {self.id}: row check sums {unknown}, not number columns")
        for row in self.required_rows:
            if set(row) != set(self.key):
                raise ValueError(f"table {self.id}: a required row gives every key column")
            for column, option in row.items():
                if subs[column].option(option) is None:
                    raise ValueError(
                        f"table {self.id}: required row names {option!r}, not an option of {column}"
                    )
        keys = [tuple(row[name] for name in self.key) for row in self.required_rows]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.id}: a required row is given twice")
        for threshold in self.thresholds:
            if threshold.column not in numbers:
                raise ValueError(
                    f"table {self.id}: threshold on {threshold.column!r}, not a number column"
                )

    @property
    def repeats(self) -> bool:
        """A repeat group or a table: sub-questions answered once per item (row)."""
        return self.type in REPEAT_TYPES

    @property
    def columns(self) -> list["Question"]:
        """A table's value columns: its sub-questions not in the key."""
        return [sub for sub in self.questions if sub.id not in self.key]

    @property
    def label(self) -> str:
        """How a row's summary and a column's heading name this sub-question."""
        return self.short or self.text

    def _check_order_wording(self) -> None:
        order, kind = self.order, self.type
        if order.finding_no is not None and kind is not QuestionType.YES_NO:
            raise ValueError("order.finding_no is for a yes/no question")
        if order.instruction is not None and kind is not QuestionType.YES_NO:
            raise ValueError("order.instruction is for a yes/no question; options carry their own")
        if order.none_option is not None and self.option(order.none_option) is None:
            raise ValueError(f"order.none_option names {order.none_option!r}, not an option")
        if order.finding_other is not None and not (kind in CHOICE_TYPES and self.other):
            raise ValueError("order.finding_other is for a choice question with «Другое»")
        valued = order.finding is not None and "{value}" in order.finding
        typed = kind not in CHOICE_TYPES | {QuestionType.YES_NO}
        if valued and not typed:
            raise ValueError("{value} is for a date, number or text question")
        if order.finding and typed and not valued:
            raise ValueError("the finding of an answer to type needs {value}: the answer")
        if any(option.finding or option.instruction for option in self.options) and order.omit:
            raise ValueError("an omitted question's options have no order wording")

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


class ProfileAxis(Strict):
    """One axis of a school's profile: a percent question as answered, or a count as a share of
    another count (``of``), so that a school of 90 and one of 1,200 pupils compare."""

    question: str
    of: str | None = None
    label: Annotated[str, Field(min_length=1, max_length=40)]  # short: it is written on the chart


class FormProfile(Strict):
    """A school's profile drawn as a radar against the municipality's mean (seed 003's social
    passports): every axis a percentage, so that all share one scale. How the answers are drawn,
    not what is asked: changing it needs no new version of the form."""

    title: Annotated[str, Field(min_length=1, max_length=100)]
    axes: Annotated[list[ProfileAxis], Field(min_length=3, max_length=12)]


class FormDefinition(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    version: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=1, max_length=100)]
    short_title: Annotated[str, Field(min_length=1, max_length=30)]
    description: str = ""
    source: str = ""
    sections: Annotated[list[Section], Field(min_length=1)]
    profile: FormProfile | None = None

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
        if self.profile is not None:
            _check_profile(self.profile, seen)
        return self


def _check_profile(profile: FormProfile, questions: dict[str, Question]) -> None:
    """Each axis names a question of the form (not of a repeat group): a percent, or a count
    with ``of``, another count; no axis or label twice."""
    counts = {QuestionType.INTEGER, QuestionType.DECIMAL}
    for axis in profile.axes:
        found = questions.get(axis.question)
        if found is None:
            raise ValueError(f"profile: axis {axis.question!r} is not a question of the form")
        if axis.of is None:
            if found.type is not QuestionType.PERCENT:
                raise ValueError(
                    f"profile: axis {axis.question!r} is {found.type}: a percent question, or "
                    "a number with `of:` (the number it is a share of), so that every axis is "
                    "a percentage"
                )
            continue
        if found.type not in counts:
            raise ValueError(f"profile: axis {axis.question!r} with `of` must be a number")
        base = questions.get(axis.of)
        if base is None or base.type not in counts or axis.of == axis.question:
            raise ValueError(
                f"profile: axis {axis.question!r} is a share of {axis.of!r}, "
                "which is not another number question of the form"
            )
    pairs = [(axis.question, axis.of) for axis in profile.axes]
    if len(set(pairs)) != len(pairs):
        raise ValueError("profile: an axis is given twice")
    names = [axis.label for axis in profile.axes]
    if len(set(names)) != len(names):
        raise ValueError("profile: two axes have the same label")


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
