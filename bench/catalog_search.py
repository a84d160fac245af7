"""Catalogue search benchmark: 100,000 datasets, French queries with facets, SQLite and PostgreSQL.

For each fixed query it measures the latency (median, p95) of

- the HTML search page (``/fr/donnees/?…``, through URL routing, middleware, view, facets and template),
- the native API (``/api/v1/datasets?…&facets=true``),
- the raw full-text query alone (``ouvert.catalog.search.raw_search``: the FTS5 ``MATCH`` or the
  PostgreSQL ``@@`` with ranking, top 20 ids) on the same database in the same run,

and prints the first two as ratios to the third. Usage (see docs/performance.md):

    python bench/catalog_search.py --database sqlite:////tmp/ouvert-bench.sqlite3 --n 100000
    python bench/catalog_search.py --database postgres://postgres@127.0.0.1:5432/ouvert_catalog --n 100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    ("ecoles", {}),
    ("ecoles", {"kind": "municipality"}),
    ("transport en commun", {"theme": "transport"}),
    ('"qualite de l\'eau"', {}),
    ("velo montreal", {"res_format": "CSV"}),
    ("permis construction", {"kind": "municipality", "frequency": "monthly"}),
    ("budget", {"sort": "modified"}),
]

SUBJECTS = [
    "Écoles primaires", "Écoles secondaires", "Transport en commun", "Qualité de l'eau potable", "Pistes cyclables",
    "Comptages de vélos", "Permis de construction", "Budget municipal", "Arbres publics", "Collectes des déchets",
    "Bornes d'incendie", "Stationnements", "Patinoires extérieures", "Bibliothèques", "Contrats publics",
    "Subventions de recherche", "Accidents routiers", "Inondations", "Évaluation foncière", "Parcs et espaces verts",
    "Qualité de l'air", "Déneigement", "Logements sociaux", "Garderies", "Hôpitaux et urgences",
]
PLACES = ["Montréal", "Québec", "Laval", "Gatineau", "Sherbrooke", "Lévis", "Trois-Rivières", "Saguenay",
          "Rimouski", "Longueuil", "Terrebonne", "Drummondville"]
_SENTENCE = ("données ouvertes annuelles mensuelles localisation adresse municipalité région ministère service "
              "inventaire statistiques indicateurs géographiques tableau résultats analyse citoyens réseau rue "
              "quartier "
              "arrondissement population santé éducation environnement énergie économie entreprises emploi culture "
              "loisirs sécurité justice transport infrastructure territoire cartographie finances dépenses revenus")
WORDS = _SENTENCE.split()
FORMATS = ["CSV", "CSV", "CSV", "JSON", "GEOJSON", "XLSX", "PDF", "SHP"]
CKAN_FACETS = ["organization", "groups", "tags", "res_format", "license_id", "update_frequency", "organization_kind",
               "is_reference", "language"]
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "yearly", "irregular"]


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n: int, seed: int = 42) -> None:
    """Bulk generation, in batches of 5,000: ``bulk_create`` of the datasets, resources, keyword and
    theme links and search documents, then the platform's own index writers — ``search.write_index``
    (the FTS5 rows or the ``tsvector`` columns, the same normalization as a publish) per batch and
    ``facet_rows.facets_build`` (the facet rows and counts) once at the end. What it bypasses, being
    no publish: versions, audit entries, follower notices, webhooks and quality tasks, and the
    documents are built here (title, keywords, description, organization and resource name: the text
    ``search._document`` would give these datasets, themes' titles left out)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ouvert.catalog import search
    from ouvert.catalog.facet_rows import facets_build
    from ouvert.catalog.models import Dataset, DatasetFacet, Keyword, Licence, Resource, SearchDocument, Theme
    from ouvert.core.models import Organization

    existing = Dataset.objects.count()
    if existing >= n:
        print(f"{existing} jeux déjà présents : génération sautée")
        if not DatasetFacet.objects.exists():  # a generation stopped before its facet build
            started = time.perf_counter()
            facets_build()
            with connection.cursor() as cursor:  # VACUUM: PostgreSQL's visibility map, for index-only scans
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"  lignes de facettes et décomptes construits ({time.perf_counter() - started:.1f} s)", flush=True)
        return
    rng = random.Random(seed)
    kinds = ["municipality", "ministry", "public_body", "civil_society"]
    orgs = [Organization.objects.get_or_create(slug=f"bench-{i}", defaults={
        "kind": kinds[i % 4], "name_fr": f"{PLACES[i % len(PLACES)]} organisme {i}"})[0] for i in range(40)]
    licences = list(Licence.objects.all())
    themes = list(Theme.objects.all())
    keywords = [Keyword.objects.get_or_create(name=w)[0] for w in WORDS[:40]]
    now = timezone.now()
    t0 = time.perf_counter()
    batch = 5000
    for start in range(existing, n, batch):
        datasets, resources, doc_rows, kw_rows, theme_rows = [], [], [], [], []
        for i in range(start, min(start + batch, n)):
            subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
            title = f"{subject} — {place} {2000 + i % 26}"
            notes = " ".join(rng.choice(WORDS) for _ in range(40))
            org = rng.choice(orgs)
            ds = Dataset(id=uuid.UUID(int=rng.getrandbits(128)), name=f"jeu-{i}", title=title, notes=notes,
                         organization=org, licence=rng.choice(licences), update_frequency=rng.choice(FREQUENCIES),
                         state="active", private=i % 50 == 0, is_reference=i % 40 == 0,
                         first_published_at=now, updated_at=now, view_count=rng.randrange(1000),
                         download_count=rng.randrange(200))
            datasets.append(ds)
            resources.append(Resource(dataset=ds, position=1, name=f"{subject}.csv", format=rng.choice(FORMATS),
                                      url=f"https://exemple.qc.ca/{i}.csv"))
            kws = rng.sample(keywords, 3)
            kw_rows += [Dataset.keywords.through(dataset=ds, keyword=k) for k in kws]
            theme_rows.append(Dataset.themes.through(dataset=ds, theme=rng.choice(themes)))
            body = f"{notes} {org.name_fr} {subject}.csv"
            doc_rows.append((ds, title, " ".join(k.name for k in kws), body))
        with transaction.atomic():
            Dataset.objects.bulk_create(datasets)
            Resource.objects.bulk_create(resources)
            Dataset.keywords.through.objects.bulk_create(kw_rows)
            Dataset.themes.through.objects.bulk_create(theme_rows)
            SearchDocument.objects.bulk_create([SearchDocument(dataset=d, title=t, keywords=k, body=b)
                                                for d, t, k, b in doc_rows])
            search.write_index(
                ((str(d.pk) if connection.vendor == "postgresql" else d.pk.hex,
                  {"title": t, "keywords": k, "body": b, "title_en": "", "keywords_en": "", "body_en": ""})
                 for d, t, k, b in doc_rows), new=True)
        done = min(start + batch, n)
        elapsed = time.perf_counter() - t0
        print(f"  {done} jeux générés ({elapsed:.0f} s, {(done - existing) / elapsed:.0f}/s)", flush=True)
    started = time.perf_counter()
    facets_build()  # every dataset's facet rows in one statement, then the counts in one GROUP BY
    search.catalogue_changed()
    print(f"  lignes de facettes et décomptes construits ({time.perf_counter() - started:.1f} s)", flush=True)
    with connection.cursor() as cursor:  # VACUUM: PostgreSQL's visibility map, for index-only scans
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  {n - existing} jeux en {time.perf_counter() - t0:.0f} s "
          f"({(n - existing) / (time.perf_counter() - t0):.0f} jeux/s, ANALYZE compris)", flush=True)


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def cold(fn, repeat: int) -> list[float]:
    """Each measure right after a change of the catalogue (its version bumped: every cached search
    of the previous version is no longer read)."""
    from ouvert.catalog import search

    out = []
    for _ in range(repeat):
        search.catalogue_changed()
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="sqlite:////chemin.sqlite3 ou postgres://…")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup(args.database)
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    from ouvert.catalog import search

    generate(args.n)
    client = Client()
    load = os.getloadavg()
    print(f"\nBase : {connection.vendor}, {args.n} jeux de données, {args.repeat} mesures par cas (ms); "
          f"charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("« froid » : juste après un changement du catalogue (sa version vient d'augmenter, rien en cache) ; "
          "« chaud » : la même requête ensuite.")
    header = (f"{'requête':45} {'brute méd/p95':>15} {'HTML froid':>11} {'×':>6} {'HTML chaud':>11} {'×':>6} "
              f"{'API froid':>11} {'×':>6} {'API chaud':>11} {'×':>6}")
    print(header)
    ratios: dict[str, list[float]] = {"html_cold": [], "html_warm": [], "api_cold": [], "api_warm": []}
    for query, facets in QUERIES:
        params = {"q": query, **facets}
        api_params = {("format" if k == "res_format" else k): v for k, v in params.items()} | {"facets": "true"}
        html_path, api_path = "/fr/donnees/?" + urlencode(params), "/api/v1/datasets?" + urlencode(api_params)
        raw = timed(lambda q=query: search.raw_search(q, 20), args.repeat)
        html_cold = cold(lambda p=html_path: client.get(p), args.repeat)
        html = timed(lambda p=html_path: client.get(p), args.repeat)
        api_cold = cold(lambda p=api_path: client.get(p), args.repeat)
        api = timed(lambda p=api_path: client.get(p), args.repeat)
        check = client.get(api_path).json()["count"]
        base = statistics.median(raw)
        figures = {"html_cold": html_cold, "html_warm": html, "api_cold": api_cold, "api_warm": api}
        for name, values in figures.items():
            ratios[name].append(statistics.median(values) / base)
        label = (query + " " + urlencode(facets))[:45]
        cells = " ".join(f"{statistics.median(v):11.1f} {statistics.median(v) / base:6.1f}" for v in figures.values())
        print(f"{label:45} {base:7.1f}/{p95(raw):<7.1f} {cells}   ({check} résultats)")
    print("\nRatio médian / requête brute : " + ", ".join(
        f"{name} {statistics.median(values):.1f}×" for name, values in ratios.items()))

    # CKAN's package_search with the nine facet fields against the native API with its facets, the
    # same text, both cold (the native API's cache emptied by a change) and the native API warm.
    print(f"\n{'package_search (9 facet.field)':45} {'CKAN méd/p95':>15} {'API froid':>11} {'×':>6} "
          f"{'API chaud':>11} {'×':>6}")
    ckan_ratios: list[float] = []
    for query, _facets in QUERIES:
        body = json.dumps({"q": query, "rows": 20, "facet.field": CKAN_FACETS})
        ckan = timed(lambda b=body: client.post("/api/3/action/package_search", b,
                                                content_type="application/json"), args.repeat)
        api_path = "/api/v1/datasets?" + urlencode({"q": query, "facets": "true"})
        api_cold = cold(lambda p=api_path: client.get(p), args.repeat)
        api = timed(lambda p=api_path: client.get(p), args.repeat)
        ratio = statistics.median(ckan) / statistics.median(api_cold)
        ckan_ratios.append(ratio)
        print(f"{query[:45]:45} {statistics.median(ckan):7.1f}/{p95(ckan):<7.1f} {statistics.median(api_cold):11.1f} "
              f"{ratio:6.1f} {statistics.median(api):11.1f} {statistics.median(ckan) / statistics.median(api):6.1f}")
    print(f"Ratio médian CKAN / API native (froide) : {statistics.median(ckan_ratios):.1f}×")

    # Pages with no text, facet filters only: their counts come from the shared cache, invalidated by
    # every change (target: under 100 ms). "froid" = the first request after a change (a publish bumps
    # the catalogue's version), "chaud" = the next ones.
    load = os.getloadavg()
    print(f"\n(charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    # "changement": the change itself (search.catalogue_changed, with the recount it queues when the
    # code has one, run inline by the test settings' immediate task backend); "sans tâche": the first
    # request after a bare bump of the version, as a visitor arriving before that recount would see.
    print(f"\n{'page sans texte (filtres seuls)':45} {'changement':>10} {'froid':>9} {'sans tâche':>10} "
          f"{'chaud méd/p95':>15}")
    from django.db.models import F

    from ouvert.catalog.models import CatalogueVersion

    for facets in ({}, {"kind": "municipality"}, {"theme": "transport", "res_format": "CSV"}):
        path = "/fr/donnees/?" + urlencode(facets)
        changes, colds, bare = [], [], []
        for _ in range(3):
            started = time.perf_counter()
            search.catalogue_changed()
            changes.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(path)
            colds.append((time.perf_counter() - started) * 1000)
            CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1)
            started = time.perf_counter()
            client.get(path)
            bare.append((time.perf_counter() - started) * 1000)
        warm = timed(lambda p=path: client.get(p), args.repeat)
        print(f"{path:45} {statistics.median(changes):10.1f} {statistics.median(colds):9.1f} "
              f"{statistics.median(bare):10.1f} {statistics.median(warm):7.1f}/{p95(warm):<7.1f}")


if __name__ == "__main__":
    main()
