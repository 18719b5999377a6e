"""The consolidated export (/export): data first, as plain Python; ``exports.workbook`` renders it.

Entry points:

- ``list_exportable(database, catalog, actor) -> list[ExportChoice]``: the campaigns (open or
  closed) with schools the actor may export, newest first, each with its monitoring's short
  title, period label, municipality and the number of schools in scope. ``campaigns_of_series(
  choices, series)`` picks every period of one monitoring (for a Динамика sheet).
- ``build_export(database, catalog, actor, *, campaign_ids, district_id=None, now) -> Export``:
  the export of these campaigns, which must be rounds of one monitoring, i.e. of the same forms
  (else ``MixedForms``). A monitoring of several forms has each form's export in ``parts``. Access
  goes through ``core.access`` (``Action.EXPORT``): methodists and administrators get
  every school of their municipality (or all), coordinators only their district or schools, and
  anyone else (a respondent) gets ``AccessDenied``, as does a campaign with no school in scope.
  ``district_id`` narrows the export to one educational district.
- ``export_filename(export, today) -> str``: "ВСОКО — 1 полугодие — 11.03.2026.xlsx".
- ``exports.workbook.render_workbook(export.sheets) -> bytes``: the .xlsx.
- ``export_file(database, catalog, actor, *, campaign_ids, district_id, now, school_periods)
  -> ExportFile``: the .xlsx with its file name and caption counts, as /export sends it; a large
  export is made in a worker process of its own (``core.export.isolated``), so the bot's chats
  are not held up while it is made.

An ``Export`` keeps the facts (``reports``: one per school and period, with status, timing, who
answered and the answers to the questions shown), the aggregates (``summary``, ``areas``,
``dynamics``) and the ``sheets`` they are laid out in, with Russian headers. Campaigns with the
same period label (one per municipality) make one period; Итоги and По округам describe the
latest period, Динамика all of them. Aggregates count submitted and accepted responses only.
"""

from core.export.build import (
    ExportChoice,
    MixedForms,
    build_export,
    campaigns_of_series,
    export_filename,
    list_exportable,
)
from core.export.districts import district_counts
from core.export.isolated import ExportFile, export_file
from core.export.model import Export

__all__ = [
    "Export",
    "ExportChoice",
    "ExportFile",
    "MixedForms",
    "build_export",
    "campaigns_of_series",
    "district_counts",
    "export_file",
    "export_filename",
    "list_exportable",
]
