"""Write the catalogue of bad import files under ``tests/data/bad/`` and what each must report.

``python scripts/make_bad_files.py`` rewrites the files and ``expected.json`` (file -> a phrase
the import report must contain). The 50 MB file is not stored: tests/test_importer.py makes it
in a temporary folder.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"
HEAD = "name,kind,country,city"
GOOD = "Association Nador Accueil,ngo,MA,Nador"


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


# file name -> (content, phrase the report or message must contain)
FILES: dict[str, tuple[bytes, str]] = {
    "empty.csv": (b"", "empty"),
    "blank_lines.csv": (b"\n\n  \n", "empty"),
    "header_only.csv": (csv(HEAD), "no rows"),
    "missing_name_column.csv": (csv("organisation_type,country", "ngo,MA"), "Missing column(s): name"),
    "missing_kind_and_country.csv": (csv("name,city", "Association X,Oujda"), "Missing column(s): country"),
    "unknown_kind.csv": (csv(HEAD, "Association X,football club,MA,Oujda"), "Unknown kind of actor: football club"),
    "unknown_country.csv": (csv(HEAD, "Association X,ngo,Atlantis,Oujda"), "Unknown country: Atlantis"),
    "bad_iso_code.csv": (csv(HEAD, "Association X,ngo,XX,Oujda"), "Not an ISO 3166 country code"),
    "coordinates_swapped.csv": (csv("name,kind,country,lat,lon", "Association X,ngo,MA,-1.91,34.68"), "swapped"),
    "coordinates_outside.csv": (csv("name,kind,country,lat,lon", "Association X,ngo,SN,48.85,2.35"),
                                "outside Senegal"),
    "coordinates_not_numbers.csv": (csv("name,kind,country,lat,lon", "Association X,ngo,MA,north,west"),
                                    "must be numbers"),
    "coordinates_out_of_range.csv": (csv("name,kind,country,lat,lon", "Association X,ngo,DE,123,7"),
                                     "between -90 and 90"),
    "latitude_only.csv": (csv("name,kind,country,lat,lon", "Association X,ngo,MA,34.68,"), "both"),
    "duplicate_ids.csv": (csv("id,name,kind,country", "org-1,Association Une,ngo,MA", "org-1,Association Deux,ngo,MA"),
                          "already used by row 2"),
    "formula_in_name.csv": (csv(HEAD, "=HYPERLINK(\"http://evil.example\"),ngo,MA,Oujda"), "formula"),
    "formula_plus.csv": (csv(HEAD, "+cmd|' /C calc'!A0,ngo,MA,Oujda"), "formula"),
    "formula_at.csv": (csv(HEAD, "@SUM(1+1),ngo,MA,Oujda"), "formula"),
    "html_in_name.csv": (csv(HEAD, "<img src=x onerror=alert(1)>,ngo,MA,Oujda"), "HTML markup"),
    "script_in_description.csv": (csv("name,kind,country,description",
                                      "Association X,ngo,MA,<script>alert(1)</script>"), "HTML markup"),
    "huge_cell.csv": (csv("name,kind,country,description", "Association X,ngo,MA," + "x" * 20_000), "Too long"),
    "bad_email.csv": (csv("name,kind,country,email", "Association X,ngo,MA,not-an-address"), "e-mail"),
    "javascript_url.csv": (csv("name,kind,country,website", "Association X,ngo,MA,javascript:alert(1)"),
                           "web address"),
    "unknown_theme.csv": (csv("name,kind,country,themes", "Association X,ngo,MA,Santé|Football"),
                          "Unknown themes: Football"),
    "unknown_region.csv": (csv("name,kind,country,region", "Association X,ngo,MA,Atlantide"),
                           "Unknown region code: Atlantide"),
    "mixed_delimiters.csv": (csv(HEAD, GOOD, "Association Y;ngo;MA;Oujda"), "delimiter"),
    "extra_cells.csv": (csv(HEAD, GOOD + ",surplus,encore"), "cells where the header has 4"),
    "one_bad_row_among_good.csv": (csv(HEAD, GOOD, "Association Z,ngo,MA,Oujda", "Association W,alien,MA,Fès"),
                                   "Unknown kind of actor: alien"),
    "binary.csv": (bytes(range(256)) * 4, "not a text"),
    "truncated.xlsx": (xlsx([["name", "kind", "country"], ["Association X", "ngo", "MA"]])[:700],
                       "damaged or incomplete"),
    "not_really.xlsx": (b"this is not a spreadsheet at all", "damaged or incomplete"),
    "zip_without_sheet.xlsx": (None, "damaged or incomplete"),  # filled below
    "xlsx_formula.xlsx": (xlsx([["name", "kind", "country"], ["=1+1", "ngo", "MA"]]), "formula"),
    "xlsx_header_only.xlsx": (xlsx([["Nom", "Type", "Pays"]]), "no rows"),
    "hxl_missing_org.csv": (csv("Pays,Région,Secteur", "#country,#adm1,#sector", "MA,Oriental,Santé"),
                            "Missing column(s): name"),
    "latin1_bad_kind.csv": (csv("Nom;Type;Pays", "Association Fès;Club sportif;Maroc", encoding="cp1252"),
                            "Unknown kind of actor: Club sportif"),
}


def rewrite_xlsx(base: bytes, replace: dict[str, bytes | None] | None = None, extra: int = 0,
                 inflate: int = 0) -> bytes:
    """``base`` with some parts replaced (``None`` keeps it), ``extra`` tiny parts added and a
    part of ``inflate`` zero bytes (a few kilobytes compressed): spreadsheet bombs, kept small."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename) or src.read(item.filename))
        for n in range(extra):
            dst.writestr(f"xl/media/part{n}.xml", b"<x/>")
        if inflate:
            dst.writestr("xl/media/padding.bin", b"\0" * inflate)
    return out.getvalue()


