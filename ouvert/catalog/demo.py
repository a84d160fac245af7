"""Demo catalogue: real Québec open data shipped with the package (``demo_data/``: a curated pack of
files, their provenance in ``manifest.json`` and ``NOTICE.md``, built by ``scripts/demo_pack.py``),
one dataset per entry of the manifest with its files as uploaded resources and a documentation link
to the source; then requests, votes and the learning pages. Tabular files are loaded into the
datastore before serving, so the tables, charts and quality figures are there at once.
Idempotent: does nothing once a demo dataset exists."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ouvert.core.models import Organization, User

from . import learning, services
from .demo_english import ENGLISH
from .models import Dataset, DatasetRequest, Licence, Theme

PACK = Path(__file__).resolve().parent / "demo_data"
IMAGES = Path(__file__).resolve().parent / "demo_images"  # the reuses' pictures, drawn by scripts/demo_images.py
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def pack_manifest() -> dict:
    """The pack's manifest (see ``demo_data/NOTICE.md``)."""
    return json.loads((PACK / "manifest.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PackFile:
    filename: str
    data: bytes
    description: str
    format: str = ""
    data_dictionary: tuple = ()
    description_en: str = ""


def _source_url(entry: dict) -> str:
    src = entry["source"]
    return f"{src['repository']}/blob/{src['commit']}/{quote(src['path'])}"


FILE_NOTE = {"fr": ("Source : {where}.", " Extrait : les {kept} premières lignes sur {total}."),
             "en": ("Source: {where}.", " Extract: the first {kept} rows of {total}.")}


def _file_note(entry: dict, language: str = "fr") -> str:
    src = entry["source"]
    source, extract = FILE_NOTE[language]
    text = source.format(where=f"{src['repository']} @ {src['commit']}, {src['path']}")
    if entry["rows_kept"] is not None:
        text += extract.format(kept=entry["rows_kept"], total=entry["rows_total"])
    return text


def pack_files(item: dict) -> list[PackFile]:
    """A dataset's files as a publisher uploads them: a shapefile's parts as one ZIP, others as they are."""
    entries = item["files"]
    parts = [e for e in entries if Path(e["file"]).suffix.lower() in SHAPEFILE_PARTS]
    complete = {Path(e["file"]).suffix.lower() for e in parts} >= {".shp", ".shx", ".dbf"}
    out = []
    if complete:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in parts:
                archive.writestr(entry["name"], (PACK / entry["file"]).read_bytes())
        shp = next(e for e in parts if e["file"].lower().endswith(".shp"))
        out.append(PackFile(Path(shp["name"]).stem + ".zip", buffer.getvalue(),
                            " ".join(_file_note(e) for e in parts), format="SHP",
                            data_dictionary=tuple(shp.get("data_dictionary", ())),
                            description_en=" ".join(_file_note(e, "en") for e in parts)))
    for entry in entries:
        if complete and entry in parts or Path(entry["file"]).suffix.lower() == ".txt":
            continue
        out.append(PackFile(entry["name"], (PACK / entry["file"]).read_bytes(), _file_note(entry),
                            data_dictionary=tuple(entry.get("data_dictionary", ())),
                            description_en=_file_note(entry, "en")))
    return out


def _notes(item: dict) -> str:
    files = item["files"]
    trimmed = [e for e in files if e["rows_kept"] is not None]
    provenance = (f"**Provenance.** Données réelles publiées par {item['publisher']}, sous licence "
                  f"{item['licence']['title']}. Fichiers tirés du dépôt public {files[0]['source']['repository']} "
                  f"(commit {files[0]['source']['commit']}) et livrés tels quels avec la démonstration d'Ouvert "
                  "(avis : ouvert/catalog/demo_data/NOTICE.md).")
    if item["licence_note"]:
        provenance += " " + item["licence_note"]
    if trimmed:
        provenance += " Extrait : " + "; ".join(
            f"{e['name']}, {e['rows_kept']} premières lignes sur {e['rows_total']}" for e in trimmed) + "."
    return f"{item['description']}\n\n{provenance}"


def _notes_en(item: dict) -> str:
    """The English description: the translation of the French one (``demo_english``) and the provenance."""
    files = item["files"]
    english = ENGLISH[item["key"]]
    trimmed = [e for e in files if e["rows_kept"] is not None]
    provenance = (f"**Provenance.** Real data published by {item['publisher']}, under the licence "
                  f"{item['licence']['title']}. Files taken from the public repository "
                  f"{files[0]['source']['repository']} (commit {files[0]['source']['commit']}) and shipped as they "
                  "are with Ouvert's demo (notice: ouvert/catalog/demo_data/NOTICE.md).")
    if english.licence_note:
        provenance += " " + english.licence_note
    if trimmed:
        provenance += " Extract: " + "; ".join(
            f"{e['name']}, the first {e['rows_kept']} rows of {e['rows_total']}" for e in trimmed) + "."
    return f"{english.description}\n\n{provenance}"


REQUESTS = [
    (
        "montreal",
        "transport",
        "Données des feux de circulation synchronisés",
        "Pour étudier la priorité aux autobus et la sécurité des piétons aux intersections de Montréal.",
        14,
    ),
    (
        "mtmd",
        "transport",
        "Temps de parcours sur les autoroutes en temps réel",
        "Pour bâtir une application de planification de trajets qui évite la congestion.",
        9,
    ),
    (
        "banq",
        "loisirs-culture",
        "Statistiques de prêts par titre",
        "Pour mieux connaître les lectures des Québécois et orienter les achats des bibliothèques.",
        7,
    ),
    (
        "quebec",
        "environnement",
        "Mesures de la qualité de l'air par quartier",
        "Les citoyens veulent comparer la qualité de l'air près des écoles et des garderies.",
        11,
    ),
    (
        "sct",
        "gouvernement-finances",
        "Salaires moyens par catégorie d'emploi",
        "Pour comparer la rémunération publique et privée avec des données officielles.",
        3,
    ),
]


def _spread(index: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=7 * index + 1)


def demo_load(stdout=None) -> bool:
    if not _catalog_load(stdout):
        return False
    _ingest_now()
    for dataset in Dataset.objects.filter(name__in=[d["key"] for d in pack_manifest()["datasets"]]):
        services.dataset_quality_refresh(dataset=dataset)
    return True


@transaction.atomic
def _catalog_load(stdout=None) -> bool:
    if Dataset.objects.filter(name="bornes-dincendie").exists():
        return False
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return False
    themes = {t.slug: t for t in Theme.objects.all()}
    organizations = {o.slug: o for o in Organization.objects.all()}
    licences = {licence.slug: licence for licence in Licence.objects.all()}
    count = files = 0
    for index, item in enumerate(pack_manifest()["datasets"]):
        organization = organizations.get(item["organization"])
        if organization is None:
            continue
        dataset = services.dataset_create(
            by=admin, organization=organization, title=item["title"], name=item["key"], keywords=item["keywords"],
            themes=[themes[s] for s in item["themes"] if s in themes], notes=_notes(item),
            title_en=ENGLISH[item["key"]].title, notes_en=_notes_en(item), keywords_en=ENGLISH[item["key"]].keywords,
            licence=licences.get(item["licence"]["slug"]), update_frequency=item["frequency"],
            spatial=item["spatial"], source_url=item["files"][0]["source"]["repository"],
            contact_name=f"Équipe des données ouvertes — {organization.acronym or organization.name_fr}",
            contact_email=f"donnees.ouvertes@{organization.slug}.demo.ouvert.quebec",
            temporal_start=dt.date(2015 + index % 8, 1, 1),
        )
        for pack_file in pack_files(item):
            services.resource_create(dataset=dataset, by=admin, name=pack_file.filename,
                                     description=pack_file.description, format=pack_file.format,
                                     description_en=pack_file.description_en,
                                     data_dictionary=list(pack_file.data_dictionary),
                                     file=SimpleUploadedFile(pack_file.filename, pack_file.data))
            files += 1
        services.resource_create(dataset=dataset, by=admin, url=_source_url(item["files"][0]),
                                 name="Fichier d'origine dans le dépôt source", format="HTML",
                                 name_en="Original file in the source repository", is_documentation=True)
        services.dataset_publish(dataset=dataset, by=admin)
        count += 1
        # Spread the dates so that sorts, the calendar and "late" flags mean something.
        when = _spread(index)
        Dataset.objects.filter(pk=dataset.pk).update(
            first_published_at=when, updated_at=when, data_modified_at=when,
            view_count=(index * 37) % 500, download_count=(index * 13) % 120)
    citizens = list(User.objects.filter(is_superuser=False, memberships__isnull=True)) or [admin]
    voters = list(User.objects.all()[:20])
    for slug, theme, title, why, votes in REQUESTS:
        if slug not in organizations:
            continue
        item = services.request_create(
            by=citizens[0], title=title, description=why, organization=organizations[slug], theme=themes.get(theme)
        )
        for voter in voters[: min(votes, len(voters))]:
            services.request_vote(request=item, by=voter)
    planned = DatasetRequest.objects.filter(title__startswith="Temps de parcours").first()
    if planned and admin:
        services.request_answer(
            request=planned,
            by=admin,
            status="planned",
            answer="Publication prévue avec le nouveau système de capteurs.",
            target_date=timezone.localdate() + dt.timedelta(days=120),
        )
    _learning_demo(admin)
    if stdout is not None:
        stdout.write(f"catalogue : {count} jeux de données, {files} fichiers réels du lot de démonstration\n")
    return True


def _ingest_now() -> None:
    """Load the demo's tabular files into the datastore now (the worker would do it later): a visitor
    meets tables, charts and quality reports from the first page. Each job is the one queued by the
    upload; the queued task later finds it done and does nothing."""
    if not apps.is_installed("ouvert.datastore"):
        return
    from ouvert.datastore.models import IngestJob, JobStatus
    from ouvert.datastore.services import datastore_ingest_run

    for job in IngestJob.objects.filter(status=JobStatus.PENDING).order_by("created_at"):
        datastore_ingest_run(job=job)


def _learning_demo(admin: User | None) -> None:
    """Tutorials, reuses and a hackathon (HackQC-like)."""
    if admin is None:
        return
    for tutorial in learning.tutorial_files():
        learning.tutorial_save(by=admin, **tutorial)
    by_name = {d.name: d for d in Dataset.objects.filter(name__in=[
        "historique-des-alertes-de-securite-civile", "murales", "comptages-de-velos-sur-les-pistes-cyclables",
        "bornes-dincendie", "debits-de-circulation-du-reseau-routier", "contrats-publics-octroyes"])}
    event = learning.hackathon_create(
        by=admin, title="HackQC 2026", theme="Mobilité, sécurité civile et culture",
        starts_on=dt.date(2026, 10, 16), ends_on=dt.date(2026, 10, 18), location="Québec (Cégep de Sainte-Foy)",
        description="Un week-end pour créer des services utiles à partir des **données ouvertes** des "
                    "municipalités et du gouvernement du Québec.",
        datasets=list(by_name.values()))
    reuses = [
        ("Alerte voisinage", "application", "https://exemple.quebec/alerte-voisinage",
         "Application mobile qui avertit quand une alerte de sécurité civile touche votre municipalité.",
         ["historique-des-alertes-de-securite-civile"], event, True, "alerte-voisinage"),
        ("Balade des murales", "visualization", "https://exemple.quebec/murales",
         "Carte interactive et parcours à pied des murales de Montréal.", ["murales"], event, False,
         "balade-des-murales"),
        ("Où roule-t-on à vélo?", "article", "https://exemple.quebec/velo-montreal",
         "Analyse de dix ans de comptages de vélos : effets de la météo et des nouvelles pistes.",
         ["comptages-de-velos-sur-les-pistes-cyclables"], None, False, "ou-roule-t-on-a-velo"),
        ("Qui obtient les contrats publics?", "visualization", "https://exemple.quebec/contrats",
         "Tableau de bord des contrats octroyés par fournisseur et par organisme.", ["contrats-publics-octroyes"],
         None, False, "contrats-publics"),
        ("La borne la plus proche", "application", "https://exemple.quebec/bornes",
         "Carte des bornes d'incendie de Gatineau : trouvez la plus proche d'une adresse, pour les pompiers "
         "volontaires et les assureurs.", ["bornes-dincendie"], event, False, "bornes-incendie"),
        ("Débits routiers en un coup d'œil", "visualization", "https://exemple.quebec/debits",
         "Les débits journaliers moyens du réseau routier, tronçon par tronçon, en couleurs.",
         ["debits-de-circulation-du-reseau-routier"], None, False, "debits-routiers"),
    ]
    for title, kind, url, description, names, hackathon, winner, picture in reuses:
        datasets = [by_name[n] for n in names if n in by_name]
        if not datasets:
            continue
        image = IMAGES / f"{picture}.png"
        reuse = learning.reuse_propose(by=admin, title=title, kind=kind, url=url, description=description,
                                       datasets=datasets, hackathon=hackathon,
                                       image=SimpleUploadedFile(image.name, image.read_bytes(), "image/png"))
        learning.reuse_moderate(reuse=reuse, by=admin, approve=True, is_winner=winner)
