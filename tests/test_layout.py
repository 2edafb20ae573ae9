"""The architecture the design card fixes: SQL only in mapping/store/, no streamlit in mapping/, thin pages."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_mapping_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "mapping").rglob("*.py") if "streamlit" in _imports(p)]
    assert not offenders


def test_only_store_speaks_sql():
    offenders = []
    for path in [*ROOT.glob("mapping/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        if SQL.search(path.read_text(encoding="utf-8")) or "duckdb" in _imports(path):
            offenders.append(path.name)
    assert not offenders


def test_pages_are_thin():
    for path in ROOT.glob("pages/*.py"):
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.strip().startswith("#")]
        assert len(lines) < 200, f"{path.name} has {len(lines)} lines: move logic to mapping/"


def test_every_page_runs_inside_app_py():
    # See pages/_ui.py:ensure_app — without it a deep link opens a page without the sidebar.
    for path in ROOT.glob("pages/*.py"):
        if path.name.startswith("_"):
            continue
        assert "_ui.ensure_app()" in path.read_text(encoding="utf-8"), path.name