def sheet(rows: str, dimension: str = "") -> bytes:
    """A worksheet's XML around ``rows`` (inline strings), with an optional declared dimension."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}>{dim}<sheetData>{rows}</sheetData></worksheet>'
    return xml.encode()


def row(*cells: str) -> str:
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>"


SHEET = "xl/worksheets/sheet1.xml"
BASE = xlsx([["name", "kind", "country"], ["Association X", "ngo", "MA"]])
HEADER_ROW = row("name", "kind", "country")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          + '<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')

# Spreadsheet bombs and other limits (issue 11): each refused with a message naming the limit.
FILES |= {
    "xlsx_declares_10m_cells.xlsx": (rewrite_xlsx(BASE, {SHEET: sheet(HEADER_ROW + row("Association X", "ngo", "MA"),
                                                                      "A1:J1000000")}), "declares 1,000,000 rows"),
    "xlsx_entity_bomb.xlsx": (rewrite_xlsx(BASE, {SHEET: LAUGHS.encode()}), "XML entity declarations"),
    "xlsx_too_many_rows.xlsx": (rewrite_xlsx(BASE, {SHEET: sheet(HEADER_ROW + row("Association X", "ngo", "MA")
                                                                 * 100_010)}), "More than 100,000 rows"),
    "xlsx_inflates_to_60_mb.xlsx": (rewrite_xlsx(BASE, inflate=60 * 2 ** 20), "once unpacked"),
    "xlsx_too_many_parts.xlsx": (rewrite_xlsx(BASE, extra=600), "parts"),
    "xlsx_wide_row.xlsx": (rewrite_xlsx(BASE, {SHEET: sheet(HEADER_ROW + row(*(["x"] * 300)))}), "300 columns"),
    "xlsx_long_cell.xlsx": (rewrite_xlsx(BASE, {SHEET: sheet(HEADER_ROW + row("y" * 40_000, "ngo", "MA"))}),
                            "40,000 characters"),
    "csv_too_many_columns.csv": (csv(",".join(f"c{i}" for i in range(300)), ",".join("x" * 300)), "300 columns"),
    "csv_cell_too_long.csv": (csv(HEAD, "Association X,ngo,MA," + "z" * 40_000), "40,000 characters"),
    "csv_blank_line_flood.csv": (csv(HEAD) + b"\n" * 120_000, "More than 100,000 rows"),
    "invalid_date.csv": (csv("name,kind,country,start", "Association X,ngo,MA,2021-13-45"), "Not a date"),
    "region_code_unknown.csv": (csv("name,kind,country,region_code", "Association X,ngo,MA,MA-99"),
                                "Unknown region code: MA-99"),
    "region_of_another_country.csv": (csv("name,kind,country,region_code", "Association X,ngo,MA,SN-DK"),
                                      "Unknown region code: SN-DK"),
    "id_with_slashes.csv": (csv("id,name,kind,country", "../../etc/passwd,Association X,ngo,MA"), "Not a usable id"),
    "id_with_markup.csv": (csv("id,name,kind,country", "[x](https://evil.example),Association X,ngo,MA"),
                           "Not a usable id"),
}


def zip_without_sheet() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "no workbook here")
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    FILES["zip_without_sheet.xlsx"] = (zip_without_sheet(), FILES["zip_without_sheet.xlsx"][1])
    expected = {}
    for name, (content, phrase) in FILES.items():
        (OUT / name).write_bytes(content)
        expected[name] = phrase
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(FILES)} bad files in {OUT.relative_to(OUT.parent.parent.parent)}")


if __name__ == "__main__":
    main()
