"""Поручения in a monitoring's export: what the round's order instructed, and how far it is done.

An order drafted from a round may be kept for follow-up as a plan of kind ``INSTRUCTIONS`` with
``campaign_id`` the round. When the rounds of an export have such plans, the export gains one
more sheet, ``core.plans.export.instructions_sheet``, over the schools in the export's scope,
before Длинные тексты (which stays last).
"""

from collections.abc import Collection, Sequence
from dataclasses import replace

from core.directory import Directory
from core.export import labels
from core.export.model import Export
from core.plans.export import instructions_sheet
from exports.titles import unique_sheet_title
from storage.exports import ExportCampaign
from storage.plans import Plan


def with_instructions(
    export: Export,
    plans: Sequence[Plan],
    *,
    campaigns: Sequence[ExportCampaign],
    directory: Directory,
    school_ids: Collection[int],
) -> Export:
    """The export with a Поручения sheet when there are instructions plans."""
    if not plans:
        return export
    schools = {
        school_id: directory.schools[school_id].short_name
        for school_id in school_ids
        if school_id in directory.schools
    }
    sheet = instructions_sheet(
        plans,
        schools=schools,
        periods={campaign.id: campaign.period_label for campaign in campaigns},
        today=export.generated_at.date(),
    )
    sheets = list(export.sheets)
    used = {existing.title.casefold() for existing in sheets}
    sheet.title = unique_sheet_title(sheet.title, used)
    last = len(sheets)
    if sheets and sheets[-1].title == labels.LONG_TEXTS:
        last -= 1
    sheets.insert(last, sheet)
    return replace(export, sheets=tuple(sheets))
