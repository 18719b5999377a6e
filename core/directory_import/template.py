"""The blank workbook offered for filling in."""

from core.directory_import.columns import COLUMN_TITLES, LAYOUTS, TableKind
from exports.sheets import CellValue, SheetData, write_workbook
from texts import directory_import as texts


def directory_template() -> bytes:
    """An .xlsx with the three sheets, their headers and one example row each."""
    examples = {
        TableKind.MUNICIPALITIES: texts.TEMPLATE_EXAMPLE_MUNICIPALITY,
        TableKind.DISTRICTS: texts.TEMPLATE_EXAMPLE_DISTRICT,
        TableKind.SCHOOLS: texts.TEMPLATE_EXAMPLE_SCHOOL,
    }
    sheets = []
    for kind, layout in LAYOUTS.items():
        header = [COLUMN_TITLES[column] for column in layout.columns]
        example = list[CellValue](examples[kind])
        widths = [max(14, min(60, len(str(value)) + 2)) for value in example]
        sheets.append(SheetData(texts.TABLE_NAMES[kind], header, [example], widths))
    return write_workbook(sheets)
