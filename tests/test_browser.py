"""Real-browser test: headless Debian Chromium driven by Playwright, with every request that
is not for localhost blocked, so a page that needs the internet fails here."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from atlas_servers import free_port, wait_healthy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CURATOR_PASSWORD = "browser passphrase"
#: A presenter's three views: a map zoomed on a selected actor, a zoomed network, a filtered map.
PRESENTER_TOUR = {"name": "Zoom and selection", "steps": [
    {"title": "Oujda", "page": "map", "params": {"view": "34.68,-1.91,9", "actor": "commune-oujda"},
     "caption": "Oujda, selected"},
    {"title": "GIZ", "page": "network", "params": {"mode": "ego", "ego": "giz", "actor": "giz", "zoom": "3"},
     "caption": "GIZ and its partners"},
    {"title": "Senegal", "page": "map", "params": {"country": "SN"}, "caption": "The actors in Senegal"},
]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium)")
    db = tmp_path_factory.mktemp("browser") / "atlas.duckdb"
    # The account exists before the app opens the file (one process holds a DuckDB file).
    from mapping.seed import init_database

    store = init_database(str(db))
    curator = store.add_user("curator", CURATOR_PASSWORD, "curator", "Browser Curator", trusted=True)
    store.save_tour({"name": "Webinar", "steps": [
        {"title": "Senegal", "page": "map", "params": {"country": "SN"}, "caption": "The actors in Senegal"},
        {"title": "RECOSA", "page": "network", "params": {"mode": "project", "graph_project": "recosa"}},
    ]}, user=curator)
    store.save_tour(PRESENTER_TOUR, user=curator)
    store.close()
    port = free_port()
    env = dict(os.environ, ATLAS_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 90, log=log.name)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page whose non-localhost requests are blocked and recorded in ``page.blocked``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "file:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.blocked = blocked
    yield pg
    context.close()


def open_view(page, url: str):
    """Open ``url`` and wait until Streamlit has finished running the script. The ready state can
    show before the first run starts, so callers then wait for the content they expect."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(READY, timeout=60_000)
    return page


def snap(page, name: str) -> None:
    """Save a full-page screenshot under tests/screenshots (gitignored) for a human to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_directory_page(server, page):
    open_view(page, server + "/?lang=en")
    page.get_by_text("Directory of actors").wait_for()
    page.get_by_text("actors", exact=False).first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    snap(page, "directory")
    assert page.blocked == [], page.blocked


def test_directory_row_opens_its_file_and_the_link_survives_reload(server, page):
    from mapping.filters import Filters
    from mapping.seed import init_database

    n = init_database(":memory:").count_actors(Filters(countries=("SN",)))  # same seed as the server's database
    open_view(page, server + "/?lang=en&country=SN")  # the Directory is the default page: /directory is "not found"
    page.get_by_text(f"{n} actors").wait_for()
    table = page.locator("[data-testid='stDataFrame']").nth(2)
    # The grid is a canvas; its rows also exist as an accessible table (what a screen reader
    # uses). Select the first row the keyboard's way: its first cell takes the grid's focus,
    # Shift+Space selects the row — no coordinates, nothing that depends on the layout.
    first = table.locator("[data-testid='glide-cell-1-0']")
    first.wait_for(state="attached")
    page.wait_for_selector(READY, timeout=60_000)  # a rerun still drawing the table would drop the focus
    name = first.text_content()
    first.focus()
    from playwright.sync_api import expect

    expect(first).to_be_focused()
    page.keyboard.press("Shift+Space")
    page.wait_for_url("**/actor?**", timeout=60_000)
    assert "actor=" in page.url
    page.get_by_role("heading", name=name).first.wait_for()  # that row's file
    page.wait_for_selector(READY)
    title = page.locator("h1").first.inner_text()
    page.reload()
    page.wait_for_selector(READY)
    assert page.locator("h1").first.inner_text() == title
    assert page.blocked == []


def test_organisation_file_deep_link(server, page):
    open_view(page, server + "/actor?actor=commune-oujda&lang=en")
    page.get_by_role("heading", name="Oujda").first.wait_for()
    page.get_by_text("Partners").first.wait_for()
    snap(page, "actor")
    assert page.blocked == [], page.blocked


#: Every word of the title, as the lines it is drawn on: a word split across two lines has two tops.
TITLE_WORD_LINES = """() => {
    const h = document.querySelector('.st-key-actor_header h1');
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT), words = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
            const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
            words.push([m[0], tops.size]);
        }
    }
    return [words, h.scrollWidth <= h.clientWidth + 1];
}"""


@pytest.mark.parametrize("actor", ["bmz", "giz"])
def test_a_long_title_wraps_between_words_on_a_phone(server, page, actor):
    """The seed's names with the longest words (Bundesministerium, Zusammenarbeit) on a 390 px phone:
    each word of the title on one line, the title no wider than its box."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_view(page, server + f"/actor?actor={actor}&lang=en")
    page.locator(".st-key-actor_header h1").wait_for()
    page.wait_for_selector(READY, timeout=60_000)
    # The title's sizing rule is Markdown, drawn once Streamlit's Markdown renderer has loaded (it
    # can come just after the heading on a first visit).
    page.wait_for_selector("style.atlas-title-css", state="attached")
    words, fits = page.evaluate(TITLE_WORD_LINES)
    assert len(words) >= 6 and any(len(w) >= 14 for w, _ in words), words  # the long real names
    assert [w for w, lines in words if lines != 1] == [], words
    assert fits
    assert page.blocked == [], page.blocked


@pytest.mark.parametrize("path, name, message", [
    ("partners?", None, "Choose an organisation, or at least a theme or a region."),
    ("?q=zzqqxx&", None, "No actor matches these filters."),
    ("network?q=zzqqxx&", None, "No actor matches these filters."),
    ("actor?actor=giz&", "Internationale Zusammenarbeit", None)])
