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
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.strip().startswith("#")]
        assert len(lines) < 200, f"{path.name} has {len(lines)} lines: move logic to mapping/"


def test_every_page_runs_inside_app_py():
    # See pages/_ui.py:ensure_app — without it a deep link opens a page without the sidebar.
    for path in ROOT.glob("pages/*.py"):
        if path.name.startswith("_"):
            continue
        assert "_ui.ensure_app()" in path.read_text(encoding="utf-8"), path.name


def _callbacks(tree: ast.AST) -> list[tuple[str, str | None, int]]:
    """``(name, module or None, line)`` of every named function passed as on_click/on_change."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in ("on_click", "on_change", "on_submit"):
                    if isinstance(kw.value, ast.Name):
                        found.append((kw.value.id, None, node.lineno))
                    elif isinstance(kw.value, ast.Attribute) and isinstance(kw.value.value, ast.Name):
                        found.append((kw.value.attr, kw.value.value.id, node.lineno))
    return found


def _guarded_functions(path: Path) -> tuple[set[str], set[str]]:
    """Functions defined in ``path``, and those decorated with ``guarded`` / ``_ui.guarded``."""
    defined, guarded = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            defined.add(node.name)
            names = {d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else ""
                     for d in node.decorator_list}
            if "guarded" in names:
                guarded.add(node.name)
    return defined, guarded


def test_every_callback_catches_user_errors():
    """A callback runs before the page: an exception there is a traceback for the user. Every named
    callback is wrapped by ``guarded``, which shows a :class:`mapping.errors.UserError` as its message
    (lambdas that only set session state are exempt)."""
    missing = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, module, line in _callbacks(tree):
            source = path if module is None else ROOT / "pages" / f"{module}.py"
            if not source.exists():
                continue  # e.g. st.session_state.update: not a function of ours
            defined, guarded = _guarded_functions(source)
            if name in defined and name not in guarded:
                missing.append(f"{path.name}:{line} {name}")
    assert not missing, f"callbacks not wrapped by guarded: {missing}"


#: Widgets that show text as it is (no Markdown): escaping for Markdown there shows backslashes.
_PLAIN_TEXT = {"dataframe", "table", "data_editor", "selectbox", "multiselect", "text_input", "text_area"}


def test_text_escaped_for_markdown_never_reaches_a_plain_text_widget():
    """``escape`` (mapping.present) is for Markdown; a table cell or an option shows its backslashes:
    "Al-Amal" would read "Al\\-Amal"."""
    found = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and func.attr in _PLAIN_TEXT:
                for part in ast.walk(node):
                    if (isinstance(part, ast.Call) and getattr(part.func, "attr", getattr(part.func, "id", None))
                            == "escape"):
                        found.append(f"{path.name}:{part.lineno} st.{func.attr}")
    assert not found, found
