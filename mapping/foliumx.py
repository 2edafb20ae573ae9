"""The one place that touches folium's and branca's internals (written against folium 0.20.0,
branca 0.8.2 and streamlit-folium 0.27.4, the versions in the lock; ``tests/test_foliumx.py``
fails on any other).

The map builders (:mod:`mapping.maps`) use folium's public API and these helpers; the atlas's own
map JavaScript lives in ``static/atlas/*.js`` and is reached through :class:`Call` and
:class:`LayerCall`, elements whose whole script is one call of a function from those files with
JSON arguments. What is relied on, and why:

- ``_template`` with a ``script`` macro, ``_name``, ``_parent`` and ``get_name()``: how a
  ``MacroElement`` names its JavaScript variable and its map. streamlit-folium does not call
  ``render()``: it calls each element's ``_template.module.script(element)`` itself, after renaming
  elements, so a call's script must be that macro and names are read when it runs.
- ``_children``: an element's children (branca has no public accessor).
- ``get_root().header`` / ``.script``: the page's head and script sections.
- ``JSCSSMixin.default_js`` / ``default_css``: the ``(name, url)`` assets an element declares.
- ``MacroElement.render`` wraps each rendered script in ``Element(text)``, which compiles the
  text as a Jinja template: :class:`Text` skips that for large scripts.
- folium renders an asset as ``<script src="…">`` / ``<link … href="…"/>`` in the page's head
  (:func:`inline_assets`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

#: The versions whose internals this module was written against (streamlit-folium: how it renders
#: an element's script, see above).
FOLIUM_VERSION, BRANCA_VERSION, STREAMLIT_FOLIUM_VERSION = "0.20.0", "0.8.2", "0.27.4"


class JSON(str):
    """Text that is JSON already (e.g. geometry serialised once per process): :func:`js` puts it
    into a literal as it is, without decoding and encoding it again."""


def js(value: object) -> str:
    """``value`` as a compact JavaScript literal that is safe inside a ``<script>`` element.

    A :class:`JSON` value, or one in a dict, is taken as is.

    >>> js({"a": "</script>", "b": JSON('[1, "</b>"]')})
    '{"a":"<\\\\/script>","b":[1, "<\\\\/b>"]}'
    """
    if isinstance(value, JSON):
        text = str(value)
    elif isinstance(value, dict) and any(isinstance(v, JSON) for v in value.values()):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{js(v)}" for k, v in value.items()) + "}"
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot close the script: texts are escaped already, this guards the JSON itself.
    return text.replace("</", "<\\/")


def children(element: Element) -> list[Element]:
    """The direct children of ``element`` (a map's layers, controls…), in drawing order."""
    return list(element._children.values())


def walk(element: Element) -> Iterator[Element]:
    """``element`` and all its descendants."""
    yield element
    for child in children(element):
        yield from walk(child)


def localise_assets(m: Element, resolve: Callable[[str, str], str | None]) -> None:
    """Replace every JS/CSS asset ``(name, url)`` that ``m`` and its descendants declare by
    ``resolve(name, url)`` (dropped when it returns None). Set on each instance: folium's class
    defaults stay intact."""
    for element in walk(m):
        if isinstance(element, JSCSSMixin):
            for attr in ("default_js", "default_css"):
                local = [(name, url) for name, url in
                         ((name, resolve(name, url)) for name, url in getattr(element, attr)) if url]
                setattr(element, attr, local)


def add_style(m: folium.Map, css: str) -> None:
    """Add a ``<style>`` sheet to the head of ``m``'s page."""
    root = m.get_root()
    assert isinstance(root, Figure)  # a map's root is its page
    root.header.add_child(Element(f"<style>{css}</style>"))


class Text(Element):
    """Text rendered as is (``Element(text)`` would lex hundreds of kilobytes of JSON as Jinja)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


# ``var <name> = <function>(<map>, <referenced elements>…, <options>);`` — named when the script is
# rendered (streamlit-folium renames elements first); a layer added to the map when shown.
_CALL = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.function }}({{ this._parent.get_name() }}
{%- for ref in this.refs %}, {{ ref.get_name() }}{% endfor %}, {{ this.options }});
{%- if this.add %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{%- endif %}
{% endmacro %}
""")


