"""Russian plurals from one place, by CLDR's rules (Babel): "1 вариант", "2 варианта",
"5 вариантов", "1,5 часа".

A word is given as its three forms ``(one, few, many)``: ("школа", "школы", "школ"). A fraction
takes the "few" form in the genitive singular ("1,5 часа"), which is what CLDR calls "other".
"""

from functools import cache

from babel import Locale

Forms = tuple[str, str, str]

SCHOOLS: Forms = ("школа", "школы", "школ")
SCHOOLS_GENITIVE: Forms = ("школы", "школ", "школ")  # "из 5 школ", "из 1 школы"
OPTIONS: Forms = ("вариант", "варианта", "вариантов")
OPTIONS_GENITIVE: Forms = ("варианта", "вариантов", "вариантов")  # "не больше 1 варианта"
TIMES: Forms = ("раз", "раза", "раз")
QUESTIONS: Forms = ("вопрос", "вопроса", "вопросов")
FORMS: Forms = ("анкета", "анкеты", "анкет")
FORMS_GENITIVE: Forms = ("анкеты", "анкет", "анкет")  # "из 1 анкеты", "из 5 анкет"
DAYS: Forms = ("день", "дня", "дней")
ITEMS: Forms = ("запись", "записи", "записей")


@cache
def _russian() -> Locale:
    return Locale.parse("ru")


def word(count: float, forms: Forms) -> str:
    """The form of the word that goes with ``count``."""
    category = _russian().plural_form(count)
    if category == "one":
        return forms[0]
    if category in ("few", "other"):
        return forms[1]
    return forms[2]


def counted(count: float, forms: Forms) -> str:
    """The number and its word: "3 школы", "21 вариант"."""
    number = f"{count:g}".replace(".", ",") if isinstance(count, float) else str(count)
    return f"{number} {word(count, forms)}"
