"""Nothing unpublished leaks: every URL pattern that can return data, tried by every kind of reader
against every non-public state of a dataset and of a resource.

``ROUTES`` has one entry for every URL pattern of the project and every CKAN action: a probe (how
to ask that route for the secret dataset's or resource's data) or an exemption with its reason. A
new URL pattern or action without an entry fails :func:`test_every_route_has_an_entry`, so nobody
adds a read path without saying how it is kept from leaking.

The world: organization A publishes a dataset whose title carries ``DATASET_MARK`` and one uploaded
CSV file with coordinates (so it has a datastore table *and* a map layer) whose rows, name and
file carry ``RESOURCE_MARK``. Each scenario moves it to one state; each reader (anonymous, a
signed-in citizen, an editor of another organization) tries every probe; no answer may carry the
marks, and object routes must refuse (401, 403 or 404). The same probes run on the public dataset
first as a control: each must find the marks there, so a probe cannot pass by asking the wrong
thing.

A second world does the same for consultations (level ``consultation``): a draft consultation with
a meeting, a document and a question carrying ``CONSULTATION_MARK`` is refused to every reader
outside its organization, and the same probes find it once published (and its results published).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ouvert.api.ckan.table import ACTIONS

DATASET_MARK = "Zqxdatasetmark"
RESOURCE_MARK = "Zqxresourcemark"
CSV = ("nom,latitude,longitude,valeur\n"
       + "".join(f"{RESOURCE_MARK} {i},{45.50 + i / 1000:.3f},{-73.60 - i / 1000:.3f},{i}\n" for i in range(12)))
BBOX = "-73.7,45.4,-73.5,45.6"
WORD = "matriciel"  # what searches ask for: a word of the description, so that no page echoes a mark
TAG = "matrice-acces"

CONSULTATION_MARK = "Zqxconsultationmark"

Level = Literal["dataset", "resource", "consultation"]


@dataclass(frozen=True)
class Probe:
    """``path`` is formatted with the world (``{name}``, ``{rid}``, ``{did}``, ``{media}``, ``{file}``,
    ``{org}``); ``level`` says which mark it may reveal: ``dataset`` probes are about the dataset
    (not tried once only the resource is gone), ``resource`` probes about the resource and what
    derives from it. ``listing``: a list that must merely leave the secret out (200 is fine)."""

    path: str
    level: Level = "resource"
    listing: bool = False
    method: str = "get"
    data: dict = field(default_factory=dict)
    token: bool = False  # sent with the reader's API token (token-only routes)
    history: bool = False  # a public dataset's history: a resource deleted since was public then
    shows: bool = True  # its answer names the object (False: counts or a binary file)
    organizers_only: bool = False  # refused to outsiders even when published (control skips it)


@dataclass(frozen=True)
class Exempt:
    reason: str


WRITE = Exempt("write: the service refuses anyone who is not an editor of the owning organization "
               "(catalogue, datastore and geo service tests)")
NO_DATA = Exempt("returns no object's data (static page, form, or the reader's own account)")
OWN = Exempt("the reader's own things only (account, tokens, follows, trash of their organizations)")
CONSULTATION_TOKEN = Exempt("reached only through a participant's own token (issued by a published "
                            "consultation's survey); consultations tests")
MODERATION = Exempt("moderation queue and reports: moderators of the organizing organization (consultations tests)")
PLAN = Exempt("a plan and what hangs from it (commitments, milestones, updates, JSON, CSV, evidence files, feed) "
              "share the plan's standing in ouvert.plans.access: a draft plan is refused to outsiders (plans tests, "
              "test_draft_plan_is_hidden_from_outsiders)")
OPENACCESS = Exempt("open-access publications: metadata public, embargoed files unreadable by every path, "
                    "deleted records tombstones only (openaccess tests)")
PROPOSAL = Exempt("proposals exist only once the consultation is published (participation open); "
                  "consultations tests")


def consultation(path: str, listing: bool = False, shows: bool = True) -> Probe:
    """A probe of the consultation world: ``{cslug}`` the consultation, ``{event}`` its meeting."""
    return Probe(path, level="consultation", listing=listing, shows=shows)


def organize(path: str) -> Probe:
    """An organizer's page: refused to everyone outside the organizing organization, draft or not."""
    return Probe(path, level="consultation", organizers_only=True)
HARVEST = Exempt("harvest sources and runs: organization members only, tested in harvest tests; no dataset data")
ORG = Exempt("organization pages list datasets through the catalogue's visible_datasets (see the listing "
             "probes of the catalogue)")


def ckan(action: str, level: Level = "resource", listing: bool = False, **data) -> Probe:
    return Probe(f"/api/3/action/{action}", level=level, listing=listing, data=data)