class _CallMixin(MacroElement):
    """What :class:`Call` and :class:`LayerCall` share: the call's template, and a render that
    hands the (possibly large) script to the page as :class:`Text`."""

    _template = _CALL
    function: str
    refs: tuple[Element, ...]
    options: str

    def _setup(self, function: str, name: str, options: Any, refs: Iterable[Element], js_files: Iterable[str],
               css_files: Iterable[str]):
        self._name = name
        self.function, self.refs, self.options = function, tuple(refs), js(options)
        # Instance attributes: each call declares its own files, by asset name (see maps.ASSETS:
        # maps.offline turns each name into the address it is served at).
        self.default_js = [(f, f) for f in js_files]
        self.default_css = [(f, f) for f in css_files]

    @property
    def add(self) -> bool:
        return bool(getattr(self, "show", False))

    def render(self, **kwargs):
        root = self.get_root()
        root.script.add_child(Text(self._template.module.__dict__["script"](self, kwargs)), name=self.get_name())
        for child in children(self):
            child.render(**kwargs)


class Call(JSCSSMixin, _CallMixin, MacroElement):
    """An element whose script is ``function(map, *refs, options)`` — a control, a behaviour.

    Parameters
    ----------
    function : str
        A function of the atlas's map JavaScript, e.g. ``"AtlasMap.legend"``.
    options : JSON-serialisable
        Its last argument.
    name : str
        Prefix of the element's JavaScript variable.
    refs : elements
        Elements of the same map passed (by their variable) before ``options``.
    js_files, css_files : asset names
        The files defining ``function``, the stylesheets it needs (see ``mapping.maps.ASSETS``).

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> _ = Call("AtlasMap.legend", {"html": "<b>x</b>"}, name="Legend", js_files=["atlas_controls"]).add_to(m)
    >>> page = m.get_root().render()
    >>> re.search(r"var legend_\\w+ = AtlasMap.legend\\(map_\\w+, (.*)\\);", page).group(1)
    '{"html":"<b>x<\\\\/b>"}'
    """

    def __init__(self, function: str, options: Any, *, name: str, refs: Iterable[Element] = (),
                 js_files: Iterable[str] = (), css_files: Iterable[str] = ()):
        super().__init__()
        self._setup(function, name, options, refs, js_files, css_files)


class LayerCall(JSCSSMixin, _CallMixin, Layer):
    """A :class:`Call` whose result is a Leaflet layer: listed in the layer control under
    ``layer_name``, added to the map when ``show``."""

    def __init__(self, function: str, options: Any, *, name: str, layer_name: str, refs: Iterable[Element] = (),
                 js_files: Iterable[str] = (), css_files: Iterable[str] = (), show: bool = True):
        super().__init__(name=layer_name, overlay=True, control=True, show=show)
        self._setup(function, name, options, refs, js_files, css_files)


def calls(page: str, function: str) -> list[tuple[list[str], Any]]:
    """Every call of ``function`` in a rendered page: ``(variables passed, options decoded)``.

    For tests and benchmarks reading what a map sends to the browser.

    >>> calls('var x_1 = AtlasMap.f(map_2, y_3, {"a":"<\\\\/b>"});', "AtlasMap.f")
    [(['map_2', 'y_3'], {'a': '</b>'})]
    """
    found = []
    # The options are compact JSON on one line: ");" followed by a line end cannot occur inside it.
    for match in re.finditer(re.escape(function) + r"\(((?:\w+, )+)(.*?)\);$", page, re.M):
        found.append(([v for v in match.group(1).split(", ") if v],
                      json.loads(match.group(2).replace("<\\/", "</"))))
    return found


def inline_assets(page: str, load: Callable[[str], tuple[str, str] | None]) -> str:
    """``page`` (a rendered map) with each asset element — ``<script src>`` or stylesheet
    ``<link href>`` — replaced by the text ``load(url)`` gives as ``(label, text)`` (inlined as a
    ``<script>`` or ``<style>`` headed by ``/* label */``), or removed when it gives None.

    >>> inline_assets('<script src="a.js"></script><link rel="stylesheet" href="b.css"/>',
    ...               lambda url: (url, "x('</script>')") if url == "a.js" else None)
    "<script>/* a.js */\\nx('<\\\\/script>')\\n</script>"
    """
    def replace(match: re.Match) -> str:
        found = load(match.group("url"))
        if found is None:
            return ""
        label, text = found
        if match.group(0).startswith("<link"):
            return f"<style>/* {label} */\n{text}\n</style>"
        # Nothing in the code may close its element.
        return f"<script>/* {label} */\n{text.replace('</script', chr(60) + chr(92) + '/script')}\n</script>"

    page = re.sub(r'<script[^>]*\bsrc="(?P<url>[^"]+)"[^>]*>\s*</script>', replace, page)
    return re.sub(r'<link[^>]*\bhref="(?P<url>[^"]+)"[^>]*/?>', replace, page)
