"""How names are compared and stored."""


def key(name: str) -> str:
    """The identity of a name: case, "ё"/"е" and runs of spaces do not matter."""
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def clean(value: str) -> str:
    """A cell as stored: runs of whitespace collapsed to single spaces."""
    return " ".join(value.split())
