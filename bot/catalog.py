"""The questionnaires shipped with the bot (YAML in ``bot/forms/``) and their catalog."""

from collections.abc import Mapping
from pathlib import Path

from core.forms.loader import load_forms
from core.forms.models import FormDefinition
from core.questionnaires import FormCatalog
from storage import Database
from storage.migrate import upgrade

FORMS_DIRECTORY = Path(__file__).parent / "forms"


def builtin_forms() -> dict[str, FormDefinition]:
    """Every form in ``bot/forms/`` by id; a malformed file raises ``FormError``."""
    return load_forms(sorted(FORMS_DIRECTORY.glob("*.yaml")))


async def prepare(
    database: Database, extra_forms: Mapping[str, FormDefinition] | None = None
) -> FormCatalog:
    """Migrate the database and store the current version of every form."""
    await upgrade(database)
    catalog = FormCatalog({**builtin_forms(), **(extra_forms or {})})
    await catalog.sync(database)
    return catalog
