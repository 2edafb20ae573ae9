"""Load benchmark of the real app: ``python -m mapping bench load [--sessions 10,25,50,100] [--actors N]``.

A webinar audience opens the shared link at once. This starts the app (``streamlit run app.py``)
on a fresh temporary database — the seed, plus ``--actors`` SYNTHETIC actors with about four
relations each, written through the store's own bulk load — and, for each number of sessions,
opens that many sessions at the same moment. Each session loads, in order, the Directory, the
organisation file of the most connected actor, the Map and the Network, as a visitor clicking
through would. The client is Streamlit's agent API (``--server.enableAgentApi``): a session is a
real ``AppSession`` run by the server exactly as for a browser, and a request returns when the run
has finished, so its time is the time to a finished run (plus the API's own snapshot of the page,
which a browser does not cost). It prints per page the median, p95 and max, the errors, the
server's peak memory and its growth per idle session, and the server CPU each run costs: CPU per
run × sessions ÷ cores is the floor no scheduling can beat.

``--browser K`` then opens K Chromium pages at once on the Map and on the Network (every
non-localhost request refused) and times what the visitor waits for: the first map paint (the
placeholder, then the outlines and clusters) and the first graph paint.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("directory", "actor", "map", "network")
URL_PATHS = {"directory": ""}  # the default page's url_path is empty
CORES = os.cpu_count() or 1
CLOCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the database ------------------------------------------------------------------------------------
def make_database(path: str, actors: int) -> tuple[str, int]:
    """Seed ``path``, add ``actors`` synthetic actors and 4 relations each; return the most connected
    published actor (the organisation file every session opens) and its number of relations."""
    from mapping.seed import init_database
    from mapping.synthetic import synthetic_actors, synthetic_relations

    store = init_database(path)
    try:
        if actors:
            frame = synthetic_actors(actors, seed=actors)
            store.insert_frames({"actors": frame, "relations": synthetic_relations(frame, 4 * actors, seed=actors)},
                                username="bench", action="bench", note="synthetic load benchmark")
        relations = store.relations()
        ends = relations["source_actor"].value_counts().add(relations["target_actor"].value_counts(), fill_value=0)
        hub = str(ends.idxmax())
        return hub, int(ends.max())
    finally:
        store.close()


# -- the server --------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # MALLOC_ARENA_MAX as `make run` sets it (README, "Serving a webinar").
    env = dict(os.environ, ATLAS_DB=db, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", MALLOC_ARENA_MAX="2")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.enableAgentApi", "true",
         # every session of every round is kept (as browser tabs left open), and a slow run is measured,
         # not cut off at the API's default 30 s
         "--server.agentMaxSessions", "100000", "--server.agentWaitTimeout", "900"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)  # polling the health check while the server starts
    proc.kill()
    raise TimeoutError("the app did not start within 120 s")


class Meter:
    """The server process's resident memory (sampled every 50 ms, peak kept) and CPU time (Linux /proc)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def rss(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))

    def cpu(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK  # utime + stime

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.rss())
            except (OSError, StopIteration):
                return
            self._stop.wait(0.05)

    def reset_peak(self) -> None:
        self.peak = self.rss()

    def stop(self) -> None:
        self._stop.set()


# -- one visitor ---------------------------------------------------------------------------------------
def _errors_in(node: dict) -> list[str]:
    """Error and exception elements of a snapshot's tree (a page's own failure message included)."""
    found = []
    if node.get("type") in ("exception", "error"):
        props = node.get("props") or {}
        found.append(str(props.get("body") or props.get("message") or node.get("type"))[:160])
    for child in node.get("children") or []:
        found += _errors_in(child)
    return found


def interact(url: str, body: dict) -> tuple[float, dict | None, str | None]:
    """One agent API request: (seconds, snapshot, error)."""
    request = urllib.request.Request(url + "/_stcore/agent/interact", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=1800) as r:
            snapshot = json.loads(r.read())
    except urllib.error.HTTPError as e:
        return time.perf_counter() - start, None, f"HTTP {e.code}: {e.read()[:200]!r}"
    except OSError as e:
        return time.perf_counter() - start, None, f"{type(e).__name__}: {e}"
    seconds = time.perf_counter() - start
    problems = _errors_in(snapshot.get("tree") or {})
    if snapshot.get("status") != "ready" or problems:
        return seconds, snapshot, f"status {snapshot.get('status')}: {'; '.join(problems) or 'error'}"
    return seconds, snapshot, None


def _request(page: str, hub: str, session: str | None) -> dict:
    body: dict = {"page": URL_PATHS.get(page, page),
                  "query_params": {"lang": ["en"], **({"actor": [hub]} if page == "actor" else {})}}
    return body | ({"session_id": session} if session else {})


