"""Map preview of a large layer: time to the first simplified response vs reading the raw file.

    .venv/bin/python bench/geo_preview.py [--mb 100] [--runs 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ouvert_geo .venv/bin/python bench/geo_preview.py

Generates a GeoJSON layer of about ``--mb`` megabytes (irregular polygons of 120 vertices spread
over southern Québec, with attributes), loads it once (read, reproject-free WGS 84, store, precompute
overviews), then measures, median over ``--runs``:

- baseline: reading the raw GeoJSON (open + json.loads), the least a client-side viewer must do
  before drawing anything, without even counting the transfer of the file;
- preview: the HTTP request the map preview makes first (``/features`` at the layer's fit zoom,
  gzip) plus gunzip and json.loads of the answer on the client side (and the server side alone);
- a zoomed-in window (bbox at fit zoom + 4), cold (first request, simplified on demand) and warm.

Prints each as milliseconds and as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, megabytes: float, seed: int = 42) -> int:
    """Write ~``megabytes`` MB of GeoJSON; returns the number of features."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    written = 0
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        while written < target:
            lon, lat = rng.uniform(-79.0, -64.0), rng.uniform(45.0, 49.5)
            radius = rng.uniform(0.002, 0.03)
            ring = []
            for k in range(120):
                angle = 2 * math.pi * k / 120
                r = radius * (0.75 + 0.25 * math.sin(5 * angle) + rng.uniform(-0.05, 0.05))
                ring.append([round(lon + r * math.cos(angle) / math.cos(math.radians(lat)), 6),
                             round(lat + r * math.sin(angle), 6)])
            ring.append(ring[0])
            feature = {"type": "Feature", "properties": {
                "id": count, "nom": f"Secteur {count}", "population": rng.randint(0, 50_000),
                "densite": round(rng.uniform(0, 12_000), 2), "categorie": rng.choice(["A", "B", "C", "D"])},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}
            text = ("," if count else "") + json.dumps(feature, separators=(",", ":")) + "\n"
            out.write(text)
            written += len(text)
            count += 1
        out.write("]}\n")
    return count


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ouvert-geo-bench-"))
    os.environ.setdefault("OUVERT_DATA_DIR", str(work))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ouvert.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from ouvert.geo import selectors
    from ouvert.geo.bbox import BBox
    from ouvert.geo.services import layer_load_path

    call_command("migrate", interactive=False, verbosity=0)
    database = "PostgreSQL" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "SQLite"
    source = work / "couche.geojson"
    start = time.perf_counter()
    features = generate(source, args.mb)
    size = source.stat().st_size
    print(f"Generated {source.name}: {size / 1e6:.1f} MB, {features} polygons x 121 vertices "
          f"({time.perf_counter() - start:.1f} s)")

    start = time.perf_counter()
    layer = layer_load_path(resource_id=uuid.uuid4(), path=source, name="Banc d'essai", by=None)
    print(f"Database: {database}; one-time load (read, store, 3 overviews): {time.perf_counter() - start:.1f} s")

    def read_raw():
        with source.open("rb") as handle:
            json.loads(handle.read())

    client = Client()
    url = f"/api/v1/geo/layers/{layer.resource_id}/features"
    sizes = {}

    def first_response():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, response.status_code
        sizes["overview"] = len(response.content)
        sizes["overview_features"] = len(json.loads(gzip.decompress(response.content))["features"])

    fit = selectors.layer_fit_zoom(layer)
    minx, miny, maxx, maxy = layer.bbox
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    span = (maxx - minx) / 2 ** 5
    box = BBox(cx - span, cy - span / 2, cx + span, cy + span / 2)
    window_url = f"{url}?zoom={fit + 4}&bbox={box.as_ckan()}"

    def window():
        response = client.get(window_url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        sizes["window_features"] = len(json.loads(gzip.decompress(response.content))["features"])

    def server_only():
        assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == 200

    baseline = median_ms(read_raw, args.runs)
    preview = median_ms(first_response, args.runs)
    server = median_ms(server_only, args.runs)
    start = time.perf_counter()
    window()
    window_cold = (time.perf_counter() - start) * 1000
    window_warm = median_ms(window, args.runs)

    print(f"\nMedian of {args.runs} runs; ratio = time / baseline (lower is better)")
    print(f"{'measure':58} {'ms':>9} {'ratio':>7}")
    rows = [
        ("baseline: read raw GeoJSON (open + json.loads)", baseline),
        (f"preview first response, zoom {fit} ({sizes['overview'] / 1e6:.2f} MB gzip, "
         f"{sizes['overview_features']} feat.)", preview),
        ("  of which server side (HTTP response, bytes not parsed)", server),
        (f"zoomed window z{fit + 4}, cold ({sizes['window_features']} features)", window_cold),
        (f"zoomed window z{fit + 4}, warm (cache)", window_warm),
    ]
    for label, value in rows:
        print(f"{label:58} {value:9.1f} {value / baseline:7.3f}")
    print(f"\nBytes: raw {size / 1e6:.1f} MB vs first response {sizes['overview'] / 1e6:.2f} MB "
          f"({size / sizes['overview']:.0f}x smaller)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