def test_presenter_mode_keeps_its_title_bar_and_the_files_name(server, page, path, name, message):
    """A page that ends early (Find partners before a choice, no actor matching the filters) still
    gets presenter mode's title bar,
    and the organisation file keeps its name (the bar names only the page)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_view(page, server + f"/{path}lang=en&present=1")
    page.locator(".atlas-titlebar").wait_for()
    page.wait_for_selector(READY, timeout=60_000)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    if name:
        page.wait_for_selector("style.atlas-title-css", state="attached")
        page.locator(".st-key-actor_header h1", has_text=name).wait_for()
    else:
        page.get_by_text(message).wait_for()
    assert page.blocked == [], page.blocked


def test_unknown_actor_message(server, page):
    open_view(page, server + "/actor?actor=nope&lang=en")
    page.get_by_text("No published organisation file").wait_for()
    assert page.blocked == []


def test_about_page(server, page):
    open_view(page, server + "/about?lang=fr")
    page.get_by_role("heading", name="Documents sources").wait_for()
    snap(page, "about")
    assert page.blocked == [], page.blocked


def test_network_page_draws_the_graph_offline(server, page):
    open_view(page, server + "/network?lang=en")
    chart = page.locator(".atlas-network canvas").first
    chart.wait_for()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    # The chart must have painted something: a blank canvas is a single colour.
    colours = page.evaluate(
        """() => { const c = document.querySelector(".atlas-network canvas");
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set();
                   for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3]);
                   return seen.size; }""")
    assert colours > 5, colours
    page.get_by_text("Metrics").first.wait_for()
    snap(page, "network")
    assert page.blocked == [], page.blocked


def _network_settled(page) -> None:
    """The Network page's graph is drawn with its latest option, at its element's size (the page
    around it can change its width, a scroll bar appearing), and no animation is under way."""
    page.wait_for_function("""() => { const el = document.querySelector('.atlas-network');
                                       const chart = el && window.echarts && echarts.getInstanceByDom(el);
                                       return chart && el.dataset.drawn && el.dataset.settled === el.dataset.drawn
                                              && chart.getWidth() === el.clientWidth
                                              && chart.getHeight() === el.clientHeight; }""",
                           timeout=60_000)


def _node_point(page, name: str, *, in_picture: bool = False) -> tuple[float, float]:
    """Where node ``name`` is drawn in the window, or in the picture (from its top left corner, so a
    page scrolling meanwhile does not count): ECharts' own conversion of its coordinates."""
    return tuple(page.evaluate(
        """([name, inPicture]) => { const el = document.querySelector('.atlas-network'), chart = echarts.getInstanceByDom(el);
                       const node = chart.getOption().series[0].data.find(n => n.name === name);
                       const [x, y] = chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
                       const box = el.getBoundingClientRect();
                       return inPicture ? [x, y] : [box.left + x, box.top + y]; }""", [name, in_picture]))


def _clear_node(page) -> str:
    """The name of a node no other node or label covers: none within 40 px of it, and none to its
    left on its line whose label (drawn to the right of its node) could reach over it."""
    return page.evaluate(
        """() => { const chart = echarts.getInstanceByDom(document.querySelector('.atlas-network'));
                   const nodes = chart.getOption().series[0].data.map(n => {
                       const [x, y] = chart.convertToPixel({seriesIndex: 0}, [n.x, n.y]); return {name: n.name, x, y}; });
                   const box = document.querySelector('.atlas-network').getBoundingClientRect();
                   const clear = nodes.filter(a => a.x > 200 && a.x < box.width - 20 && a.y > 40 && a.y < box.height - 40
                       && nodes.every(b => b === a || (Math.hypot(a.x - b.x, a.y - b.y) > 40
                                                      && !(Math.abs(a.y - b.y) < 16 && a.x > b.x && a.x - b.x < 260))));
                   return clear.length ? clear[0].name : null; }""")


def test_a_click_on_a_network_node_selects_that_actor(server, page):
    open_view(page, server + "/network?lang=en&context=0")  # actors only: every node can be selected
    _network_settled(page)
    page.wait_for_selector(READY, timeout=60_000)  # no run under way that could move the picture
    name = _clear_node(page)
    assert name, "no node stands clear of the others"
    x, y = _node_point(page, name)
    page.mouse.click(x, y)
    page.wait_for_function("() => new URLSearchParams(location.search).has('actor')")
    page.get_by_role("link", name="Open its organisation file").wait_for()
    # The run after the click draws the selection marked, from the page's option.
    page.wait_for_function("""(name) => { const chart = echarts.getInstanceByDom(document.querySelector('.atlas-network'));
                                           const node = chart.getOption().series[0].data.find(n => n.name === name);
                                           return node.itemStyle && node.itemStyle.borderWidth === 3; }""", arg=name)
    assert page.blocked == [], page.blocked


def _network_view(page) -> list[float]:
    """The picture's centre (x, y, in the option's coordinates) and zoom, as ECharts holds them."""
    return page.evaluate("""() => { const s = echarts.getInstanceByDom(document.querySelector('.atlas-network'))
                                                .getOption().series[0];
                                     return s.center ? [s.center[0], s.center[1], s.zoom] : [null, null, s.zoom || 1]; }""")


def _picture_size(page) -> list[int]:
    return page.evaluate("() => { const el = document.querySelector('.atlas-network');"
                         " return [el.clientWidth, el.clientHeight]; }")


def _empty_point(page) -> tuple[float, float]:
    """A point of the picture far from every node (a press there drags the picture, selects nothing)."""
    return tuple(page.evaluate(
        """() => { const el = document.querySelector('.atlas-network'), chart = echarts.getInstanceByDom(el);
                   const pts = chart.getOption().series[0].data.map(n => chart.convertToPixel({seriesIndex: 0}, [n.x, n.y]));
                   const box = el.getBoundingClientRect(); let best = null, far = -1;
                   for (let x = box.width * 0.3; x < box.width * 0.9; x += 20)
                     for (let y = box.height * 0.2; y < box.height * 0.8; y += 20) {
                       const d = Math.min(...pts.map(([px, py]) => Math.hypot(px - x, py - y)));
                       if (d > far) { far = d; best = [box.left + x, box.top + y]; } }
                   return best; }"""))


#: The view the picture last wrote into the address, as numbers (none: an empty list).
_WRITTEN = "(new URLSearchParams(location.search).get('graph_view') || '').split(',').filter(Boolean).map(Number)"


def _zoom_and_pan(page) -> str:
    """Zoom in with the wheel and drag the picture as a user would; returns the view the picture
    then writes into the address (?graph_view=)."""
    x, y = _empty_point(page)
    page.mouse.move(x, y)
    for _turn in range(6):  # each notch of the wheel zooms by a tenth or so
        page.mouse.wheel(0, -300)
    page.wait_for_function(f"() => {_WRITTEN} && {_WRITTEN}[2] > 1.5")
    zoomed = page.evaluate(f"() => {_WRITTEN}")
    x, y = _empty_point(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 140, y + 70, steps=8)
    page.mouse.up()
    # Written once the picture stopped moving, and what it says is what the picture shows.
    page.wait_for_function(f"""(before) => {{ const v = {_WRITTEN}, s = echarts.getInstanceByDom(
                                   document.querySelector('.atlas-network')).getOption().series[0];
                               return v && v[0] !== before[0] && Math.abs(v[0] - s.center[0]) < 0.1
                                      && Math.abs(v[1] - s.center[1]) < 0.1 && Math.abs(v[2] - s.zoom) < 0.01; }}""",
                           arg=zoomed)
    return page.evaluate("() => new URLSearchParams(location.search).get('graph_view')")




