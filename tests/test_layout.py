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


# -- the map's JavaScript and folium's internals (mapping/foliumx.py is their one home) ------------------
ADAPTER = ROOT / "mapping" / "foliumx.py"
# What marks JavaScript in a string: a script element, a function, a declaration, Leaflet, the DOM.
JS = re.compile(r"<script|\bfunction\s*\(|=>|\b(?:var|let|const)\s+\w+\s*=|\bL\.[A-Za-z]+\s*\(|\.addTo\s*\("
                r"|\b(?:document|window)\.\w")


def _folium_private_names() -> set[str]:
    """Every underscore attribute of folium's and branca's elements (``_children``, ``_template``,
    ``_parent``, ``_name``, ``_id``…), read from the installed libraries, not listed by hand."""
    import branca.element
    import folium
    from folium.elements import JSCSSMixin
    from folium.map import Layer

    m = folium.Map(tiles=None)
    folium.GeoJson({"type": "FeatureCollection", "features": []}).add_to(m)
    m.get_root().render()
    names = {n for element in (m, m.get_root(), *m._children.values()) for n in vars(element)}
    for cls in (branca.element.Figure, branca.element.MacroElement, folium.Map, Layer, JSCSSMixin, folium.GeoJson):
        names |= {n for c in cls.__mro__ if c.__module__.split(".")[0] in ("folium", "branca") for n in vars(c)}
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _mapping_modules_but_the_adapter() -> list[Path]:
    return [p for p in sorted((ROOT / "mapping").rglob("*.py")) if p != ADAPTER]


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, text)`` of every string literal (f-string parts included), docstrings excepted."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_folium_internals_are_touched_only_by_the_adapter():
    """folium's and branca's private parts (underscore attributes, templates, branca's elements,
    folium's submodules) are used in mapping/foliumx.py only, so a folium upgrade is checked there
    (tests/test_foliumx.py pins the version)."""
    private = _folium_private_names()
    assert {"_children", "_template", "_parent", "_name"} <= private  # the list is read, not empty
    offenders = []
    for path in _mapping_modules_but_the_adapter():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.Import):
                offenders += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names
                              if a.name.split(".")[0] == "branca" or a.name.startswith("folium.")]
            elif isinstance(node, ast.ImportFrom) and node.module and (
                    node.module.split(".")[0] == "branca" or node.module.startswith("folium.")):
                offenders.append(f"{path.name}:{node.lineno} from {node.module}")
    assert not offenders, f"folium internals outside mapping/foliumx.py: {offenders}"


def test_the_map_javascript_lives_in_static_files():
    """No JavaScript in Python strings under mapping/ but the adapter's one call template: the
    map's code is in static/atlas/*.js, served by the app and inlined into standalone exports."""
    offenders = []
    for path in _mapping_modules_but_the_adapter():
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if JS.search(text):
                offenders.append(f"{path.name}:{line} {text.strip()[:60]!r}")
    assert not offenders, f"JavaScript in Python strings (move it to static/atlas/): {offenders}"
