"""Fetch the JavaScript/CSS the maps and the network need into ``static/vendor/`` so nothing loads from a CDN.

Run ``python scripts/fetch_static.py`` (needs ``npm``; the result is committed, so the app and CI
never run it). Each package is fetched with ``npm pack`` (the registry tarball, no install
scripts) and only the files folium's page template and our layers use are copied. Versions are
those folium 0.20 names in its CDN links, where npm has them.
"""
from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

#: npm package spec -> {path inside the package: path under static/vendor}
PACKAGES: dict[str, dict[str, str]] = {
    "leaflet@1.9.4": {
        "dist/leaflet.js": "leaflet/leaflet.js",
        "dist/leaflet.css": "leaflet/leaflet.css",
        "dist/images/": "leaflet/images/",
        "LICENSE": "leaflet/LICENSE",
    },
    "leaflet.markercluster@1.5.3": {
        "dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
        "dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
        "dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
        "MIT-LICENCE.txt": "markercluster/LICENSE",
    },
    # Client-side clustering of the actor layer: indexes 50,000 points in a fraction of a second.
    "supercluster@8.0.1": {
        "dist/supercluster.min.js": "supercluster/supercluster.min.js",
        "LICENSE": "supercluster/LICENSE",
    },
    # The map's "PNG" button draws the map (canvas layers, cluster icons, legend) into an image.
    "html2canvas@1.4.1": {
        "dist/html2canvas.min.js": "html2canvas/html2canvas.min.js",
        "LICENSE": "html2canvas/LICENSE",
    },
    "jquery@3.7.1": {
        "dist/jquery.min.js": "jquery/jquery.min.js",
        "LICENSE.txt": "jquery/LICENSE",
    },
    "bootstrap@5.2.2": {
        "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
        "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
        "LICENSE": "bootstrap/LICENSE",
    },
    "leaflet.awesome-markers@2.0.5": {
        "dist/leaflet.awesome-markers.js": "awesome-markers/leaflet.awesome-markers.js",
        "dist/leaflet.awesome-markers.css": "awesome-markers/leaflet.awesome-markers.css",
        "dist/images/": "awesome-markers/images/",
    },
    "@fortawesome/fontawesome-free@6.2.0": {
        "css/all.min.css": "fontawesome/css/all.min.css",
        # woff2 only: every browser that runs Leaflet reads it, and it halves the size.
        "webfonts/fa-solid-900.woff2": "fontawesome/webfonts/fa-solid-900.woff2",
        "webfonts/fa-regular-400.woff2": "fontawesome/webfonts/fa-regular-400.woff2",
        "webfonts/fa-brands-400.woff2": "fontawesome/webfonts/fa-brands-400.woff2",
        "webfonts/fa-v4compatibility.woff2": "fontawesome/webfonts/fa-v4compatibility.woff2",
        "LICENSE.txt": "fontawesome/LICENSE",
    },
    # The Network page's graph (static/atlas/network.js): the major version Streamlit's own
    # st.echarts_chart bundles, so the picture draws as it did there.
    "echarts@6.1.0": {
        "dist/echarts.min.js": "echarts/echarts.min.js",
        "LICENSE": "echarts/LICENSE",
        "NOTICE": "echarts/NOTICE",
    },
}


def _pack(spec: str, workdir: Path) -> Path:
    """``npm pack spec`` into ``workdir``, unpacked; returns the ``package/`` folder."""
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    target = workdir / spec.replace("/", "_").replace("@", "_")
    with tarfile.open(workdir / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            package = _pack(spec, Path(tmp))
            for source, dest in files.items():
                src, dst = package / source, VENDOR / dest
                dst.parent.mkdir(parents=True, exist_ok=True)
                if source.endswith("/"):
                    shutil.copytree(src, dst)
                else:
                    shutil.copyfile(src, dst)
            print(f"{spec}: {len(files)} entries")
    (VENDOR / "README.md").write_text(
        "Fetched by `scripts/fetch_static.py` with `npm pack`; each folder keeps its package's "
        "licence. Do not edit by hand.\n\n"
        + "\n".join(f"- {spec}" for spec in PACKAGES) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
