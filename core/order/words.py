"""Capitals in the order's sentences: a clause starts a finding, an answer's label joins one."""


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """ "Родительские собрания" → "родительские собрания"; "ВКС", "PISA" stay as they are."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
