"""Benchmark of spreadsheet limits: ``python -m mapping bench bombs [--cap-mb N] [--cap-s N]``.

Each hostile upload (the spreadsheet bombs of ``tests/data/bad/`` plus a 3-million-row XLSX made
here in a temporary folder) is read in a child process, once by the atlas's reader
(:func:`mapping.importer.read_rows`, limits checked before and while loading) and once the naive
way (openpyxl's streaming reader on the whole file, which is what the atlas did before), each
child capped in memory and time so the baseline cannot take the machine down. Printed per file:
seconds and peak memory (MB) of each, and what the atlas answered. Target: every refusal under
2 s and 200 MB.
"""
from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import resource
import tempfile
import time
import zipfile
from pathlib import Path

BAD = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"
BOMBS = ("xlsx_declares_10m_cells.xlsx", "xlsx_entity_bomb.xlsx", "xlsx_too_many_rows.xlsx",
         "xlsx_inflates_to_60_mb.xlsx", "xlsx_too_many_parts.xlsx", "xlsx_wide_row.xlsx", "xlsx_long_cell.xlsx",
         "csv_too_many_columns.csv", "csv_cell_too_long.csv", "csv_blank_line_flood.csv")


def _rows_3m(path: Path) -> None:
    """An XLSX of 3,000,000 short rows and no declared dimension (about 2 MB compressed)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    row = b'<row><c t="inlineStr"><is><t>Association X</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} xmlns:r="http://schemas.openxmlformats'
                   '.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0"?><worksheet {ns}><sheetData>'.encode())
            for _ in range(3000):
                fh.write(row * 1000)
            fh.write(b"</sheetData></worksheet>")


def _child(way: str, path: str, cap_mb: int, cap_s: int, out: mp.Queue) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 2 ** 20, cap_mb * 2 ** 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cap_s, cap_s + 1))
    data = Path(path).read_bytes()
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    try:
        if way == "atlas":
            from mapping.importer import FileProblem, read_rows

            try:
                answer = f"{len(read_rows(data, Path(path).name))} rows read"
            except FileProblem as exc:
                answer = f"refused: {exc}"
        elif path.endswith(".xlsx"):
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            answer = f"{sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))} rows read"
        else:
            import csv

            answer = f"{sum(1 for _ in csv.reader(io.StringIO(data.decode('utf-8', 'replace'))))} rows read"
    except BaseException as exc:  # noqa: BLE001  the cap is the point: report what hit it
        answer = f"{type(exc).__name__} {str(exc)[:60]}"
    seconds = time.perf_counter() - t0
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024
    out.put((seconds, peak, answer))


def _measure(way: str, path: Path, cap_mb: int, cap_s: int) -> tuple[float, float, str]:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=_child, args=(way, str(path), cap_mb, cap_s, out))
    t0 = time.perf_counter()
    proc.start()
    proc.join(cap_s + 5)
    if proc.is_alive():
        proc.kill()
        return time.perf_counter() - t0, float("nan"), f"killed after {cap_s + 5} s"
    return out.get() if not out.empty() else (time.perf_counter() - t0, float("nan"), f"died ({proc.exitcode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench bombs", description=__doc__)
    parser.add_argument("--cap-mb", type=int, default=1500, help="memory cap of each child (MB)")
    parser.add_argument("--cap-s", type=int, default=30, help="CPU-time cap of each child (s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "xlsx_3m_rows.xlsx"
        _rows_3m(big)
        files = [BAD / name for name in BOMBS] + [big]
        print(f"{'file':32} {'atlas s':>8} {'atlas MB':>9} {'naive s':>8} {'naive MB':>9}  atlas answer / naive answer")
        results = {}
        for path in files:
            a = _measure("atlas", path, args.cap_mb, args.cap_s)
            n = _measure("naive", path, args.cap_mb, args.cap_s)
            results[path.name] = {"atlas": a, "naive": n}
            print(f"{path.name:32} {a[0]:8.2f} {a[1]:9.0f} {n[0]:8.2f} {n[1]:9.0f}  {a[2][:70]} / {n[2][:50]}")
        worst = max(r["atlas"][0] for r in results.values()), max(r["atlas"][1] for r in results.values())
        print(f"slowest atlas refusal {worst[0]:.2f} s, largest peak {worst[1]:.0f} MB (target < 2 s, < 200 MB)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