def test_the_networks_zoom_and_pan_are_in_the_share_link_and_the_link_reopens_them(server, page):
    from playwright.sync_api import expect

    open_view(page, server + "/network?lang=en")
    _network_settled(page)
    assert "graph_view" not in page.url and _network_view(page)[2] == 1  # the whole picture, not a chosen view
    view = _zoom_and_pan(page)
    x, y, zoom = map(float, view.split(","))
    shown = _network_view(page)
    assert zoom > 1.5 and abs(shown[2] - zoom) < 0.01  # zoomed in, and the address says what is shown
    assert abs(shown[0] - x) < 0.1 and abs(shown[1] - y) < 0.1
    assert "actor" not in page.url  # the drag selected nothing
    _network_settled(page)
    giz = _node_point(page, "GIZ", in_picture=True), _picture_size(page)
    page.get_by_text("Share this view").click()
    link = page.locator(".atlas-share input")
    expect(link).to_have_value(re.compile("graph_view=" + re.escape(view.replace(",", "%2C"))))
    fresh = page.context.new_page()
    open_view(fresh, link.input_value())
    _network_settled(fresh)
    reopened = _network_view(fresh)
    assert abs(reopened[2] - zoom) < 0.01 and abs(reopened[0] - x) < 0.1 and abs(reopened[1] - y) < 0.1, reopened
    # The same picture: GIZ is where it was in the picture the link was copied from (the page above
    # it has a "Whole graph" button more).
    again = _node_point(fresh, "GIZ", in_picture=True), _picture_size(fresh)
    assert again[1] == giz[1], (giz, again)  # the same size of picture, so the same place means the same view
    assert abs(again[0][0] - giz[0][0]) < 3 and abs(again[0][1] - giz[0][1]) < 3, (giz, again)
    # The keyboard: + zooms in, an arrow moves the picture (both written), 0 shows the whole graph
    # again and the address forgets the view.
    fresh.locator(".atlas-network").focus()
    fresh.keyboard.press("+")
    fresh.wait_for_function(f"(z) => {_WRITTEN}[2] > z + 0.1", arg=zoom)
    moved = fresh.evaluate(f"() => {_WRITTEN}")
    fresh.keyboard.press("ArrowLeft")
    fresh.wait_for_function(f"(x) => {_WRITTEN}[0] !== x", arg=moved[0])
    fresh.keyboard.press("0")
    fresh.wait_for_function("() => !new URLSearchParams(location.search).has('graph_view')")
    assert _network_view(fresh) == [None, None, 1]
    assert page.blocked == [], page.blocked  # both pages: one browser context


def test_a_tour_step_saved_with_a_zoomed_network_opens_zoomed_for_a_presenter(server, page):
    sidebar = sign_in(page, server)
    # Within the signed-in session (a new address could open before the sign-in cookie is set).
    sidebar.get_by_role("link", name="Network").click()
    page.get_by_role("heading", name="Who works with whom").wait_for()
    _network_settled(page)
    page.wait_for_selector(READY, timeout=60_000)
    view = _zoom_and_pan(page)
    x, y, zoom = map(float, view.split(","))
    sidebar.get_by_text("Add this view to a tour").click()
    # Named to sort after the module's other tours: the tours page opens on the first one by name.
    sidebar.get_by_label("Name of the new tour").fill("Zoomed network")
    sidebar.get_by_label("Title of this step").fill("The centre, close up")
    sidebar.get_by_role("button", name="Add this view").click()
    sidebar.get_by_text("Zoomed network").first.wait_for()  # "added to ..." once saved
    page.set_viewport_size({"width": 1280, "height": 720})
    open_view(page, server + "/tours?lang=en")
    page.locator(".st-key-tour_pick").get_by_role("combobox").click()
    page.get_by_role("option", name="Zoomed network").click()
    page.get_by_text("The centre, close up").first.wait_for(state="attached")
    page.get_by_role("button", name="Start the tour").click()
    page.get_by_text("step 1 of 1").wait_for()
    page.locator(".atlas-titlebar").wait_for()  # presenter mode
    page.wait_for_function("(v) => new URLSearchParams(location.search).get('graph_view') === v", arg=view)
    _network_settled(page)
    shown = _network_view(page)
    assert abs(shown[2] - zoom) < 0.01 and abs(shown[0] - x) < 0.1 and abs(shown[1] - y) < 0.1, (shown, view)
    share = _picture_share(page)
    _picture_fits(page)
    snap(page, "presenter-tour-network-view-1280x720")
    print(f"network picture share of the window height at 1280x720: {share:.0%}")
    assert share >= 0.70, share
    assert page.blocked == [], page.blocked


MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _map_frame(page):
    """The Leaflet frame of the first map now in the page, once its Leaflet map exists (before
    that, ``map_div`` is still the bare element of that id)."""
    page.wait_for_function("""(sel) => { const f = document.querySelector(sel), w = f && f.contentWindow;
                                         return w && typeof w.L === 'object' && w.map_div
                                                && typeof w.map_div.eachLayer === 'function'; }""",
                           arg=MAP_FRAME)
    return page.locator(MAP_FRAME).first.element_handle().content_frame()


def _leaflet(page):
    """The map's frame once its actors are drawn and the iframe has its final height (it starts
    small and grows, and a click computed before that lands outside it)."""
    # After a rerun the map's frame can be replaced: wait for the rerun to end and for the frame
    # now in the page to have drawn, then take that frame (never a list of frames, which can hold
    # one on its way out).
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_function("""(sel) => { const f = document.querySelector(sel), w = f && f.contentWindow;
                                         return w && typeof w.L === 'object' && w.atlasDrawn >= 1; }""",
                           arg=MAP_FRAME)
    leaflet = _map_frame(page)
    page.wait_for_function(
        """(sel) => { const f = document.querySelector(sel);
                      const inner = f && f.contentDocument && f.contentDocument.getElementById('map_div');
                      return inner && inner.offsetHeight > 300 && Math.abs(f.offsetHeight - inner.offsetHeight) < 30; }""",
        arg=MAP_FRAME)
    return leaflet


