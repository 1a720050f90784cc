"""CSV that spreadsheets cannot turn into formulas, and CSV uploads read defensively."""

import csv
import io

from django.http import HttpResponse

# A cell starting with one of these is a formula in Excel, LibreOffice and Google Sheets
# (`=cmd|' /C calc'!A0` runs a program), tab and carriage return included.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text a spreadsheet shows as it is: a leading apostrophe before a formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_response(filename, header, rows):
    """A CSV download of the rows, every text cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8 (Arabic, Cyrillic) correctly
    writer = csv.writer(response)
    writer.writerow([neutralise(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


def csv_text(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
