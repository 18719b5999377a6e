"""The import rules of the layout, checked over the source (see README, "Architecture").

- ``texts``: the Russian catalog; imports nothing of ours but ``storage`` enums.
- ``storage``: SQL; imports none of ``core``, ``bot``, ``exports``, ``texts`` and no aiogram.
- ``exports``: the printers; import only ``exports`` (and openpyxl), never the application.
- ``core``: the application; never aiogram, APScheduler or ``bot``.
- ``bot``: the Telegram edge; may import everything. Inside it, ``bot/handlers/shared`` imports
  no feature room, and a feature room imports another room's ``callbacks`` or ``keyboards``
  only (a button that opens it), never its router. Handlers import no SQLAlchemy or openpyxl,
  and take only types (classes) from ``storage``, never a query.
- ``bot/forms`` holds questionnaire definitions (YAML) and nothing else.
"""

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"bot", "core", "texts", "storage", "exports", "botapi_emulator", "tests", "bench"}
FORBIDDEN: dict[str, set[str]] = {
    "texts": OURS - {"texts", "storage"} | {"aiogram", "sqlalchemy", "openpyxl"},
    "storage": OURS - {"storage"} | {"aiogram", "apscheduler", "openpyxl"},
    "exports": OURS - {"exports"} | {"aiogram", "apscheduler", "sqlalchemy"},
    "core": {"bot", "botapi_emulator", "tests", "bench", "aiogram", "apscheduler"},
}
FEATURE_IMPORTABLE = {"callbacks", "keyboards"}


def modules(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module, imported names) of every absolute import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_what_its_layer_may(package: str) -> None:
    broken = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in modules(package)
        for module, _ in imports(path)
        if module.split(".")[0] in FORBIDDEN[package]
    ]
    assert broken == []


def test_feature_rooms_import_only_buttons_of_other_rooms() -> None:
    handlers = ROOT / "bot" / "handlers"
    rooms = {path.name for path in handlers.iterdir() if (path / "__init__.py").is_file()}
    broken = []
    for path in modules("bot/handlers"):
        parts = path.relative_to(handlers).parts
        room = parts[0] if len(parts) > 1 else None
        for module, _ in imports(path):
            pieces = module.split(".")
            if pieces[:2] != ["bot", "handlers"] or len(pieces) < 3:
                continue
            target = pieces[2]
            if target not in rooms or target in (room, "shared"):
                continue
            # Another room: the shared widgets may not reach into it at all; a room may take
            # only its buttons (callbacks, keyboards).
            if room == "shared" or len(pieces) < 4 or pieces[3] not in FEATURE_IMPORTABLE:
                broken.append(f"{path.relative_to(ROOT)}: {module}")
    assert broken == []


def test_handlers_take_only_types_from_storage_and_run_no_sql() -> None:
    broken = []
    for path in modules("bot/handlers"):
        for module, names in imports(path):
            top = module.split(".")[0]
            if top in ("sqlalchemy", "openpyxl"):
                broken.append(f"{path.relative_to(ROOT)}: {module}")
            if top != "storage":
                continue
            imported = importlib.import_module(module)
            for name in names:
                if not isinstance(getattr(imported, name), type):
                    broken.append(f"{path.relative_to(ROOT)}: {module}.{name}")
    assert broken == []


def test_bot_forms_holds_only_questionnaire_definitions() -> None:
    files = [path.name for path in (ROOT / "bot" / "forms").iterdir() if path.is_file()]
    assert files
    assert [name for name in files if not name.endswith(".yaml")] == []


def test_the_application_loads_without_the_telegram_edge() -> None:
    """Importing every module of ``core`` pulls in no aiogram, even indirectly."""
    import subprocess
    import sys

    script = (
        "import importlib, pkgutil, sys, core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    importlib.import_module(info.name)\n"
        "edge = ('aiogram', 'apscheduler', 'bot')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in edge)\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_button_kind_has_its_own_prefix() -> None:
    """Two CallbackData classes with one prefix would send one feature's presses to the other's
    handler (an /order button once opened a person's card)."""
    for path in modules("bot"):
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
    from aiogram.filters.callback_data import CallbackData

    def subclasses(cls: type[CallbackData]) -> Iterator[type[CallbackData]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    owners: dict[str, list[str]] = {}
    for kind in subclasses(CallbackData):
        if kind.__module__.startswith("bot."):
            owners.setdefault(kind.__prefix__, []).append(f"{kind.__module__}.{kind.__name__}")
    shared = {prefix: names for prefix, names in owners.items() if len(names) > 1}
    assert not shared, f"prefixes used twice: {shared}"