def _map_point(leaflet, lat: float, lon: float, zoom: int | None = None) -> list[float]:
    """Pixel position of (lat, lon) in the map container, after any zoom animation (the initial
    fit) has ended — an animation still running would move the point, or undo ``zoom``."""
    xy = leaflet.evaluate(
        """async ([lat, lon, zoom]) => {
               const m = window.map_div, frame = () => new Promise(r => requestAnimationFrame(r));
               while (m._animatingZoom) { await frame(); }
               if (zoom !== null) {
                   // Stands for the user's own move: the map keeps a view only until the user moves it.
                   m.getContainer().dispatchEvent(new Event('keydown'));
                   m.setView([lat, lon], zoom, {animate: false}); await frame(); }
               const p = m.latLngToContainerPoint([lat, lon]), s = m.getSize();
               return [p.x, p.y, s.x, s.y]; }""", [lat, lon, zoom])
    assert 0 < xy[0] < xy[2] and 0 < xy[1] < xy[3], xy
    return xy[:2]


def test_map_page_draws_actors_offline_and_a_region_click_filters(server, page):
    from mapping import geo
    from mapping.filters import Filters
    from mapping.seed import init_database

    store = init_database(":memory:")  # the same seed as the server's database
    drawn = [a for a in store.actors().itertuples() if pd.notna(a.lat)]  # no actor at an invented place
    open_view(page, server + "/map?lang=en")
    page.get_by_text(f"{len(drawn)} actors on the map").wait_for()
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".marker-cluster").first.wait_for(timeout=60_000)
    assert frame.locator(".marker-cluster").count() > 0
    # The background is the shipped outlines, drawn on the canvas: a blank map is one colour.
    leaflet = _leaflet(page)
    colours = leaflet.evaluate(
        """() => { const c = document.querySelector('canvas.leaflet-zoom-animated');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set();
                   for (let i = 0; i < d.length; i += 4 * 89) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
                   return seen.size; }""")
    assert colours > 5, colours
    assert frame.get_by_text("Type of actor").count() == 1  # the legend
    assert frame.locator(".leaflet-control-layers").count() == 1
    snap(page, "map")
    assert page.blocked == [], page.blocked

    def click_region(code: str, hover_text: str | None = None) -> None:
        point = geo.regions().set_index("region_code").loc[code].geometry.representative_point()
        xy = _map_point(leaflet, point.y, point.x)
        target = frame.locator("#map_div")
        if hover_text:  # the choropleth's tooltip: region, country, count
            target.hover(position={"x": xy[0], "y": xy[1]})
            frame.locator(".leaflet-tooltip", has_text=hover_text).wait_for()
        target.click(position={"x": xy[0], "y": xy[1]})

    # A region without actors: a message, not a filter that would match nothing.
    click_region("ML-6", hover_text="Timbuktu")
    assert "Mali" in frame.locator(".leaflet-tooltip").first.inner_text()
    page.get_by_text("No actor is recorded in Timbuktu yet.").wait_for()
    # Hide the actors (layer control) so no marker covers the region, then click Oriental.
    frame.locator(".leaflet-control-layers").hover()  # folded by default; it opens under the pointer
    frame.get_by_role("checkbox", name="Actors", exact=True).uncheck()
    page.wait_for_function("() => new URLSearchParams(location.search).get('hide') === 'actors'")  # kept in links
    click_region("MA-02")
    page.wait_for_function("() => new URLSearchParams(location.search).get('region') === 'MA-02'", timeout=30_000)
    n = sum(pd.notna(a.lat) for a in store.actors(Filters(regions=("MA-02",))).itertuples())
    page.get_by_text(f"{n} actors on the map").wait_for()
    assert page.blocked == [], page.blocked


# A laptop's window, where the map runs below the fold, and presenter mode: a press focuses the map,
# and a focus that scrolled the page would move the map under the pointer before the click.
def test_the_layer_controls_icon_is_drawn_from_the_page_itself(server, page):
    """The layer control's icon is a data: image inside the map's page (no late fetch): its computed
    style resolves to it, it decodes to a 26 px picture, and the map made no request for an image."""
    images: list[str] = []
    page.on("request", lambda r: images.append(r.url) if r.resource_type == "image" else None)
    open_view(page, server + "/map?lang=en")
    leaflet = _leaflet(page)
    toggle = leaflet.locator(".leaflet-control-layers-toggle")
    toggle.wait_for()
    leaflet.wait_for_function("() => " + LAYERS_ICON_READY + "(window, document)")
    background, size = leaflet.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('.leaflet-control-layers-toggle'));
        return [s.backgroundImage, s.backgroundSize]; }""")
    assert background.startswith('url("data:image/svg+xml;base64,'), background[:60]
    assert size == "26px 26px"
    url, width, height = leaflet.evaluate("() => document.atlasIcon")
    assert (width, height) == (26, 26) and url == background[5:-2]
    assert not [u for u in images if "layers" in u], images  # Leaflet's PNG is never asked for
    assert page.blocked == [], page.blocked


@pytest.mark.parametrize("extra, size", [("", (1400, 1000)), ("", (1280, 720)), ("&present=1", (1400, 1000))])
def test_map_click_on_an_actor_selects_it(server, page, extra, size):
    from mapping.seed import init_database

    # The drawn actor farthest from any other, so its point stands alone once zoomed in.
    placed = init_database(":memory:").actors().dropna(subset=["lat", "lon"])
    xs, ys = placed["lon"].to_numpy(), placed["lat"].to_numpy()
    gap = [min((x - x2) ** 2 + (y - y2) ** 2 for j, (x2, y2) in enumerate(zip(xs, ys)) if j != i)
           for i, (x, y) in enumerate(zip(xs, ys))]
    actor = placed.iloc[max(range(len(gap)), key=gap.__getitem__)]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_view(page, server + "/map?lang=en" + extra)
    leaflet = _leaflet(page)
    # Centre on that actor and click its point.
    xy = _map_point(leaflet, actor["lat"], actor["lon"], zoom=9)
    page.frame_locator(MAP_FRAME).locator("#map_div").click(position={"x": xy[0], "y": xy[1]})
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('actor') === id", arg=actor["id"],
                           timeout=30_000)
    page.get_by_role("heading", name=actor["name"]).wait_for()
    page.get_by_text("Open the organisation file").wait_for()
    snap(page, "map-selected")
    assert page.blocked == [], page.blocked


def test_map_actors_sharing_a_place_spread_out_and_stay_clickable(server, page):
    from mapping.seed import init_database

    bonn = init_database(":memory:").actor("bmz")  # GIZ is recorded at the same coordinates
    open_view(page, server + "/map?lang=en")
    leaflet = _leaflet(page)
    xy = _map_point(leaflet, bonn["lat"], bonn["lon"], zoom=16)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".marker-cluster", has_text="2").first.wait_for()
    frame.locator("#map_div").click(position={"x": xy[0], "y": xy[1]})
    # Spread in a circle of 28 px around the place (maps.ActorLayer): click the first, due east.
    frame.locator("#map_div").click(position={"x": xy[0] + 28, "y": xy[1]})
    page.wait_for_function("() => ['bmz', 'giz'].includes(new URLSearchParams(location.search).get('actor'))",
                           timeout=30_000)
    page.get_by_text("Open the organisation file").wait_for()
    assert page.blocked == [], page.blocked


def fill_sign_in(page, server: str):
    """Open the atlas and fill the curator's sign-in form in the sidebar; returns the sidebar."""
    open_view(page, server + "/?lang=en")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Sign in").first.click()
    sidebar.get_by_label("User name").fill("curator")
    sidebar.get_by_label("Password", exact=True).fill(CURATOR_PASSWORD)
    return sidebar


