"""Limits an uploaded spreadsheet must fit before anything parses it.

A partner's list of organisations is a few hundred rows and a few dozen columns. An XLSX is a zip
of XML: a small file can declare millions of cells, inflate to gigabytes or define XML entities
that expand exponentially. Every limit here is checked on the archive's directory and a stream of
the sheet's bytes, so a breach is refused in a fraction of a second and a few megabytes of memory,
with a message that says which limit. XML is parsed with defusedxml (entities refused).

Examples
--------
>>> column_number("A"), column_number("AA"), column_number("XFD")
(1, 27, 16384)
>>> declared_size(b'<worksheet><dimension ref="A1:J1000000"/><sheetData>')
(1000000, 10)
>>> declared_size(b'<x:dimension ref="B2"/>'), declared_size(b"<sheetData>")
((1, 1), None)
"""
from __future__ import annotations

import io
import re
import zipfile

from .errors import UserError
from .i18n import t

MAX_BYTES = 20 * 1024 * 1024  # a partner's list of organisations is kilobytes; 20 MB is not a list
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL = 32_767  # characters: Excel's own limit for one cell
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all parts of an XLSX once inflated
MAX_PARTS = 500  # files inside one XLSX
_CHUNK = 1 << 20

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


class FileProblem(UserError, ValueError):
    """The file as a whole cannot be read (message for the user)."""


def column_number(letters: str) -> int:
    """Spreadsheet column letters as a number (A = 1)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def declared_size(head: bytes) -> tuple[int, int] | None:
    """(rows, columns) a sheet declares in its ``<dimension>`` element, or None."""
    found = _DIMENSION.search(head)
    if not found or not found.group(2):
        return None
    first_col, first_row, last_col, last_row = found.groups()
    rows = int(last_row or first_row) - int(first_row) + 1
    cols = column_number((last_col or first_col or b"A").decode()) - column_number((first_col or b"A").decode()) + 1
    return rows, cols


def check_text(rows_seen: int, row: list[str], lang: str) -> None:
    """The limits every row of a CSV or a sheet must fit (checked while reading)."""
    if rows_seen > MAX_ROWS + 2:
        raise FileProblem(t("import.too_many_rows", lang, max=MAX_ROWS))
    if len(row) > MAX_COLUMNS:
        raise FileProblem(t("import.too_many_columns", lang, n=len(row), max=MAX_COLUMNS))
    for cell in row:
        if cell is not None and len(str(cell)) > MAX_CELL:
            raise FileProblem(t("import.cell_too_long", lang, row=rows_seen, n=len(str(cell)), max=MAX_CELL))


def check_xlsx(data: bytes, lang: str = "en") -> None:
    """Refuse an XLSX that would not fit the limits, before openpyxl reads it: too many parts,
    too large once inflated, XML entity declarations, a sheet declaring or holding too many rows
    or columns. A damaged archive is left to the reader, which says so."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise FileProblem(t("import.xlsx_parts", lang, n=len(parts), max=MAX_PARTS))
        inflated = sum(p.file_size for p in parts)
        if inflated > MAX_UNCOMPRESSED:
            raise FileProblem(t("import.xlsx_inflated", lang, mb=round(inflated / 2 ** 20),
                                max=MAX_UNCOMPRESSED // 2 ** 20))
        try:
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as fh:  # a DOCTYPE can only come first
                        if _DOCTYPE.search(fh.read(4096)):
                            raise FileProblem(t("import.xlsx_entities", lang))
            # every sheet: the reader may take a later one (a 3W workbook opening on a "read me")
            for part in parts:
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    _check_sheet(archive, part.filename, lang)
        except (zipfile.BadZipFile, EOFError, OSError, KeyError):
            return  # damaged: the reader reports it
        except Exception as exc:
            from defusedxml import DefusedXmlException

            if isinstance(exc, DefusedXmlException):
                raise FileProblem(t("import.xlsx_entities", lang)) from exc
            if type(exc).__name__ == "ParseError":
                return  # not XML: the reader reports a damaged file
            raise


def _check_sheet(archive: zipfile.ZipFile, sheet: str, lang: str) -> None:
    with archive.open(sheet) as fh:
        head = fh.read(_CHUNK)
        declared = declared_size(head[:65536])
        # Rows only: sheets often declare hundreds of empty columns, which the reader drops.
        if declared and declared[0] > MAX_ROWS + 2:
            raise FileProblem(t("import.xlsx_declared", lang, rows=declared[0], cols=declared[1],
                                cells=declared[0] * declared[1], max=MAX_ROWS))
        rows, tail, chunk = 0, b"", head
        while chunk:  # count rows on the raw stream: no parsing, a few MB of memory
            window = tail + chunk
            rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
            if rows > MAX_ROWS + 2:
                raise FileProblem(t("import.too_many_rows", lang, max=MAX_ROWS))
            tail, chunk = window[-16:], fh.read(_CHUNK)