def visit(url: str, hub: str, start: threading.Barrier | None = None) -> dict[str, tuple[float, str | None]]:
    """One visitor: Directory, the hub's organisation file, Map, Network, in one session (its id under
    ``"session"``)."""
    if start is not None:
        start.wait()
    out: dict[str, tuple[float, str | None]] = {}
    session = None
    for page in PAGES:
        seconds, snapshot, error = interact(url, _request(page, hub, session))
        out[page] = (seconds, error)
        session = (snapshot or {}).get("session_id") or session
        if session is None:
            for rest in PAGES[PAGES.index(page) + 1:]:
                out[rest] = (0.0, "no session")
            break
    out["session"] = (0.0, session)
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def round_of(url: str, hub: str, n: int, meter: Meter) -> dict:
    """``n`` visitors at once; per page times and errors, peak memory, CPU, idle memory after."""
    meter.reset_peak()
    before_rss, before_cpu = meter.rss(), meter.cpu()
    barrier = threading.Barrier(n)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        visits = list(pool.map(lambda _: visit(url, hub, barrier), range(n)))
    wall = time.perf_counter() - started
    cpu = meter.cpu() - before_cpu
    time.sleep(2)  # let the finished sessions' garbage go before reading idle memory
    after = meter.rss()
    # The agent client keeps each session's last page (its messages and snapshot) in the server, which
    # a browser's session does not: move every session to the light About page to see what an idle
    # visitor costs.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda v: interact(url, {"session_id": v["session"][1], "page": "about"}),
                      [v for v in visits if v["session"][1]]))
    time.sleep(2)
    idle = meter.rss()
    pages = {}
    for page in PAGES:
        times = [v[page][0] for v in visits if v[page][1] is None]
        errors = [v[page][1] for v in visits if v[page][1] is not None]
        pages[page] = {"median": statistics.median(times) if times else None,
                       "p95": _p95(times) if times else None, "max": max(times) if times else None,
                       "errors": len(errors), "first_error": errors[0] if errors else ""}
    return {"sessions": n, "pages": pages, "wall": wall, "cpu": cpu, "peak_mb": meter.peak / 2**20,
            "before_mb": before_rss / 2**20, "after_mb": after / 2**20, "idle_mb": idle / 2**20,
            "per_session_mb": (after - before_rss) / 2**20 / n, "idle_per_session_mb": (idle - before_rss) / 2**20 / n}


def cpu_per_run(url: str, hub: str, meter: Meter, repeat: int = 3) -> dict[str, float]:
    """Server CPU seconds of one warm run of each page (one visitor at a time, median of ``repeat``)."""
    costs: dict[str, list[float]] = {p: [] for p in PAGES}
    for _ in range(repeat):
        session = None
        for page in PAGES:
            before = meter.cpu()
            _, snapshot, _ = interact(url, _request(page, hub, session))
            costs[page].append(meter.cpu() - before)
            session = (snapshot or {}).get("session_id") or session
    return {p: statistics.median(v) for p, v in costs.items()}


# -- the browser -----------------------------------------------------------------------------------------
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