def sign_in(page, server: str):
    """Open the atlas and sign in as the curator from the sidebar; returns the sidebar."""
    sidebar = fill_sign_in(page, server)
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text("Signed in as Browser Curator").wait_for()
    return sidebar


def test_a_curator_signs_in_edits_a_file_and_imports_a_spreadsheet(server, page):
    sidebar = sign_in(page, server)

    # Edit: pick AMAPPE, give it a website, save.
    sidebar.get_by_role("link", name="Edit").click()
    page.get_by_role("heading", name="Edit").wait_for()
    page.get_by_label("Record", exact=True).click()  # not the "Kind of record" choice
    page.keyboard.type("Marocaine d'Appui")
    page.keyboard.press("Enter")
    page.get_by_text("Version 1").wait_for()
    website = page.get_by_label("Website", exact=True)
    website.fill("https://amappe.example.ma")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    page.get_by_text("Version 2").wait_for()
    assert website.input_value() == "https://amappe.example.ma"
    snap(page, "edit-saved")

    # Import: a French partner file, previewed row by row, then written.
    sidebar.get_by_role("link", name="Import").click()
    page.get_by_role("heading", name="Import").wait_for()
    csv = "Nom de l'organisation;Type d'acteur;Pays;Ville\nAssociation Berkane Accueil;ONG;Maroc;Berkane\n"
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "partenaires.csv", "mimeType": "text/csv", "buffer": csv.encode("cp1252")}])
    page.get_by_text("1 new, 0 updates").wait_for()
    snap(page, "import-preview")
    page.get_by_role("button", name="Import 1 organisation").click()
    page.get_by_text("Imported: 1 new drafts").wait_for()
    assert page.blocked == [], page.blocked


def test_a_presenter_deep_link_opens_offline_in_french(server, page):
    open_view(page, server + "/network?lang=fr&present=1&mode=project&graph_project=recosa")
    page.locator(".atlas-titlebar").wait_for()
    assert "Réseau" in page.locator(".atlas-titlebar").inner_text()
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.locator("header[data-testid='stHeader']").is_visible()
    canvas = page.locator(".atlas-network canvas").first
    canvas.wait_for()
    page.wait_for_function(
        """() => { const c = document.querySelector(".atlas-network canvas"); if (!c) return false;
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   for (let i = 3; i < d.length; i += 4 * 97) if (d[i] > 0) return true; return false; }""")
    snap(page, "present-network-fr")
    page.keyboard.press("Escape")
    page.get_by_test_id("stSidebar").wait_for()
    assert page.blocked == [], page.blocked


def test_the_standalone_map_opens_offline_with_its_actors(page, tmp_path):
    from mapping import maps
    from mapping.seed import init_database

    store = init_database(":memory:")
    actors = store.actors(columns=("id", "name", "kind", "country", "region_code", "city", "lat", "lon", "themes"))
    path = tmp_path / "atlas-map.html"
    path.write_text(maps.standalone(maps.explore(actors, region_counts=store.region_counts()),
                                    caption="Migration Actors Atlas"), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("() => window.atlasDrawn >= 1")
    assert page.locator(".marker-cluster").count() > 0
    assert page.get_by_text("Migration Actors Atlas").count() == 1
    snap(page, "standalone-map")
    assert page.blocked == [], page.blocked


def test_a_tour_is_presented_with_the_keyboard(server, page):
    open_view(page, server + "/tours?lang=en")
    page.get_by_role("button", name="Start the tour").click()
    page.get_by_text("step 1 of 2").wait_for()
    page.get_by_text("The actors in Senegal").wait_for()
    page.locator(".atlas-titlebar").wait_for()  # presented in presenter mode
    page.wait_for_function("() => new URLSearchParams(location.search).get('country') === 'SN'")
    page.keyboard.press("PageDown")
    page.get_by_text("step 2 of 2").wait_for()
    page.wait_for_function("() => new URLSearchParams(location.search).get('mode') === 'project'")
    snap(page, "tour-step-2")
    page.keyboard.press("PageUp")
    page.get_by_text("step 1 of 2").wait_for()
    assert page.blocked == [], page.blocked


def test_the_map_view_is_kept_in_the_address_and_a_link_reopens_it(server, page):
    open_view(page, server + "/map?lang=en")
    leaflet = _leaflet(page)
    assert "view" not in page.url  # the initial fit is not a view anyone chose
    # Drag the map as a user would.
    box = page.locator(MAP_FRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y + 80, steps=8)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).has('view')")
    lat, lon, zoom = page.evaluate("() => new URLSearchParams(location.search).get('view')").split(",")
    shown = leaflet.evaluate("() => { const c = window.map_div.getCenter(); return [c.lat, c.lng]; }")
    assert abs(shown[0] - float(lat)) < 0.001 and abs(shown[1] - float(lon)) < 0.001
    fresh = page.context.new_page()
    open_view(fresh, page.url)
    reopened = _leaflet(fresh)
    centre = reopened.evaluate("() => { const c = window.map_div.getCenter();"
                               " return [c.lat, c.lng, window.map_div.getZoom()]; }")
    pixel = 360 / (256 * 2 ** int(zoom))  # degrees of longitude per pixel at that zoom
    assert centre[2] == int(zoom)
    assert abs(centre[0] - float(lat)) < 3 * pixel and abs(centre[1] - float(lon)) < 3 * pixel, (centre, lat, lon)
    assert page.blocked == [], page.blocked