ROUTES: dict[str, Probe | Exempt | list[Probe]] = {
    # native API: geo
    "api/v1/geo/layers/<resource_id>": Probe("/api/v1/geo/layers/{rid}"),
    "api/v1/geo/layers/<resource_id>/features": Probe("/api/v1/geo/layers/{rid}/features"),
    "api/v1/geo/layers/<resource_id>/features/<index>": Probe("/api/v1/geo/layers/{rid}/features/0"),
    "api/v1/geo/layers/<resource_id>/export/<fmt>": [Probe("/api/v1/geo/layers/{rid}/export/geojson"),
                                                     Probe("/api/v1/geo/layers/{rid}/export/csv"),
                                                     Probe("/api/v1/geo/layers/{rid}/export/shapefile", shows=False)],
    "api/v1/geo/datasets": Probe("/api/v1/geo/datasets?bbox=" + BBOX, listing=True, level="dataset"),
    "api/v1/geo/places": NO_DATA,
    # native API: datastore
    "api/v1/datastore/<resource_id>": Probe("/api/v1/datastore/{rid}"),
    "api/v1/datastore/<resource_id>/rows": Probe("/api/v1/datastore/{rid}/rows"),
    "api/v1/datastore/<resource_id>/search": Probe("/api/v1/datastore/{rid}/search?q=valeur"),
    "api/v1/datastore/<resource_id>/aggregate": Probe("/api/v1/datastore/{rid}/aggregate?group=nom"),
    "api/v1/datastore/<resource_id>/export.<fmt>": [Probe("/api/v1/datastore/{rid}/export.csv"),
                                                    Probe("/api/v1/datastore/{rid}/export.json"),
                                                    Probe("/api/v1/datastore/{rid}/export.geojson")],
    "api/v1/datastore/<resource_id>/quality": Probe("/api/v1/datastore/{rid}/quality", shows=False),
    "api/v1/datastore/<resource_id>/jobs": Probe("/api/v1/datastore/{rid}/jobs", token=True, listing=True),
    "api/v1/datastore/jobs/<job_id>": Probe("/api/v1/datastore/jobs/{job}", token=True),
    "api/v1/datastore/jobs/<job_id>/cancel": WRITE,
    "api/v1/datastore/jobs/<job_id>/retry": WRITE,
    "api/v1/datastore/<resource_id>/dictionary": WRITE,
    # native API: catalogue
    "api/v1/datasets": Probe("/api/v1/datasets?q=" + WORD, listing=True, level="dataset"),
    "api/v1/datasets/<name>": Probe("/api/v1/datasets/{name}", level="dataset"),
    "api/v1/datasets/<name>/publish": WRITE,
    "api/v1/resources": Probe("/api/v1/resources", listing=True),
    "api/v1/resources/<resource_id>": Probe("/api/v1/resources/{rid}"),
    "api/v1/datasets/<name>/resources": WRITE,
    "api/v1/datasets/<name>/resources/upload": WRITE,
    "api/v1/datasets/<name>/quality": Probe("/api/v1/datasets/{name}/quality", level="dataset"),
    "api/v1/quality": Probe("/api/v1/quality", shows=False, listing=True, level="dataset"),
    "api/v1/organizations/<slug>/quality": Probe("/api/v1/organizations/{org}/quality", shows=False, listing=True,
                                                 level="dataset"),
    "api/v1/requests": NO_DATA,
    "api/v1/requests/<request_id>": NO_DATA,
    "api/v1/requests/<request_id>/vote": WRITE,
    "api/v1/reuses": NO_DATA,
    # native API: plans
    "api/v1/plans": PLAN,
    "api/v1/plans/indicators": Exempt("indicators are public statements of targets (plans tests, test_barometer)"),
    "api/v1/plans/<slug>": PLAN,
    # native API: the rest
    "api/v1/openapi.json": NO_DATA,
    "api/v1/webhooks": OWN,
    "api/v1/webhooks/<webhook_id>": OWN,
    "api/v1/webhooks/<webhook_id>/deliveries": Exempt(
        "the subscriber's own delivery log: only events about objects public when sent (core webhook tests)"),
    "api/v1/webhooks/events": NO_DATA,
    "api/v1/docs": NO_DATA,
    "api/v1/status": NO_DATA,
    "api/v1/": NO_DATA,
    "api/v1/organizations": Probe("/api/v1/organizations", shows=False, listing=True, level="dataset"),
    "api/v1/organizations/<slug>": Probe("/api/v1/organizations/{org}", shows=False, listing=True, level="dataset"),
    "api/v1/organizations/<slug>/members": Exempt("members of an organization: its admins only (core tests)"),
    "api/v1/me": OWN,
    "api/v1/harvest/sources": HARVEST,
    "api/v1/harvest/sources/<slug>/runs": HARVEST,
    "api/v1/harvest/runs/<run_id>": HARVEST,
    "api/v1/consultations": consultation("/api/v1/consultations", listing=True),
    "api/v1/consultations/metrics": consultation("/api/v1/consultations/metrics", listing=True, shows=False),
    "api/v1/consultations/<slug>": consultation("/api/v1/consultations/{cslug}"),
    "api/v1/consultations/<slug>/questions": consultation("/api/v1/consultations/{cslug}/questions"),
    "api/v1/consultations/<slug>/responses": WRITE,
    "api/v1/consultations/<slug>/results": Probe("/api/v1/consultations/{cslug}/results", level="consultation",
                                                 organizers_only=True, token=True),
    # CKAN, DCAT, files
    "^(?:/+)?api/(?:(?P<ver>3)/)?action/(?P<name>[A-Za-z0-9_]+)/?$": Exempt("each action has its own entry below"),
    "^(?:/+)?api/(?P<ver>3)/?$": NO_DATA,
    "^catalog\\.(?P<fmt>ttl|jsonld|rdf)$": [Probe("/catalog.ttl", listing=True, level="dataset"),
                                            Probe("/catalog.jsonld", listing=True, level="dataset")],
    "^dataset/(?P<name>[-\\w]+)\\.(?P<fmt>ttl|jsonld|rdf)$": [Probe("/dataset/{name}.ttl", level="dataset"),
                                                              Probe("/dataset/{name}.rdf", level="dataset")],
    "^dataset/(?P<name>[-\\w]+)/datapackage\\.json$": Probe("/dataset/{name}/datapackage.json", level="dataset"),
    "^dataset/(?P<name>[-\\w]+)/?$": Probe("/dataset/{name}", level="dataset"),
    "^dataset/(?P<dataset_id>[-\\w]+)/resource/(?P<resource_id>[0-9a-f-]{36})/download/(?P<filename>[^/]*)$":
        Probe("/dataset/{did}/resource/{rid}/download/{file}"),
    "media/<path:path>": Probe("/media/{media}"),
    "healthz": NO_DATA,
    "readyz": NO_DATA,
    "metrics": NO_DATA,  # counts and latencies only; 404 without METRICS_TOKEN or a site administrator
    "i18n/setlang/": NO_DATA,
    # pages: maps and tables
    "fr/donnees/cartes/recherche/": [Probe("/fr/donnees/cartes/recherche/?bbox=" + BBOX, listing=True, level="dataset"),
                                     Probe("/fr/donnees/cartes/recherche/", listing=True)],
    "fr/donnees/cartes/<uuid:resource_id>/": Probe("/fr/donnees/cartes/{rid}/"),
    "fr/donnees/tables/<uuid:resource_id>/": Probe("/fr/donnees/tables/{rid}/"),
    "fr/donnees/tables/<uuid:resource_id>/chargement/": Probe("/fr/donnees/tables/{rid}/chargement/"),
    "fr/donnees/chargements/<uuid:job_id>/annuler/": WRITE,
    "fr/donnees/chargements/<uuid:job_id>/relancer/": WRITE,
    # pages: catalogue
    "fr/donnees/": [Probe("/fr/donnees/?q=" + WORD, listing=True, level="dataset"),
                    Probe("/en/data/?q=" + WORD, listing=True, level="dataset"),
                    Probe("/fr/donnees/", listing=True, level="dataset")],
    "fr/donnees/jeux/nouveau/": NO_DATA,
    "fr/donnees/corbeille/": OWN,
    "fr/donnees/qualite/": Probe("/fr/donnees/qualite/", shows=False, listing=True, level="dataset"),
    "fr/donnees/suivis/": OWN,
    "fr/donnees/suivre/": WRITE,
    "fr/donnees/desabonnement/<uuid:token>/": OWN,
    "fr/donnees/fil/": Probe("/fr/donnees/fil/", listing=True, level="dataset"),
    "fr/donnees/fil/<str:kind>/<str:key>/": [Probe("/fr/donnees/fil/dataset/{name}/", listing=True, level="dataset"),
                                             Probe("/fr/donnees/fil/organization/{org}/", listing=True,
                                                   level="dataset")],
    "fr/suivis/fil/<str:kind>/<str:key>/": [Probe("/fr/suivis/fil/dataset/{did}/", listing=True, level="dataset"),
                                            Probe("/fr/suivis/fil/organization/{org}/", listing=True, level="dataset"),
                                            Probe("/fr/suivis/fil/keyword/" + TAG + "/", listing=True,
                                                  level="dataset")],
    "fr/suivis/desabonnement/<str:token>/": OWN,
    "fr/compte/webhooks/": OWN,
    "fr/compte/webhooks/<int:pk>/": OWN,
    "fr/compte/webhooks/<int:pk>/action/": WRITE,
    "fr/donnees/jeux/<slug:name>/": Probe("/fr/donnees/jeux/{name}/", level="dataset"),
    "fr/donnees/jeux/<slug:name>/modifier/": Probe("/fr/donnees/jeux/{name}/modifier/", level="dataset"),
    "fr/donnees/jeux/<slug:name>/publier/": WRITE,
    "fr/donnees/jeux/<slug:name>/depublier/": WRITE,
    "fr/donnees/jeux/<slug:name>/supprimer/": WRITE,
    "fr/donnees/jeux/<slug:name>/restaurer/": WRITE,
    "fr/donnees/jeux/<slug:name>/purger/": WRITE,
    "fr/donnees/jeux/<slug:name>/historique/": Probe("/fr/donnees/jeux/{name}/historique/", level="dataset",
                                                     history=True),
    "fr/donnees/jeux/<slug:name>/ressources/nouvelle/": Probe("/fr/donnees/jeux/{name}/ressources/nouvelle/",
                                                              level="dataset"),
    "fr/donnees/jeux/<slug:name>/ressources/<uuid:pk>/": Probe("/fr/donnees/jeux/{name}/ressources/{rid}/"),
    "fr/donnees/jeux/<slug:name>/ressources/<uuid:pk>/modifier/": Probe(
        "/fr/donnees/jeux/{name}/ressources/{rid}/modifier/"),
    "fr/donnees/jeux/<slug:name>/ressources/<uuid:pk>/deplacer/": WRITE,
    "fr/donnees/jeux/<slug:name>/ressources/<uuid:pk>/retirer/": WRITE,
    "fr/donnees/jeux/<slug:name>/ressources/<uuid:pk>/telecharger/": Probe(
        "/fr/donnees/jeux/{name}/ressources/{rid}/telecharger/"),
    "fr/donnees/reutilisations/": NO_DATA,
    "fr/donnees/reutilisations/proposer/": NO_DATA,
    "fr/donnees/hackathons/<slug:slug>/": NO_DATA,
    "fr/donnees/apprendre/": NO_DATA,
    "fr/donnees/apprendre/<slug:slug>/": NO_DATA,
    "fr/donnees/demandes/": NO_DATA,
    "fr/donnees/demandes/nouvelle/": NO_DATA,
    "fr/donnees/demandes/<int:pk>/": NO_DATA,
    # pages: core
    "fr/": Probe("/fr/", shows=False, listing=True, level="dataset"),
    "fr/a-propos/": NO_DATA,
    "fr/confidentialite/": NO_DATA,
    "fr/conditions-d-utilisation/": NO_DATA,
    "fr/compte/inscription/": NO_DATA,
    "fr/compte/inscription/courriel-envoye/": NO_DATA,
    "fr/compte/inscription/renvoyer-le-lien/": NO_DATA,
    "fr/compte/confirmer/<uidb64>/<token>/": Exempt("a one-use signed link confirming the holder's own address"),
    "fr/compte/connexion/": NO_DATA,
    "fr/compte/deconnexion/": NO_DATA,
    "fr/compte/": OWN,
    "fr/compte/supprimer/": OWN,
    "fr/compte/mes-donnees/": OWN,
    "fr/compte/courriel/": OWN,
    "fr/compte/courriel/<uidb64>/<token>/": Exempt("a one-use signed link confirming the holder's new address"),
    "fr/compte/changer-mot-de-passe/": OWN,
    "fr/organisations/invitation/<str:token>/": Exempt("a signed invitation link, accepted only by the invited "
                                                       "address once signed in"),
    "fr/compte/jetons/": OWN,
    "fr/compte/jetons/<int:pk>/revoquer/": OWN,
    "fr/compte/mot-de-passe/": NO_DATA,
    "fr/compte/mot-de-passe/done/": NO_DATA,
    "fr/compte/mot-de-passe/<uidb64>/<token>/": NO_DATA,
    "fr/compte/mot-de-passe/termine/": NO_DATA,
    "fr/organisations/": Probe("/fr/organisations/", shows=False, listing=True, level="dataset"),
    "fr/organisations/nouvelle/": NO_DATA,
    "fr/organisations/<slug:slug>/": Probe("/fr/organisations/{org}/", listing=True, level="dataset"),
    "fr/organisations/<slug:slug>/modifier/": ORG,
    "fr/organisations/<slug:slug>/membres/": ORG,
    "fr/organisations/<slug:slug>/membres/<int:pk>/retirer/": ORG,
    "fr/journal/": Exempt("the audit log: organization admins only (core audit tests)"),
    # harvest pages
    "fr/moissonnage/": HARVEST,
    "fr/moissonnage/nouvelle/": HARVEST,
    "fr/moissonnage/<slug:slug>/": HARVEST,
    "fr/moissonnage/<slug:slug>/modifier/": HARVEST,
    "fr/moissonnage/<slug:slug>/lancer/": HARVEST,
    "fr/moissonnage/<slug:slug>/supprimer/": HARVEST,
    "fr/moissonnage/<slug:slug>/moissonnages/<int:pk>/": HARVEST,
    # consultations
    "fr/consultations/": consultation("/fr/consultations/", listing=True),
    "fr/consultations/<slug:slug>/": consultation("/fr/consultations/{cslug}/"),
    "fr/consultations/<slug:slug>/commentaires/": WRITE,
    "fr/consultations/<slug:slug>/memoires/": consultation("/fr/consultations/{cslug}/memoires/"),
    "fr/consultations/<slug:slug>/merci/<str:token>/": CONSULTATION_TOKEN,
    "fr/consultations/<slug:slug>/mes-reponses/supprimer/": WRITE,
    "fr/consultations/<slug:slug>/organiser/": organize("/fr/consultations/{cslug}/organiser/"),
    "fr/consultations/<slug:slug>/organiser/documents/": WRITE,
    "fr/consultations/<slug:slug>/organiser/en-personne/": organize("/fr/consultations/{cslug}/organiser/en-personne/"),
    "fr/consultations/<slug:slug>/organiser/modifier/": organize("/fr/consultations/{cslug}/organiser/modifier/"),
    "fr/consultations/<slug:slug>/organiser/publier/": WRITE,
    "fr/consultations/<slug:slug>/organiser/fermer/": organize("/fr/consultations/{cslug}/organiser/fermer/"),
    "fr/consultations/<slug:slug>/organiser/etapes/": organize("/fr/consultations/{cslug}/organiser/etapes/"),
    "fr/consultations/<slug:slug>/organiser/questions/<int:pk>/": organize("/fr/consultations/{cslug}/organiser/questions/{question}/"),
    "fr/consultations/<slug:slug>/organiser/questions/<int:pk>/supprimer/": WRITE,
    "fr/consultations/<slug:slug>/organiser/questions/nouvelle/": organize("/fr/consultations/{cslug}/organiser/questions/nouvelle/"),
    "fr/consultations/<slug:slug>/organiser/rencontres/": organize("/fr/consultations/{cslug}/organiser/rencontres/"),
    "fr/consultations/<slug:slug>/organiser/rencontres/<int:pk>/presences/": WRITE,
    "fr/consultations/<slug:slug>/organiser/resultats/": organize("/fr/consultations/{cslug}/organiser/resultats/"),
    "fr/consultations/<slug:slug>/participer/": consultation("/fr/consultations/{cslug}/participer/"),
    "fr/consultations/<slug:slug>/propositions/": consultation("/fr/consultations/{cslug}/propositions/"),
    "fr/consultations/<slug:slug>/propositions/<int:pk>/": PROPOSAL,
    "fr/consultations/<slug:slug>/propositions/<int:pk>/appuyer/": WRITE,
    "fr/consultations/<slug:slug>/propositions/<int:pk>/repondre/": WRITE,
    "fr/consultations/<slug:slug>/questionnaire/<str:token>/page-<int:page>/": CONSULTATION_TOKEN,
    "fr/consultations/<slug:slug>/rencontres/<int:pk>/calendrier.ics": consultation("/fr/consultations/{cslug}/rencontres/{event}/calendrier.ics"),
    "fr/consultations/<slug:slug>/rencontres/<int:pk>/inscription/": WRITE,
    "fr/consultations/<slug:slug>/resultats/": consultation("/fr/consultations/{cslug}/resultats/"),
    "fr/consultations/<slug:slug>/resultats/export.<str:fmt>": [organize("/fr/consultations/{cslug}/resultats/export.csv"),
                                                                 consultation("/fr/consultations/{cslug}/resultats/export.donnees-ouvertes",
                                                                              shows=False)],
    "fr/consultations/<slug:slug>/resultats/metadonnees.json": consultation("/fr/consultations/{cslug}/resultats/metadonnees.json"),
    "fr/consultations/<slug:slug>/resultats/publier-donnees-ouvertes/": WRITE,
    "fr/consultations/<slug:slug>/suivre/": WRITE,
    "fr/consultations/calendrier/": consultation("/fr/consultations/calendrier/", listing=True),
    "fr/consultations/fil.atom": consultation("/fr/consultations/fil.atom", listing=True),
    "fr/consultations/indicateurs/": consultation("/fr/consultations/indicateurs/", listing=True, shows=False),
    "fr/consultations/moderation/": MODERATION,
    "fr/consultations/moderation/<str:kind>/<int:pk>/": MODERATION,
    "fr/consultations/organiser/": OWN,
    "fr/consultations/organiser/nouvelle/": NO_DATA,
    "fr/consultations/politique-de-moderation/": NO_DATA,
    "fr/consultations/resultats.atom": consultation("/fr/consultations/resultats.atom", listing=True),
    "fr/consultations/retroaction/": WRITE,
    "fr/consultations/retroaction/tableau/": Exempt("page feedback dashboard: site administrators (consultations tests)"),
    "fr/consultations/services/": Exempt("services directory: names of public services, no consultation data"),
    "fr/consultations/services/<slug:slug>/": Exempt("a public service's page and feedback counts (consultations tests)"),
    "fr/consultations/services/<slug:slug>/export.csv": Exempt("a public service's feedback counts (consultations tests)"),
    "fr/consultations/signaler/<str:kind>/<int:pk>/": WRITE,
    # plans
    "fr/plans-action/": PLAN,
    "fr/plans-action/<slug:slug>/": PLAN,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/": PLAN,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/evaluation/": WRITE,
    "fr/plans-action/<slug:slug>/export.csv": PLAN,
    "fr/plans-action/<slug:slug>/importer/": WRITE,
    "fr/plans-action/<slug:slug>/jalons/<int:pk>/avancement/": WRITE,
    "fr/plans-action/<slug:slug>/plan.json": PLAN,
    "fr/plans-action/<slug:slug>/suivre/": WRITE,
    "fr/plans-action/<slug:slug>/publier-donnees-ouvertes/": WRITE,
    "fr/plans-action/barometre/": Exempt("indicators are public statements of targets; values count public objects only "
                                         "(plans tests, test_barometer)"),
    "fr/plans-action/barometre/<slug:key>.csv": Exempt("an indicator's public series (plans tests, test_barometer)"),
    "fr/plans-action/schema.json": NO_DATA,
    "fr/plans-action/barometre/<slug:key>/gerer/": WRITE,
    "fr/plans-action/nouveau/": WRITE,
    "fr/plans-action/barometre/nouvel-indicateur/": WRITE,
    "fr/plans-action/comite/<slug:slug>/membres/ajouter/": WRITE,
    "fr/plans-action/comite/<slug:slug>/rencontres/nouvelle/": WRITE,
    "fr/plans-action/comite/<slug:slug>/rencontres/<int:pk>/compte-rendu/": WRITE,
    "fr/plans-action/<slug:slug>/modifier/": WRITE,
    "fr/plans-action/<slug:slug>/defis/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/modifier/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/jalons/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/jalons/<int:pk>/modifier/": WRITE,
    "fr/plans-action/tableau-de-bord/": Exempt("counts of published plans' milestones, public datasets and published "
                                               "consultations only (plans tests, test_dashboard)"),
    "fr/plans-action/comite/<slug:slug>/": Exempt("a committee's members are public; its meetings are listed through "
                                                  "access.readable_keys('committee_meeting') (plans tests)"),
    "fr/plans-action/comite/<slug:slug>/rencontres/<int:pk>/": Exempt("a meeting asks access.may_read; unpublished "
                                                                      "minutes only for the coordinating editors "
                                                                      "(plans tests)"),
    # CKAN actions
    "ckan:site_read": NO_DATA,
    "ckan:status_show": NO_DATA,
    "ckan:help_show": NO_DATA,
    "ckan:license_list": NO_DATA,
    "ckan:organization_list": Probe("/api/3/action/organization_list", shows=False, level="dataset", listing=True,
                                    data={"all_fields": "true", "include_dataset_count": "true"}),
    "ckan:organization_show": ckan("organization_show", level="dataset", listing=True, id="{org}",
                                   include_datasets="true"),
    "ckan:user_show": Exempt("people, not datasets (core and CKAN user tests)"),
    "ckan:package_list": ckan("package_list", level="dataset", listing=True),
    "ckan:package_search": [ckan("package_search", level="dataset", listing=True, q=WORD),
                            ckan("package_search", level="dataset", listing=True, ext_bbox=BBOX),
                            ckan("package_search", level="dataset", listing=True, q=WORD,
                                 include_private="true", include_drafts="true")],
    "ckan:package_show": ckan("package_show", level="dataset", id="{name}"),
    "ckan:resource_show": ckan("resource_show", id="{rid}"),
    "ckan:group_list": Probe("/api/3/action/group_list", level="dataset", listing=True, shows=False,
                             data={"all_fields": "true"}),
    "ckan:group_show": Exempt("themes list datasets through the catalogue's visible() (package_search probes)"),
    "ckan:tag_list": ckan("tag_list", level="dataset", listing=True),
    "ckan:tag_show": ckan("tag_show", level="dataset", listing=True, id=TAG,
                          include_datasets="true"),
    "ckan:package_activity_list": Probe("/api/3/action/package_activity_list", level="dataset",
                                        data={"id": "{name}"}, history=True),
    "ckan:recently_changed_packages_activity_list": Probe("/api/3/action/recently_changed_packages_activity_list",
                                                          level="dataset", listing=True, history=True),
    "ckan:package_autocomplete": ckan("package_autocomplete", level="dataset", listing=True, q="points"),
    "ckan:current_package_list_with_resources": ckan("current_package_list_with_resources", level="dataset",
                                                     listing=True, limit="1000"),
    "ckan:resource_search": ckan("resource_search", listing=True, query="id:{rid}"),
    "ckan:format_autocomplete": Exempt("format names only, counted over published public datasets "
                                       "(api/tests/test_ckan_compat.py)"),
    "ckan:group_package_show": Exempt("a theme's datasets through the catalogue's visible() (package_search "
                                      "probes; api/tests/test_ckan_compat.py)"),
    "ckan:user_list": Exempt("people, not datasets: only the profiles user_show would show (CKAN compat tests)"),
    "ckan:datastore_search": ckan("datastore_search", resource_id="{rid}"),
    "ckan:datastore_info": ckan("datastore_info", resource_id="{rid}"),
    "ckan:datastore_search_sql": ckan("datastore_search_sql", sql='SELECT * FROM "{rid}"'),
    # open access: publication metadata is public; a deposited file has no standing before its embargo date
    # and a deleted publication none at all (ouvert/openaccess/tests/test_services.py, test_oai.py)
    "^oai$": OPENACCESS,
    "fr/libre-acces/": OPENACCESS,
    "fr/libre-acces/articles/<int:pk>/": OPENACCESS,
    "fr/libre-acces/articles/<int:pk>/modifier/": WRITE,
    "fr/libre-acces/articles/<int:pk>/retirer/": WRITE,
    "fr/libre-acces/declarer/": NO_DATA,
    "fr/libre-acces/mes-articles/": OWN,
    "fr/libre-acces/tableau-de-bord/": OPENACCESS,
    "fr/libre-acces/trouver-une-voie/": NO_DATA,
    "fr/libre-acces/guide/": NO_DATA,
    "fr/libre-acces/registre.<str:fmt>": OPENACCESS,
    "fr/libre-acces/registre/publier/": WRITE,
    "fr/libre-acces/subventions/charger/": WRITE,
    "fr/libre-acces/articles/importer/": WRITE,
    "fr/libre-acces/a-verifier/": Exempt("the import review queue: staff of a Fonds only (openaccess tests)"),
    "api/v1/openaccess/publications": OPENACCESS,
    "api/v1/openaccess/publications/<publication_id>": OPENACCESS,
    "api/v1/openaccess/ledger": OPENACCESS,
    "api/v1/openaccess/compliance": Exempt("counts per Fonds of live publications only (openaccess tests, test_api)"),
    "fr/libre-acces/a-verifier/lien/<int:pk>/": WRITE,
    "fr/libre-acces/a-verifier/article/<int:pk>/": WRITE,
    # micro-acquisitions: a draft call and its sealed bids are probed route by route in
    # ouvert/procurement/tests/test_access.py (draft calls) and test_sealed.py (bids before the deadline)
    **dict.fromkeys([
        "api/v1/procurement/calls", "api/v1/procurement/calls/<call_id>", "api/v1/procurement/calls/<call_id>/bids",
        "fr/acquisitions/", "fr/acquisitions/appels/<int:pk>/", "fr/acquisitions/appels/<int:pk>/publier/",
        "fr/acquisitions/appels/<int:pk>/soumission/", "fr/acquisitions/appels/<int:pk>/soumissions.csv",
        "fr/acquisitions/fournisseurs/<int:pk>/", "fr/acquisitions/appels/<int:pk>/evaluation/",
        "fr/acquisitions/appels/<int:pk>/bilan/", "fr/acquisitions/appels/<int:pk>/livraison/"],
        Exempt("micro-acquisitions: every reader tried against a draft call and sealed bids in "
               "ouvert/procurement/tests/test_access.py and test_sealed.py")),
    **dict.fromkeys([
        "ocds/releases.json", "ocds/records.json",
        "^ocds/releases-(?P<year>\\d{4})-(?P<month>0[1-9]|1[0-2])\\.json$", "^ocds/(?P<ocid>[A-Za-z0-9-]{1,80})\\.json$"],
        Exempt("OCDS: public calls only, never a draft nor a bid's content (ouvert/api/tests/test_ocds.py)")),
    **dict.fromkeys(["fr/acquisitions/solutions/", "fr/acquisitions/solutions/<int:pk>/"],
                    Exempt("reusable solutions: public by nature (accepted, published code); "
                           "ouvert/procurement/tests/test_delivery.py")),
    "fr/acquisitions/bonnes-pratiques/utiliser-du-logiciel-libre/": NO_DATA,
    "fr/acquisitions/bonnes-pratiques/partager-son-code/": NO_DATA,
    **dict.fromkeys(["fr/acquisitions/accompagnement/", "fr/acquisitions/accompagnement/<int:pk>/"],
                    Exempt("accompaniment requests (procurement_accompaniment policy, never public): signed-in "
                           "only; outsiders tried on the list and the page in "
                           "ouvert/procurement/tests/test_accompaniment.py")),
    **dict.fromkeys(["fr/acquisitions/tableau-de-bord/", "fr/acquisitions/tableau-de-bord/<slug:series>.csv"],
                    Exempt("market dashboard: aggregates over public calls only, never a draft nor sealed bids "
                           "(ouvert/procurement/tests/test_dashboard.py)")),
    **dict.fromkeys([
        "fr/acquisitions/logiciels-libres/", "fr/acquisitions/logiciels-libres/<int:pk>/",
        "fr/acquisitions/logiciels-libres/<int:pk>/publiccode.yml", "fr/acquisitions/logiciels-libres/importer/",
        "fr/acquisitions/logiciels-libres/<int:pk>/importer/"],
        Exempt("free-software catalogue (procurement_software policy): an unpublished entry is tried by "
               "every reader on the list, page and export in ouvert/procurement/tests/test_software.py")),
    **dict.fromkeys([
        "fr/acquisitions/appels/<int:pk>/annuler/", "fr/acquisitions/appels/<int:pk>/questions/",
        "fr/acquisitions/appels/<int:pk>/questions/<int:qid>/reponse/",
        "fr/acquisitions/appels/<int:pk>/soumission/retirer/", "fr/acquisitions/appels/<int:pk>/suivre/",
        "fr/acquisitions/appels/nouveau/", "fr/acquisitions/fournisseurs/inscription/"],
        Exempt("micro-acquisitions write (POST) or an empty form: the service checks the buyer's or the "
               "supplier's role (ouvert/procurement/tests)")),
}
for name, action in ACTIONS.items():
    if not action.read:
        ROUTES.setdefault(f"ckan:{name}", WRITE)


