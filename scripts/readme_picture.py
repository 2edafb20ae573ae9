"""Regenerate the README's picture (``docs/find-partners.png``) from the app itself, so it shows
the current interface: ``python scripts/readme_picture.py``.

Seeds a database in a temporary folder, starts the app on a free local port, opens Find partners
as a municipality would (the Commune d'Oujda, looking for partners on health) in Debian's
Chromium, and saves the window at 1280x960 (nothing outside localhost is fetched). Needs the test
dependencies (Playwright) and Chromium (``make browser``).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "find-partners.png"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
VIEW = "/partners?of=commune-oujda&on=health&lang=en"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: the app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # polling the health check
    sys.exit("error: the app did not start")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from mapping.seed import init_database

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "atlas.duckdb"
        init_database(str(db)).close()
        port = _port()
        env = dict(os.environ, ATLAS_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                                 "--server.headless", "true", "--server.address", "127.0.0.1"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, proc)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 960})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((url, "data:", "blob:"))
                           else r.abort())
                page.goto(url + VIEW, wait_until="domcontentloaded")
                page.get_by_role("heading", name="Potential partners, best first").wait_for(timeout=60_000)
                page.wait_for_selector(READY, timeout=60_000)
                page.locator("[class*='st-key-partner_']").nth(2).wait_for()
                # Every card's link drawn with its name (page links render after the card itself).
                page.wait_for_function("""() => { const cards = document.querySelectorAll("[class*='st-key-partner_']");
                    return cards.length >= 3 && Array.from(cards).slice(0, 3).every(c => {
                        const a = c.querySelector('a'); return a && a.innerText.trim().length > 3; })
                        && !document.querySelector("[data-testid='stSkeleton']"); }""", timeout=60_000)
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