def test_the_map_saves_itself_as_a_png_with_its_caption(server, page):
    open_view(page, server + "/map?lang=en")
    _leaflet(page)
    frame = page.frame_locator(MAP_FRAME)
    with page.expect_download() as download:
        frame.locator(".atlas-snapshot").click()
    saved = download.value
    assert saved.suggested_filename == "atlas-map.png"
    data = Path(saved.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert page.blocked == [], page.blocked


# -- issue 15: the municipality's and the curator's main tasks, end to end ------------------------------
SIZES = ((1280, 720), (1920, 1080), (390, 844))


def snap_sizes(page, name: str) -> None:
    """Screenshots of the current view at a laptop, a large screen and a phone (looked at by eye)."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_selector(READY, timeout=60_000)
        if width < 640:  # a phone shows the sidebar folded: let it slide away (or fold it) before the picture
            gone = "() => document.querySelector(\"[data-testid='stSidebar']\").getBoundingClientRect().right <= 1"
            try:
                page.wait_for_function(gone, timeout=3_000)
            except Exception:  # still open: fold it as a phone user would
                page.locator("[data-testid='stSidebarCollapseButton'] button").first.click()
                page.wait_for_function(gone)
        snap(page, f"{name}-{width}x{height}")
    page.set_viewport_size({"width": 1400, "height": 1000})


def _choose(page, label: str, text: str, *, many: bool = False) -> None:
    """Type into a select box (or a multiselect: ``many``) found by its label, take the first match."""
    page.locator(f"input[aria-label=\"{label}\"]").click()  # the input, not the label's help button
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    if many:  # a multiselect stays open for more; a select box would drop its choice on Escape
        page.keyboard.press("Escape")
    page.wait_for_selector(READY, timeout=60_000)


def test_a_municipality_finds_three_partners_for_a_theme_and_opens_one(server, page):
    open_view(page, server + "/partners?lang=en")
    page.get_by_role("heading", name="Find partners").wait_for()
    _choose(page, "Your organisation (optional)", "Oujda")
    page.wait_for_function("() => location.search.includes('of=commune-oujda')")
    _choose(page, "Working on", "Health and COVID", many=True)
    page.wait_for_function("() => location.search.includes('on=health')")
    page.wait_for_selector(READY, timeout=60_000)
    page.get_by_role("heading", name="Potential partners, best first").wait_for()
    cards = page.locator("[class*='st-key-partner_']")
    assert cards.count() >= 3
    first_three = [cards.nth(i) for i in range(3)]
    names = [c.get_by_role("link").first.inner_text() for c in first_three]
    for card in first_three:
        reason = card.locator("[data-testid='stMarkdownContainer']").last.inner_text()
        assert reason.startswith("Works on Health and COVID-19 response"), reason
    assert any("reachable through" in c.inner_text() or "already linked" in c.inner_text() for c in first_three)
    assert "of=commune-oujda" in page.url and "on=health" in page.url  # the search can be shared as a link
    snap_sizes(page, "partners-oujda-health")
    # Open the first suggestion's file.
    first_three[0].get_by_role("link").first.click()
    title = names[0].split(". ", 1)[1]
    page.locator("h1", has_text=title.split(" (")[0]).first.wait_for()
    assert "/actor" in page.url and "actor=" in page.url
    assert page.blocked == [], page.blocked


def _pdf_pages(page, name: str) -> int:
    """Pages of the browser's own "Save as PDF" of the current view (print stylesheet applied); the
    PDF and a picture of the printed page are kept beside the screenshots."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # as the Print button does
    page.emulate_media(media="print")
    data = page.pdf(format="A4", print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.pdf").write_bytes(data)
    page.screenshot(path=str(SHOTS / f"{name}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_a_curator_reviews_an_organisation_file_and_its_sources(server, page):
    sidebar = sign_in(page, server)
    sidebar.get_by_role("link", name="Organisation file").click()
    _choose(page, "Organisation", "Oujda")
    header = page.locator(".st-key-actor_header")
    header.get_by_role("heading", name="Commune d'Oujda").wait_for()
    card = header.inner_text()
    for line in ("Type", "Place", "Status", "Last update", "Sources"):
        assert line in card, line
    page.get_by_text("Curator's view").wait_for()  # status and version, and the Edit link
    page.get_by_text("Edit this file").wait_for()
    # The small map and the ego network are drawn (offline).
    page.locator(MAP_FRAME).first.wait_for()
    page.locator(".st-key-actor_ego canvas").first.wait_for()
    # Sources: collapsed at the bottom, then opened: titles, publishers, what each supports; no file names.
    sources = page.locator("[data-testid='stExpander']", has_text="Sources (")
    sources.locator("summary").click()
    sources.get_by_text("This file").first.wait_for()
    text = sources.inner_text()
    assert "Renforcement des capacités des collectivités territoriales" in text or "RECOMIG" in text
    assert "This file" in text and "Role in RECOSA" in text
    assert ".txt" not in text and " nan" not in text and "a project role —" not in text
    # On screen the interactive map; on paper a static map of the seat and its area, at a region's
    # scale (a partner in Bonn does not pull it to a continent), across the page; the partners as lines.
    assert not page.locator(".st-key-actor_print_map svg").is_visible()
    page.get_by_text("Beyond the map: GIZ (Germany).").wait_for()
    page.emulate_media(media="print")
    page.locator(".st-key-actor_print_map svg").wait_for()
    assert not page.locator(".st-key-actor_screen_map").is_visible()
    assert not page.locator(".st-key-actor_partners_table").is_visible()
    page.locator(".st-key-actor_partners_print").get_by_text("supported by").wait_for()
    south, west, north, east = (float(v) for v in page.locator(".st-key-actor_print_map svg").get_attribute(
        "data-bounds").split(","))
    assert south < 34.68 < north and west < -1.91 < east and north - south < 6 and east - west < 8
    box = page.locator(".st-key-actor_print_map svg").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 250, box
    texts = page.locator(".st-key-actor_print_map svg text").all_text_contents()
    assert "Oujda" in texts and "Oriental" in texts and "Germany: GIZ" in texts
    page.emulate_media(media="screen")
    # Printed (before the screenshots: a full-page screenshot leaves the window as tall as the page)
    pages = _pdf_pages(page, "organisation-file-curator")
    assert 1 <= pages <= 2, pages
    snap_sizes(page, "organisation-file-curator")
    assert page.blocked == [], page.blocked


def test_the_largest_hub_prints_on_two_pages_with_its_map_of_morocco(server, page):
    """GIZ (40 partners, its seat in Bonn) on paper: two pages, its map on its Moroccan partners
    with an arrow to its seat, every partner named in the lines of its relations."""
    open_view(page, server + "/actor?actor=giz&lang=en")
    page.locator(".st-key-actor_header h1").wait_for()
    page.locator(MAP_FRAME).first.wait_for()
    page.wait_for_selector(READY, timeout=60_000)
    page.emulate_media(media="print")
    printed = page.locator(".st-key-actor_print_map svg")
    printed.wait_for()
    south, west, north, east = (float(v) for v in printed.get_attribute("data-bounds").split(","))
    assert 27 < south and north < 37 and -13 < west and east < 0, (south, west, north, east)  # Morocco
    assert "Germany: GIZ's seat, BMZ" in printed.locator("text").all_text_contents()
    lines = page.locator(".st-key-actor_partners_print").inner_text()
    for name in ("Commune de Tiznit", "Union européenne", "Expertise France"):
        assert name in lines, name
    page.emulate_media(media="screen")
    # The Print button (in a frame of its own) opens the sources and prints the page around it.
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }")
    assert page.locator("details:not([open])").count() > 0
    page.frame_locator(".st-key-actor_print iframe").get_by_role("button", name="Print this file").click()
    page.wait_for_function("window.printed === 1")
    assert page.locator("details:not([open])").count() == 0
    pages = _pdf_pages(page, "organisation-file-giz")
    assert 1 <= pages <= 2, pages
    assert page.blocked == [], page.blocked


def test_coverage_shows_gaps_and_overlaps_and_its_map_offline(server, page):
    open_view(page, server + "/coverage?lang=en")
    page.get_by_role("heading", name="Who does what where").wait_for()
    page.locator("[data-testid='stMetric']", has_text="Gaps").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    leaflet = _map_frame(page)
    # the shaded regions carry their counts: the most covered theme is drawn somewhere with actors
    leaflet.wait_for_function("""() => { let n = 0; window.map_div.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.n > 0) n++; }); return n > 0; }""")
    snap_sizes(page, "coverage")


def _picture_share(page) -> float:
    """The share of the window's height the map frame or the network chart fills (visible part)."""
    return page.evaluate(
        """() => { const el = document.querySelector("iframe[title='streamlit_folium.st_folium']")
                              || document.querySelector('.atlas-network');
                   const r = el.getBoundingClientRect();
                   return (Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)) / innerHeight; }""")


def _picture_fits(page) -> None:
    """The map frame or the network chart lies wholly between the title bar and the tour bar: none of
    it (the map's scale, its legends) is cut off by the window's edge or hidden under a bar."""
    top, bottom, bar, tour = page.evaluate(
        """() => { const el = document.querySelector("iframe[title='streamlit_folium.st_folium']")
                              || document.querySelector('.atlas-network');
                   const r = el.getBoundingClientRect();
                   const t = document.querySelector('.st-key-atlas_tour');
                   return [r.top, r.bottom, document.querySelector('.st-key-atlas_present').getBoundingClientRect().bottom,
                           t ? t.getBoundingClientRect().top : innerHeight]; }""")
    assert top >= bar - 1 and bottom <= tour + 1, (top, bottom, bar, tour)


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_a_presenter_steps_a_three_step_tour_with_the_picture_filling_the_screen(server, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_view(page, server + "/tours?lang=en")
    page.get_by_role("button", name="Start the tour").wait_for()
    page.locator(".st-key-tour_pick").get_by_role("combobox").click()
    page.get_by_role("option", name="Zoom and selection").click()
    page.get_by_text("Oujda, selected").wait_for(state="attached")
    page.get_by_role("button", name="Start the tour").click()
    page.get_by_text("step 1 of 3").wait_for()
    page.locator(".atlas-titlebar").wait_for()
    leaflet = _leaflet(page)
    # Step 1 restores its zoom and its selection: the map at zoom 9 on Oujda, the actor ringed.
    page.wait_for_function("() => new URLSearchParams(location.search).get('actor') === 'commune-oujda'")
    leaflet.wait_for_function("() => window.atlasSelected !== undefined")
    zoom, lat, lon = leaflet.evaluate("() => [map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
    assert zoom == 9 and abs(lat - 34.68) < 0.01 and abs(lon + 1.91) < 0.01
    shares = [_picture_share(page)]
    _picture_fits(page)
    snap(page, f"presenter-tour-1-{width}x{height}")
    page.keyboard.press("PageDown")
    page.get_by_text("step 2 of 3").wait_for()
    page.locator(".atlas-network canvas").wait_for()
    page.wait_for_function("() => new URLSearchParams(location.search).get('zoom') === '3'")
    page.wait_for_function("() => new URLSearchParams(location.search).get('actor') === 'giz'")
    shares.append(_picture_share(page))
    _picture_fits(page)
    snap(page, f"presenter-tour-2-{width}x{height}")
    page.keyboard.press("PageDown")
    page.get_by_text("step 3 of 3").wait_for()
    page.wait_for_function("() => new URLSearchParams(location.search).get('country') === 'SN'")
    leaflet = _leaflet(page)
    # Step 3 has no saved view: the map opens on the whole atlas, not where step 1 left it.
    assert leaflet.evaluate("() => map_div.getZoom()") < 9
    shares.append(_picture_share(page))
    _picture_fits(page)
    snap(page, f"presenter-tour-3-{width}x{height}")
    print(f"picture share of the window height at {width}x{height}: " + ", ".join(f"{s:.0%}" for s in shares))
    assert min(shares) >= 0.70, shares
    assert page.blocked == [], page.blocked


#: JavaScript: in a map's frame (window ``w``, document ``d``), true once the layer control's icon
#: (a CSS background image) resolves to an image that has been decoded, or when the map has no layer
#: control; the first call starts the decoding, later calls see it done.
LAYERS_ICON_READY = """((w, d) => {
    const toggle = d.querySelector('.leaflet-control-layers-toggle');
    if (!toggle) return true;
    const url = (w.getComputedStyle(toggle).backgroundImage.match(/^url\\("(.*)"\\)$/) || [])[1];
    if (!url) return false;
    if (d.atlasIcon === undefined) {
        const img = new w.Image(); img.src = url; d.atlasIcon = null;
        img.decode().then(() => { d.atlasIcon = [url, img.naturalWidth, img.naturalHeight]; },
                          () => { d.atlasIcon = undefined; });
    }
    return !!d.atlasIcon && d.atlasIcon[0] === url && d.atlasIcon[1] > 0;
})"""


def _maps_painted(page) -> None:
    """Every map of the page has painted: Leaflet loaded in its frame, the outlines drawn on the
    map's canvas at the frame's size, its layer control's icon decoded, and on a map of actors (the
    Map page) its actor layer drawn with markers or clusters in view. A picture taken before that
    shows a blank or half-drawn frame."""
    page.wait_for_function(
        "(sel) => { const iconReady = " + LAYERS_ICON_READY + """;
           return Array.from(document.querySelectorAll(sel)).every(f => {
               const w = f.contentWindow, d = f.contentDocument;
               if (!w || !d || typeof w.L !== 'object') return false;
               const box = d.querySelector('.leaflet-container'), canvas = d.querySelector('.leaflet-overlay-pane canvas');
               if (!box || !canvas || canvas.width === 0 || box.offsetHeight < 100) return false;
               // settled: the frame's page loaded (icons too), no zoom animation under way, the map
               // sized to its frame (it opens small, then grows and zooms to its view)
               const m = w.map_div;
               if (d.readyState !== 'complete' || !m || m._animatingZoom || box.classList.contains('leaflet-zoom-anim')
                   || Math.abs(m.getSize().y - box.clientHeight) > 1) return false;
               if (!iconReady(w, d)) return false;  // the layer control's icon decoded
               const actors = d.documentElement.innerHTML.includes('AtlasMap.actorLayer');  // the Map page's layer call
               return !actors || (w.atlasDrawn >= 1 && d.querySelectorAll('.marker-cluster, .leaflet-interactive').length > 0);
           }); }""", arg=MAP_FRAME, timeout=60_000)


SCREENSHOT_PAGES = ("", "actor?actor=giz", "partners", "coverage", "map", "network", "about", "tours")


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080), (390, 844)])
def test_screenshots_of_every_page_at_three_sizes(server, page, width, height):
    """Screenshots for a person to look at (tests/screenshots), in normal and presenter mode; the
    check here is only that every page runs without an error at every size."""
    page.set_viewport_size({"width": width, "height": height})
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in SCREENSHOT_PAGES:
        for present in ("", "&present=1"):
            url = server + "/" + path + ("&" if "?" in path else "?") + "lang=en" + present
            open_view(page, url)
            # The page's own content, not the ready flag alone (it shows before the first run starts):
            # no placeholder left.
            page.locator("[data-testid='stMain'] [data-testid='stElementContainer']").filter(visible=True).first.wait_for()
            page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")")
            page.wait_for_selector(READY, timeout=60_000)
            assert page.locator("[data-testid='stException']").count() == 0, url
            name = (path.split("?")[0] or "directory") + ("-present" if present else "")
            # A map's frame can be redrawn just after it settled (the page's run after the map's
            # first report): the picture is kept only if the same settled frames were there after it.
            for _attempt in range(3):
                _maps_painted(page)
                page.evaluate(f"(sel) => document.querySelectorAll(sel).forEach(f => f.contentDocument.atlasShot = {_attempt})",
                              MAP_FRAME)
                page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"))
                if page.evaluate(f"""(sel) => Array.from(document.querySelectorAll(sel)).every(
                                        f => f.contentDocument && f.contentDocument.atlasShot === {_attempt})""", MAP_FRAME):
                    break
            else:
                pytest.fail(f"the maps of {url} kept being redrawn")
    assert page.blocked == [], page.blocked


def test_a_curator_imports_a_3w_with_title_rows_and_publishes_its_drafts_together(server, page):
    sidebar = sign_in(page, server)
    sidebar.get_by_role("link", name="Import").click()
    page.get_by_role("heading", name="Import").wait_for()
    three_w = ROOT / "tests" / "data" / "3w" / "synthetic" / "title_rows_above_header.csv"
    page.locator("input[type=file]").set_input_files(str(three_w))
    page.get_by_text("Header on row 4").wait_for()
    snap_sizes(page, "import-3w-preview")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("button", name="Import 3 organisations").click()
    page.get_by_text("Imported: 3 new drafts").wait_for()
    page.get_by_role("tab", name="Review an import's drafts").click()
    page.get_by_text("have a kind guessed from their name").wait_for()
    snap_sizes(page, "import-3w-review")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("button", name="Publish all 3 drafts").click()
    page.get_by_text("3 drafts published").wait_for()


def test_share_this_view_carries_the_map_zoom_and_a_filter_keeps_it(server, page):
    open_view(page, server + "/map?lang=en")
    leaflet = _leaflet(page)
    leaflet.wait_for_function("() => !map_div._animatingZoom")
    before = leaflet.evaluate("() => map_div.getZoom()")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -600)  # the user zooms in with the wheel
    page.wait_for_function("() => new URLSearchParams(location.search).has('view')")
    leaflet.wait_for_function("() => !map_div._animatingZoom")
    view = page.evaluate("() => new URLSearchParams(location.search).get('view')")  # written by the map itself
    zoom = int(view.split(",")[2])
    assert zoom > before  # zoomed in from the whole atlas
    page.get_by_text("Share this view").click()
    link = page.locator(".atlas-share input")
    link.wait_for()
    from playwright.sync_api import expect

    expect(link).to_have_value(re.compile("view=" + re.escape(view.replace(",", "%2C")) + "$"))
    # A filter redraws the map: the user's view stays (no "Fit to selection" pressed).
    _choose(page, "Actor type", "Municipality", many=True)
    page.wait_for_function("() => new URLSearchParams(location.search).has('kind')")
    _leaflet(page)
    # Asked of whichever frame the page holds at each poll, so a late redraw cannot strand the check.
    page.wait_for_function("""([sel, zoom]) => { const w = document.querySelector(sel).contentWindow;
                                                 return w.map_div && !w.map_div._animatingZoom
                                                        && Math.round(w.map_div.getZoom()) === zoom; }""",
                           arg=[MAP_FRAME, zoom])
    assert page.blocked == [], page.blocked


def test_a_curators_sign_in_survives_a_reload_and_a_new_tab_until_sign_out(server, page):
    sidebar = fill_sign_in(page, server)
    # Just after signing in, the page exchanges its handoff token for the cookie.
    with page.expect_response(lambda r: "/_atlas/session" in r.url and r.request.method == "POST") as answer:
        sidebar.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 204
    sidebar.get_by_text("Signed in as Browser Curator").wait_for()
    cookie = next((c for c in page.context.cookies() if c["name"] == "atlas_session"), None)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
    assert page.evaluate("() => document.cookie").find("atlas_session") == -1  # page scripts never see it
    page.reload()
    page.get_by_test_id("stSidebar").get_by_text("Signed in as Browser Curator").wait_for()
    # A curation link opened in a new tab opens for the signed-in curator.
    other = page.context.new_page()
    open_view(other, server + "/edit?lang=en")
    other.get_by_role("heading", name="Edit").wait_for()
    other.close()
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.get_by_test_id("stSidebar").get_by_text("Sign in").first.wait_for()
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    page.get_by_test_id("stSidebar").get_by_text("Sign in").first.wait_for()
    assert page.get_by_text("Signed in as Browser Curator").count() == 0
    assert page.blocked == [], page.blocked