def _patterns(resolvers, prefix: str = ""):
    for item in resolvers:
        if isinstance(item, URLResolver):
            if str(item.pattern).rstrip("/").endswith("admin"):
                continue  # Django's admin: site administrators only
            yield from _patterns(item.url_patterns, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield prefix + str(item.pattern)


def test_every_route_has_an_entry():
    from django.utils import translation

    with translation.override("fr"):
        routes = set(_patterns(get_resolver().url_patterns)) | {f"ckan:{name}" for name in ACTIONS}
    missing = sorted(routes - set(ROUTES))
    assert not missing, ("URL patterns or CKAN actions without an entry in ROUTES (say how each is kept "
                         f"from leaking unpublished data): {missing}")
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"ROUTES entries for patterns that no longer exist: {stale}"


# The world -----------------------------------------------------------------------------------------

SCENARIOS = ["private", "draft", "trashed", "made_private", "deleted_resource"]
READERS = ["anonymous", "citizen", "other_editor"]


@pytest.fixture
def world(make_user, make_org, make_member, make_token, django_capture_on_commit_callbacks):
    from ouvert.catalog import services
    from ouvert.datastore.models import IngestJob

    owner = make_org("proprietaire")
    editor = make_user("editeur@proprietaire.qc.ca")
    make_member(editor, owner, "editor")
    other = make_org("autre")
    other_editor = make_user("editeur@autre.qc.ca")
    make_member(other_editor, other, "editor")
    citizen = make_user("citoyenne@exemple.qc.ca")
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.dataset_create(by=editor, organization=owner, title=f"Points {DATASET_MARK}",
                                          name="points-matrice", keywords=[TAG],
                                          notes=f"Des points de démonstration ({WORD}) pour la matrice d'accès, "
                                                "avec leurs coordonnées et une valeur par point.")
        resource = services.resource_create(dataset=dataset, by=editor, name=f"points {RESOURCE_MARK}",
                                            file=SimpleUploadedFile("points.csv", CSV.encode()))
    job = IngestJob.objects.filter(resource_id=resource.pk).latest("created_at")
    return {"rid": str(resource.pk), "media": resource.file.name,
        "services": services, "dataset": dataset, "resource": resource, "editor": editor, "owner": owner,
        "job": job, "readers": {"anonymous": None, "citizen": citizen, "other_editor": other_editor},
        "tokens": {"citizen": make_token(citizen), "other_editor": make_token(other_editor)},
        "capture": django_capture_on_commit_callbacks,
    }


def _move(world: dict, scenario: str) -> None:
    services, dataset, editor = world["services"], world["dataset"], world["editor"]
    with world["capture"](execute=True):
        if scenario == "public":
            services.dataset_publish(dataset=dataset, by=editor)
        elif scenario == "private":
            services.dataset_update(dataset=dataset, by=editor, private=True)
            services.dataset_publish(dataset=dataset, by=editor)
        elif scenario == "draft":
            pass
        elif scenario == "trashed":
            services.dataset_publish(dataset=dataset, by=editor)
            services.dataset_delete(dataset=dataset, by=editor)
        elif scenario == "made_private":
            services.dataset_publish(dataset=dataset, by=editor)
            services.dataset_update(dataset=dataset, by=editor, private=True)
        elif scenario == "deleted_resource":
            services.dataset_publish(dataset=dataset, by=editor)
            services.resource_delete(resource=world["resource"], by=editor)


def _context(world: dict) -> dict[str, str]:
    return {"name": world["dataset"].name, "rid": world["rid"], "did": str(world["dataset"].pk),
            "media": world["media"], "file": world["media"].rsplit("/", 1)[-1],
            "org": world["owner"].slug, "job": str(world["job"].pk)}


def _probes(consultations: bool = False):
    """The probes of the dataset world, or (``consultations=True``) of the consultation world."""
    for route, entry in ROUTES.items():
        for probe in entry if isinstance(entry, list) else [entry]:
            if isinstance(probe, Probe) and (probe.level == "consultation") == consultations:
                yield route, probe


def _ask(client: Client, probe: Probe, ctx: dict[str, str], token: str | None):
    path = probe.path.format(**ctx)
    data = {k: v.format(**ctx) if isinstance(v, str) else v for k, v in probe.data.items()}
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token and probe.token else {}
    response = client.get(path, data, **headers)
    body = response.getvalue()  # streaming or not
    if response.get("Content-Encoding") == "gzip":
        import gzip

        body = gzip.decompress(body)
    return response.status_code, body.decode("utf-8", "replace"), response.get("Location", "")


def _refused(status: int, location: str) -> bool:
    """401, 403, 404, or a redirect to the sign-in page (pages for editors, asked while signed out)."""
    return status in (401, 403, 404) or (status == 302 and "/connexion/" in location)


def _marks(probe: Probe) -> tuple[str, ...]:
    return (DATASET_MARK, RESOURCE_MARK) if probe.level == "dataset" else (RESOURCE_MARK,)


def _secrets(probe: Probe, ctx: dict[str, str], *, dataset_hidden: bool) -> tuple[str, ...]:
    """What a reader must not see: the marks, and for a listing also the ids (a list of dataset ids
    is a list of secrets too; an object route may echo the id it was asked for)."""
    marks = _marks(probe) if dataset_hidden else (RESOURCE_MARK,)
    if not probe.listing:
        return marks
    ids = (ctx["did"], ctx["rid"], ctx["name"], TAG) if dataset_hidden else (ctx["rid"],)
    asked = probe.path.format(**ctx) + " ".join(str(v).format(**ctx) for v in probe.data.values())
    return marks + tuple(i for i in ids if i not in asked)  # an answer may echo what it was asked


@pytest.mark.slow  # every route, every reader
def test_probes_find_the_public_data(world, client):
    """Control: on the published dataset every probe reaches the data it is meant to ask for (200, or
    a redirect for downloads and content negotiation) and shows a mark or the object's id, so that
    the refusals below mean something."""
    _move(world, "public")
    ctx = _context(world)
    misses = []
    for route, probe in _probes():
        if probe.token or probe.path.endswith(("/modifier/", "/nouvelle/", "/chargement/")):
            continue  # editors' forms and panels: refused to the public even when published
        status, body, _location = _ask(client, probe, ctx, None)
        found = any(secret.lower() in body.lower() for secret in _secrets(probe, ctx, dataset_hidden=True)
                    + (ctx["rid"], ctx["did"]))
        redirect = status in (301, 302, 303) and not probe.listing
        if not (status == 200 and (found or not probe.shows)) and not redirect:
            misses.append(f"{route} {probe.path} {probe.data}: {status}, found {found}")
    assert not misses, "probes that do not reach the public data:\n" + "\n".join(misses)


def _reader_leaks(world: dict, ctx: dict[str, str], *, consultations: bool,
                  leak: Callable[[Probe, int, str, str], str | None],
                  skip: Callable[[Probe], bool] = lambda probe: False) -> list[str]:
    """Every reader of ``world`` (signed in when a person, with its token) asks every probe of the
    dataset world, or of the consultation world; ``leak(probe, status, body, location)`` describes
    what an answer shows that it must not (``None``: nothing). One line per leak."""
    leaks = []
    for reader in READERS:
        client = Client()
        user = world["readers"][reader]
        if user is not None:
            client.force_login(user)
        token = world["tokens"].get(reader)
        for route, probe in _probes(consultations=consultations):
            if skip(probe):
                continue
            found = leak(probe, *_ask(client, probe, ctx, token))
            if found is not None:
                leaks.append(f"{reader} {route} {probe.path.format(**ctx)} {found}")
    return leaks


@pytest.mark.slow  # every route, every reader
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_nothing_unpublished_leaks(world, scenario):
    _move(world, scenario)
    ctx = _context(world)
    # once only the resource is gone, the dataset's own routes still answer (it is public)
    dataset_hidden = scenario != "deleted_resource"

    def leak(probe: Probe, status: int, body: str, location: str) -> str | None:
        object_probe = not probe.listing and (dataset_hidden or probe.level == "resource")
        shown = [m for m in _secrets(probe, ctx, dataset_hidden=dataset_hidden) if m.lower() in body.lower()]
        if shown or (object_probe and not _refused(status, location)) or status >= 500:
            return f"{json.dumps(probe.data)}: {status}, marks {shown}"
        return None

    # what the public saw before a resource was deleted stays in the history; its files do not (/media/)
    leaks = _reader_leaks(world, ctx, consultations=False, leak=leak,
                          skip=lambda probe: scenario == "deleted_resource" and probe.history)
    assert not leaks, f"{scenario}: unpublished data reached readers:\n" + "\n".join(leaks)


# The consultation world ----------------------------------------------------------------------------
# Organization A prepares a consultation whose title, meeting, document and question carry
# CONSULTATION_MARK. Before it is published, nobody outside A reads any of it; once published (and
# its results published), every public probe finds it — the control.

@pytest.fixture
def consultation_world(make_user, make_org, make_member, make_token, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from ouvert.consultations import services

    owner = make_org("organisatrice")
    organizer = make_user("organisatrice@organisatrice.qc.ca")
    make_member(organizer, owner, "editor")
    other = make_org("voisine")
    other_editor = make_user("editeur@voisine.qc.ca")
    make_member(other_editor, other, "editor")
    citizen = make_user("citoyen@exemple.qc.ca")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.consultation_create(
            organization=owner, by=organizer, title=f"Consultation {CONSULTATION_MARK}",
            summary=f"Votre avis sur le projet {CONSULTATION_MARK}.", body="Le projet en bref.",
            topic="governance", region="all", contact_name="Équipe", contact_email="equipe@organisatrice.qc.ca",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
            feedback_planned=True, has_proposals=True, has_briefs=True, consent_text="Pour préparer le projet.")
        question = services.question_create(consultation=item, by=organizer, kind="long_text",
                                            label=f"Votre idée sur {CONSULTATION_MARK}")
        event = services.event_create(consultation=item, by=organizer, title=f"Rencontre {CONSULTATION_MARK}",
                                      starts_at=now + dt.timedelta(days=3),
                                      ends_at=now + dt.timedelta(days=3, hours=2), place="Québec")
        services.document_add(consultation=item, by=organizer, title=f"Document {CONSULTATION_MARK}",
                              file=SimpleUploadedFile("projet.pdf", b"%PDF-1.4 " + CONSULTATION_MARK.encode()))
    type(item).objects.filter(pk=item.pk).update(slug="projet-matrice")  # a slug that carries no mark
    item.refresh_from_db()
    return {"consultation": item, "organizer": organizer, "services": services, "question": question,
            "event": event, "capture": django_capture_on_commit_callbacks,
            "readers": {"anonymous": None, "citizen": citizen, "other_editor": other_editor},
            "tokens": {"organizer": make_token(organizer), "citizen": make_token(citizen),
                       "other_editor": make_token(other_editor)}}


def _consultation_context(world: dict) -> dict[str, str]:
    return {"cslug": world["consultation"].slug, "event": str(world["event"].pk),
            "question": str(world["question"].pk)}


def _about_results(probe: Probe) -> bool:
    return "resultat" in probe.path or "donnees-ouvertes" in probe.path


def test_consultation_probes_find_the_published_consultation(consultation_world, client):
    """Control: once published every public probe reaches the consultation, once its results are
    published every results probe does, and the organizers' pages open for its organizer."""
    import datetime as dt

    from django.utils import timezone

    world = consultation_world
    item, services = world["consultation"], world["services"]
    ctx = _consultation_context(world)
    organizer = Client()
    organizer.force_login(world["organizer"])

    def misses(results: bool) -> list[str]:
        found = []
        for route, probe in _probes(consultations=True):
            if _about_results(probe) != results:
                continue
            asking = organizer if probe.organizers_only else client
            status, body, _location = _ask(asking, probe, ctx, world["tokens"]["organizer"])
            if not (status == 200 and (CONSULTATION_MARK.lower() in body.lower() or not probe.shows)):
                found.append(f"{route} {probe.path}: {status}")
        return found

    with world["capture"](execute=True):
        services.consultation_publish(consultation=item, by=world["organizer"])
    missed = misses(results=False)
    item.closes_at = timezone.now() - dt.timedelta(minutes=1)
    item.save(update_fields=["closes_at"])
    with world["capture"](execute=True):
        services.consultation_publish_results(consultation=item, by=world["organizer"],
                                              what_we_heard="Des avis nombreux.", what_we_did="Le projet change.")
    missed += misses(results=True)
    assert not missed, "consultation probes that do not reach the published consultation:\n" + "\n".join(missed)


def test_nothing_of_a_draft_consultation_leaks(consultation_world):
    ctx = _consultation_context(consultation_world)

    def leak(probe: Probe, status: int, body: str, location: str) -> str | None:
        shown = CONSULTATION_MARK.lower() in body.lower() or (probe.listing and ctx["cslug"] in body)
        if shown or (not probe.listing and not _refused(status, location)) or status >= 500:
            return f"{status}, shown {shown}"
        return None

    leaks = _reader_leaks(consultation_world, ctx, consultations=True, leak=leak)
    assert not leaks, "a draft consultation reached readers outside its organization:\n" + "\n".join(leaks)