async def _paint(browser, url: str, what: str) -> dict[str, float]:
    """Seconds from navigation to what the visitor sees first on the Map or the Network."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(f"{url}/{what}?lang=en", wait_until="commit")
    out: dict[str, float] = {}
    await page.locator("h1").first.wait_for(timeout=120_000)
    out[f"{what}: page title (Streamlit's start)"] = time.perf_counter() - start
    if what == "map":
        await page.locator("[data-testid='stMapPlaceholder'], " + MAP_FRAME).first.wait_for(timeout=120_000)
        out["first map paint (placeholder or map)"] = time.perf_counter() - start
        frame = page.frame_locator(MAP_FRAME)
        await frame.locator(".marker-cluster, .leaflet-marker-icon, canvas.leaflet-zoom-animated").first.wait_for(
            timeout=120_000)
        out["map outlines and clusters"] = time.perf_counter() - start
    else:
        await page.locator(".atlas-network canvas").first.wait_for(timeout=120_000)
        out["first graph paint"] = time.perf_counter() - start
    await context.close()
    return out


def browser_round(url: str, k: int) -> dict[str, dict[str, list[float]]]:
    """First paints for one visitor alone (three visits, one after the other), then ``k`` at once."""
    import asyncio

    from playwright.async_api import async_playwright

    async def run() -> dict[str, dict[str, list[float]]]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                    # every other host is refused by the resolver itself:
                                                    # intercepting each request in Playwright would slow
                                                    # the very page loads being timed
                                                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            results: dict[str, dict[str, list[float]]] = {"one visitor": {}, f"{k} at once": {}}
            for what in ("map", "network"):
                alone = [await _paint(browser, url, what) for _ in range(3)]
                together = await asyncio.gather(*[_paint(browser, url, what) for _ in range(k)])
                for label, found in (("one visitor", alone), (f"{k} at once", together)):
                    for paints in found:
                        for name, seconds in paints.items():
                            results[label].setdefault(name, []).append(seconds)
            await browser.close()
            return results
    return asyncio.run(run())


# -- report ----------------------------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return "      -" if value is None else f"{value:7.2f}"


def report(rounds: list[dict], costs: dict[str, float], actors: int, hub: tuple[str, int], first: dict,
           idle_mb: float, paints: dict[str, dict[str, list[float]]] | None) -> str:
    lines = [f"Load benchmark: the app on a fresh database, seed + {actors:,} synthetic actors "
             f"(~4 relations each); {CORES} cores; organisation file: {hub[0]} ({hub[1]:,} relations)", "",
             f"server idle after start-up: {idle_mb:.0f} MB",
             "first visitor (cold caches), seconds: " + ", ".join(f"{p} {first[p][0]:.2f}" for p in PAGES), "",
             "server CPU of one warm run (s), and the floor it sets for N sessions at once (CPU x N / cores;",
             "one Python process runs Python code on one core at a time (the GIL), so CPU x N is nearer the mark):"]
    for p in PAGES:
        floors = ", ".join(f"N={r['sessions']}: {costs[p] * r['sessions'] / CORES:.1f} s" for r in rounds)
        lines.append(f"  {p:<10} {costs[p]:.3f}   {floors}")
    lines += ["", "Time to a finished run per page (s), N sessions opening the link at the same moment:", ""]
    header = f"{'N':>4} {'page':<10} {'median':>7} {'p95':>7} {'max':>7} {'errors':>6}"
    lines += [header, "-" * len(header)]
    for r in rounds:
        for p in PAGES:
            s = r["pages"][p]
            lines.append(f"{r['sessions']:>4} {p:<10} {_s(s['median'])} {_s(s['p95'])} {_s(s['max'])} {s['errors']:>6}"
                         + (f"  first: {s['first_error']}" if s["errors"] else ""))
        lines.append(f"{'':>4} round {r['wall']:.1f} s wall, server CPU {r['cpu']:.1f} s (floor "
                     f"{r['cpu'] / CORES:.1f} s on {CORES} cores, {r['cpu']:.1f} s under the GIL); "
                     f"memory peak {r['peak_mb']:.0f} MB, "
                     f"{r['before_mb']:.0f} -> {r['after_mb']:.0f} MB after ({r['per_session_mb']:+.2f} MB per "
                     f"session, its last page held by the agent client) -> {r['idle_mb']:.0f} MB with every "
                     f"session idle on About ({r['idle_per_session_mb']:+.2f} MB per idle session)")
        lines.append("")
    if paints:
        lines.append("Chromium, seconds from navigation (every non-localhost request refused):")
        for label, found in paints.items():
            for name, values in found.items():
                lines.append(f"  {label:<12} {name:<38} median {statistics.median(values):.2f}  max {max(values):.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10,25,50,100", help="comma-separated numbers of simultaneous sessions")
    parser.add_argument("--actors", type=int, default=0, help="synthetic actors added to the seed (default none)")
    parser.add_argument("--browser", type=int, default=3, help="Chromium pages opened at once (0: no browser run)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = parser.parse_args(argv)
    try:
        sessions = [int(s) for s in args.sessions.split(",") if s.strip()]
    except ValueError:
        parser.error("--sessions takes numbers separated by commas, e.g. 10,25,50")
    if not sessions or min(sessions) < 1:
        parser.error("--sessions takes positive numbers")
    with tempfile.TemporaryDirectory(prefix="atlas-load-") as tmp:
        db = str(Path(tmp) / "atlas.duckdb")
        hub = make_database(db, args.actors)
        proc, url = start_server(db, Path(tmp) / "streamlit.log")
        meter = Meter(proc.pid)
        try:
            idle_mb = meter.rss() / 2**20
            first = visit(url, hub[0])  # the presenter's own visit: caches filled once
            costs = cpu_per_run(url, hub[0], meter)
            rounds = [round_of(url, hub[0], n, meter) for n in sessions]
            paints = browser_round(url, args.browser) if args.browser and os.path.exists("/usr/bin/chromium") else None
        finally:
            meter.stop()
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(report(rounds, costs, args.actors, hub, first, idle_mb, paints))
    if args.json:
        print(json.dumps({"rounds": rounds, "cpu_per_run": costs, "first": first, "paints": paints}, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
