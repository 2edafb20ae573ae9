"""Benchmark of the Map page: ``python -m mapping bench map [--sizes ...] [--no-browser]``.

On SYNTHETIC actors (mapping/synthetic.py) it measures, in one run:

* server time to build the map (:func:`mapping.maps.explore`, boundaries and choropleth included)
  and serialise it the way the page does (streamlit-folium's Leaflet script and header), and the
  payload size, at each size;
* the same for a naive build — one ``folium.Marker`` with a ``folium.Popup`` per actor in a
  ``MarkerCluster`` — at the smaller sizes, and the ratio;
* in headless Chromium (every non-localhost request blocked), the time from navigation until
  every actor has been added to the map (``window.atlasDrawn``), and until the first cluster icon
  shows, for the atlas map; and the naive map's first draw at the smallest size.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import folium
import pandas as pd
from folium.plugins import MarkerCluster

from mapping import maps
from mapping.synthetic import synthetic_actors

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def region_counts(actors: pd.DataFrame) -> pd.DataFrame:
    """What the page's choropleth query returns, computed from the synthetic frame."""
    return actors.groupby("region_code").size().rename("n").reset_index()


def build_atlas(actors: pd.DataFrame) -> folium.Map:
    return maps.explore(actors, region_counts=region_counts(actors), metric="Actors")


def build_naive(actors: pd.DataFrame) -> folium.Map:
    """The textbook way: a Marker with an HTML popup per actor, in a MarkerCluster."""
    m = maps.base_map()
    cluster = MarkerCluster(name="Actors").add_to(m)
    for row in actors.itertuples(index=False):
        folium.Marker([row.lat, row.lon], tooltip=row.name,
                      popup=folium.Popup(f"<b>{row.name}</b><br>{row.kind}<br>{row.city}", max_width=300)
                      ).add_to(cluster)
    folium.LayerControl().add_to(m)
    return maps.offline(m)


def serialise(m: folium.Map) -> int:
    """What ``st_folium`` does with a map before sending it (streamlit-folium 0.2x): render the
    figure and the map, then cut out the HTML, the header and the Leaflet script. Returns the
    bytes sent."""
    from streamlit_folium import _get_header, _get_html, _get_map_string

    m.get_root().render()
    m.render()
    parts = [_get_html(m), _get_header(m), _get_map_string(m)]
    return sum(len(p.encode()) for p in parts)


def timed_build(build, actors: pd.DataFrame) -> dict:
    """Build and serialise as the page does; the standalone HTML for the browser is rendered
    afterwards, outside the timing."""
    start = time.perf_counter()
    m = build(actors)
    built = time.perf_counter() - start
    sent = serialise(m)
    total = time.perf_counter() - start
    return {"build": built, "total": total, "bytes": sent, "html": m.get_root().render()}


# -- browser -----------------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the report readable
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free localhost port (``app/static`` -> the repository's static/,
    as Streamlit serves it)."""
    (directory / "app").mkdir(exist_ok=True)
    link = directory / "app" / "static"
    if not link.exists():
        os.symlink(ROOT / "static", link)
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def browser_times(pages: dict[str, str]) -> dict[str, dict]:
    """Open each HTML page in headless Chromium; ms from navigation to first cluster icon and to
    every actor layer drawn (the naive map: to its first cluster icon)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, page_html in pages.items():
            (folder / f"{name}.html").write_text(page_html, encoding="utf-8")
        server, url = serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for name in pages:
                    context = browser.new_context(viewport={"width": 1400, "height": 900})
                    blocked: list[str] = []
                    context.route("**/*", lambda route, blocked=blocked: route.continue_()
                                  if route.request.url.startswith(url)
                                  else (blocked.append(route.request.url), route.abort()))
                    page = context.new_page()
                    page.goto(f"{url}/{name}.html", wait_until="commit")
                    page.wait_for_selector(".marker-cluster", timeout=120_000)
                    first = page.evaluate("performance.now()")
                    drawn = None
                    if "naive" not in name:
                        page.wait_for_function("window.atlasDrawn >= 1", timeout=120_000, polling="raf")
                        drawn = page.evaluate("performance.now()")
                    out[name] = {"first_cluster_ms": first, "drawn_ms": drawn, "blocked": blocked,
                                 "clusters": page.locator(".marker-cluster").count()}
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    return out


def report(rows: list[dict], browser: dict[str, dict] | None) -> str:
    lines = ["Map page, server side: build + serialise as streamlit-folium does (synthetic actors)", ""]
    header = f"{'actors':>7} {'build':<6} {'seconds':>9} {'payload MB':>11} {'ratio':>8}"
    lines += [header, "-" * len(header)]
    for r in rows:
        atlas, naive = r["atlas"], r.get("naive")
        lines.append(f"{r['n']:>7} {'atlas':<6} {atlas['total']:9.3f} {atlas['bytes'] / 1e6:11.2f}")
        if naive:
            lines.append(f"{r['n']:>7} {'naive':<6} {naive['total']:9.3f} {naive['bytes'] / 1e6:11.2f} "
                         f"{naive['total'] / atlas['total']:7.1f}x")
    lines += ["", "seconds = build + serialise as st_folium does (render figure and map, cut out HTML, header",
              "and script); atlas: median of --repeat runs, naive: one run. ratio = naive / atlas, same data,",
              "same run. The atlas includes the region choropleth; both draw the shipped outlines."]
    if browser:
        lines += ["", "Browser (headless Chromium, offline), ms from navigation start:"]
        for name, b in browser.items():
            drawn = f", every actor added {b['drawn_ms']:.0f}" if b["drawn_ms"] is not None else ""
            lines.append(f"  {name:<14} first cluster icon {b['first_cluster_ms']:.0f}{drawn}; "
                         f"{b['clusters']} cluster icons; blocked requests: {len(b['blocked'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench map")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument("--naive-up-to", type=int, default=10000,
                        help="run the naive build at sizes up to this (it is slow: ~7 s at 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="atlas runs per size (the median is shown)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timings")
    args = parser.parse_args(argv)

    rows, pages = [], {}
    # Warm up both builds (imports, shipped geometry read once per process, as in the app).
    small = synthetic_actors(50, seed=0)
    timed_build(build_atlas, small)
    timed_build(build_naive, small)
    for n in args.sizes:
        actors = synthetic_actors(n, seed=n)
        # The atlas build is fast enough to be noisy: keep the median of a few runs.
        runs = sorted((timed_build(build_atlas, actors) for _ in range(args.repeat)), key=lambda r: r["total"])
        row = {"n": n, "atlas": runs[len(runs) // 2]}
        if n <= args.naive_up_to:
            row["naive"] = timed_build(build_naive, actors)
        rows.append(row)
        pages[f"atlas-{n}"] = row["atlas"]["html"]
        if n == min(args.sizes) and "naive" in row:
            pages[f"naive-{n}"] = row["naive"]["html"]

    browser = None
    if not args.no_browser:
        if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
            print("Chromium not found: browser timings skipped (make browser installs it)")
        else:
            browser = browser_times(pages)
    print(report(rows, browser))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
