"""mapping.foliumx, the adapter to folium's internals: pinned to the locked folium and branca, and
checked through both ways a map is turned into a page (branca's render, streamlit-folium's own)."""
from __future__ import annotations

import re
from pathlib import Path

import branca
import folium
import pytest

from mapping import foliumx

ROOT = Path(__file__).resolve().parent.parent


def _locked(name: str) -> str:
    [version] = re.findall(rf"^{name}==(\S+)$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)
    return version


def test_the_adapter_is_written_for_the_locked_folium_branca_and_streamlit_folium():
    """Upgrading folium, branca or streamlit-folium in the lock fails here: re-read foliumx's
    docstring (what it relies on), check those internals in the new version, then change the
    versions it names."""
    from importlib.metadata import version

    locked = (_locked("folium"), _locked("branca"), _locked("streamlit-folium"))
    assert (foliumx.FOLIUM_VERSION, foliumx.BRANCA_VERSION, foliumx.STREAMLIT_FOLIUM_VERSION) == locked
    assert (folium.__version__, branca.__version__, version("streamlit-folium")) == locked


def _map_with_calls() -> tuple[folium.Map, foliumx.Call, foliumx.LayerCall]:
    m = folium.Map(tiles=None)
    base = foliumx.Call("AtlasMap.outlines", {"regions": foliumx.JSON('{"type":"FeatureCollection"}')},
                        name="Outlines", js_files=["atlas_regions"])
    base.add_to(m)
    layer = foliumx.LayerCall("AtlasMap.regionLayer", {"text": "</script><b>"}, refs=[base], name="RegionLayer",
                              layer_name="Regions", js_files=["atlas_regions"], css_files=["some_css"])
    layer.add_to(m)
    return m, base, layer


def test_a_call_renders_one_statement_naming_its_map_and_references():
    m, base, layer = _map_with_calls()
    page = m.get_root().render()
    assert f"var {base.get_name()} = AtlasMap.outlines({m.get_name()}, " in page
    assert foliumx.calls(page, "AtlasMap.regionLayer") == [([m.get_name(), base.get_name()], {"text": "</script><b>"})]
    assert "</script><b>" not in page  # the JSON cannot close its element
    assert f"{layer.get_name()}.addTo({m.get_name()});" in page and f"{base.get_name()}.addTo(" not in page
    # Each declared file becomes one link in the head (offline() later points it at static/).
    assert page.count('src="atlas_regions"') == 1 and 'href="some_css"' in page


def test_a_hidden_layer_is_listed_in_the_layer_control_but_not_added():
    m, _, layer = _map_with_calls()
    layer.show = False
    folium.LayerControl().add_to(m)
    page = m.get_root().render()
    assert f'"Regions" : {layer.get_name()}' in page and f"{layer.get_name()}.addTo(" not in page


def test_streamlit_folium_renders_the_same_calls_with_its_own_names():
    """streamlit-folium renders each element's script macro itself, after renaming elements: the
    calls must come out whole, and a reference must follow its element's new name."""
    from streamlit_folium import generate_leaflet_string

    m, base, layer = _map_with_calls()
    script = generate_leaflet_string(m)
    [(passed, options)] = foliumx.calls(script, "AtlasMap.regionLayer")
    assert options == {"text": "</script><b>"}
    outlines = re.search(r"var (\w+) = AtlasMap\.outlines\(", script).group(1)
    assert passed == ["map_div", outlines]
    assert re.search(rf"var (\w+) = AtlasMap\.regionLayer\(map_div, {outlines}, ", script)


def test_children_walk_and_assets():
    m, base, layer = _map_with_calls()
    assert foliumx.children(m)[-2:] == [base, layer] and layer in list(foliumx.walk(m))
    foliumx.localise_assets(m, lambda name, url: None if name == "some_css" else f"/static/{name}.js")
    page = m.get_root().render()
    assert 'src="/static/atlas_regions.js"' in page and "some_css" not in page


def test_inline_assets_keeps_scripts_closed_and_drops_unknown_ones():
    page = ('<head><script src="a.js"></script><link rel="stylesheet" href="b.css"/>'
            '<script src="https://cdn.example.org/x.js"></script></head>')
    texts = {"a.js": "if (a </script> b) {}", "b.css": "p{color:red}"}
    out = foliumx.inline_assets(page, lambda url: (url, texts[url]) if url in texts else None)
    assert out == ("<head><script>/* a.js */\nif (a <\\/script> b) {}\n</script>"
                   "<style>/* b.css */\np{color:red}\n</style></head>")


@pytest.mark.parametrize("value", [{"a": 1}, ["x", None], "text"])
def test_js_is_json(value):
    import json

    assert json.loads(foliumx.js(value)) == value
