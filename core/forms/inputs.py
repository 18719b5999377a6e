"""What a person can give as an answer, independent of Telegram."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: an option id, or "yes", "no", "today"."""

    option: str


@dataclass(frozen=True, slots=True)
class Selection:
    """A finished multiple selection (options or grades), with the "other" text if any."""

    options: tuple[str, ...]
    other: str | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    file_id: str
    file_unique_id: str
    name: str
    size: int
    mime: str | None
    kind: str  # "document" or "photo"


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A sticker, voice, location...: never an answer, always a helpful message."""

    kind: str


RawInput = Text | Choice | Selection | Upload | Unsupported


@dataclass(frozen=True, slots=True)
class Accepted:
    value: object


@dataclass(frozen=True, slots=True)
class Rejected:
    message: str


Outcome = Accepted | Rejected
