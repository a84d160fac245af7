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

Object worlds do the same for one object of each other app (levels in ``OBJECT_LEVELS``): a draft
consultation with a meeting, a document and a question, a draft action plan with a commitment and a
progress update's evidence file, a draft call, a withdrawn publication and a publication whose file
is under embargo, each carrying its mark; every reader outside the owning organization is refused,
and the same probes find each once made public.
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

PLAN_MARK = "Zqxplanmark"
CALL_MARK = "Zqxcallmark"
PUBLICATION_MARK = "Zqxpublicationmark"
EMBARGO_MARK = "Zqxembargomark"

Level = Literal["dataset", "resource", "consultation", "plan", "call", "publication", "embargo"]
# the worlds of one object each (a consultation, a plan, a call, a publication, an embargoed file)
OBJECT_LEVELS = ("consultation", "plan", "call", "publication", "embargo")


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
    organizers_only: bool = False  # refused to outsiders even when published (the control asks an insider)
    control: bool = True  # False: only refusals are checked (a form that even a published object shows only to
    # a role the control does not hold, e.g. a supplier's bid form)


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
PROPOSAL = Exempt("proposals exist only once the consultation is published (participation open); "
                  "consultations tests")


def consultation(path: str, listing: bool = False, shows: bool = True) -> Probe:
    """A probe of the consultation world: ``{cslug}`` the consultation, ``{event}`` its meeting."""
    return Probe(path, level="consultation", listing=listing, shows=shows)


def organize(path: str) -> Probe:
    """An organizer's page: refused to everyone outside the organizing organization, draft or not."""
    return Probe(path, level="consultation", organizers_only=True)


def plan(path: str, listing: bool = False, shows: bool = True) -> Probe:
    """A probe of the plan world: ``{pslug}`` the plan, ``{ppk}`` its id, ``{commitment}``, ``{evidence}``."""
    return Probe(path, level="plan", listing=listing, shows=shows)


def call(path: str, listing: bool = False, shows: bool = True) -> Probe:
    """A probe of the call world: ``{call}`` the call's id, ``{ocid}`` its OCDS id, ``{month}`` its month."""
    return Probe(path, level="call", listing=listing, shows=shows)


def buy(path: str) -> Probe:
    """A buyer's page of a call: refused to everyone outside the buying body, draft or not."""
    return Probe(path, level="call", organizers_only=True, shows=False)


def publication(path: str, listing: bool = False, shows: bool = True) -> Probe:
    """A probe of the withdrawn-publication world: ``{pub}`` its id, ``{oai}`` its OAI identifier."""
    return Probe(path, level="publication", listing=listing, shows=shows)


def embargo(path: str) -> Probe:
    """A public page of a publication whose deposited file is under embargo: the page answers, the
    file (``{efile}``) and its address do not appear in it."""
    return Probe(path, level="embargo", listing=True)

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
    "api/v1/plans": plan("/api/v1/plans", listing=True),
    "api/v1/plans/indicators": Exempt("indicators are public statements of targets (plans tests, test_barometer)"),
    "api/v1/plans/<slug>": plan("/api/v1/plans/{pslug}"),
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
    "^api/(?P<ver>3)/openapi\\.json$": NO_DATA,
    "^catalog\\.(?P<fmt>ttl|jsonld|rdf)$": [Probe("/catalog.ttl", listing=True, level="dataset"),
                                            Probe("/catalog.jsonld", listing=True, level="dataset")],
    "^dataset/(?P<name>[-\\w]+)\\.(?P<fmt>ttl|jsonld|rdf)$": [Probe("/dataset/{name}.ttl", level="dataset"),
                                                              Probe("/dataset/{name}.rdf", level="dataset")],
    "^dataset/(?P<name>[-\\w]+)/datapackage\\.json$": Probe("/dataset/{name}/datapackage.json", level="dataset"),
    "^dataset/(?P<name>[-\\w]+)/?$": Probe("/dataset/{name}", level="dataset"),
    "^dataset/(?P<dataset_id>[-\\w]+)/resource/(?P<resource_id>[0-9a-f-]{36})/download/(?P<filename>[^/]*)$":
        Probe("/dataset/{did}/resource/{rid}/download/{file}"),
    "media/<path:path>": [Probe("/media/{media}"), plan("/media/{evidence}"), call("/media/{attachment}"),
                          Probe("/media/{pfile}", level="publication"), Probe("/media/{efile}", level="embargo")],
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
    "fr/donnees/mes-jeux/": OWN,  # my organizations' datasets, filtered by access.readable_keys (test_publishers)
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
                                                  level="dataset"),
                                            plan("/fr/suivis/fil/plan/{ppk}/", listing=True)],
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
    "fr/api/": NO_DATA,  # the page presenting the APIs: links and examples only
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
    "fr/plans-action/": [plan("/fr/plans-action/", listing=True), plan("/en/action-plans/", listing=True)],
    "fr/plans-action/<slug:slug>/": plan("/fr/plans-action/{pslug}/"),
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/": plan("/fr/plans-action/{pslug}/engagements/{commitment}/"),
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/evaluation/": WRITE,
    "fr/plans-action/<slug:slug>/export.csv": plan("/fr/plans-action/{pslug}/export.csv"),
    "fr/plans-action/<slug:slug>/importer/": WRITE,
    "fr/plans-action/<slug:slug>/jalons/<int:pk>/avancement/": WRITE,
    "fr/plans-action/<slug:slug>/plan.json": plan("/fr/plans-action/{pslug}/plan.json"),
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
    # deleting a draft: its coordinating body only; a published plan cannot be deleted (so no control)
    "fr/plans-action/<slug:slug>/supprimer/": Probe("/fr/plans-action/{pslug}/supprimer/", level="plan",
                                                    control=False),
    "fr/plans-action/<slug:slug>/defis/<int:pk>/supprimer/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/supprimer/": Probe(
        "/fr/plans-action/{pslug}/engagements/{commitment}/supprimer/", level="plan", control=False),
    "fr/plans-action/<slug:slug>/jalons/<int:pk>/supprimer/": WRITE,
    "fr/plans-action/barometre/donnees-ouvertes/<slug:org>/": WRITE,
    "fr/plans-action/<slug:slug>/defis/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/modifier/": WRITE,
    "fr/plans-action/<slug:slug>/engagements/<int:pk>/jalons/nouveau/": WRITE,
    "fr/plans-action/<slug:slug>/jalons/<int:pk>/modifier/": WRITE,
    "fr/plans-action/tableau-de-bord/": plan("/fr/plans-action/tableau-de-bord/", listing=True, shows=False),
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
    "^oai$": [publication("/oai?verb=ListRecords&metadataPrefix=oai_dc", listing=True),
              publication("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", listing=True, shows=False),
              publication("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={oai}", listing=True),
              embargo("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={oai}")],
    "fr/libre-acces/": publication("/fr/libre-acces/?q=" + WORD, listing=True),
    "fr/libre-acces/articles/<int:pk>/": [publication("/fr/libre-acces/articles/{pub}/"),
                                          publication("/fr/libre-acces/articles/{pub}/?format=json"),
                                          embargo("/fr/libre-acces/articles/{epub}/"),
                                          embargo("/fr/libre-acces/articles/{epub}/?format=json")],
    "fr/libre-acces/articles/<int:pk>/modifier/": WRITE,
    "fr/libre-acces/articles/<int:pk>/retirer/": WRITE,
    "fr/libre-acces/declarer/": NO_DATA,
    "fr/libre-acces/mes-articles/": OWN,
    "fr/libre-acces/tableau-de-bord/": publication("/fr/libre-acces/tableau-de-bord/", listing=True, shows=False),
    "fr/libre-acces/trouver-une-voie/": NO_DATA,
    "fr/libre-acces/guide/": NO_DATA,
    "fr/libre-acces/registre.<str:fmt>": [publication("/fr/libre-acces/registre.csv", listing=True),
                                          publication("/fr/libre-acces/registre.json", listing=True)],
    "fr/libre-acces/registre/publier/": WRITE,
    "fr/libre-acces/subventions/charger/": WRITE,
    "fr/libre-acces/articles/importer/": WRITE,
    "fr/libre-acces/a-verifier/": Exempt("the import review queue: staff of a Fonds only (openaccess tests)"),
    "api/v1/openaccess/publications": [publication("/api/v1/openaccess/publications", listing=True),
                                       embargo("/api/v1/openaccess/publications")],
    "api/v1/openaccess/publications/<publication_id>": [publication("/api/v1/openaccess/publications/{pub}"),
                                                        embargo("/api/v1/openaccess/publications/{epub}")],
    "api/v1/openaccess/ledger": publication("/api/v1/openaccess/ledger", listing=True),
    "api/v1/openaccess/compliance": Exempt("counts per Fonds of live publications only (openaccess tests, test_api)"),
    "fr/libre-acces/a-verifier/lien/<int:pk>/": WRITE,
    "fr/libre-acces/a-verifier/article/<int:pk>/": WRITE,
    # micro-acquisitions: a draft call (the call world below); sealed bids before the deadline in
    # ouvert/procurement/tests/test_sealed.py
    "api/v1/procurement/calls": call("/api/v1/procurement/calls", listing=True),
    "api/v1/procurement/calls/<call_id>": call("/api/v1/procurement/calls/{call}"),
    # bids, their export, the debrief and the delivery exist only once bids are opened (test_sealed.py):
    # before that even the buyer gets 404, so these are tried for refusals only
    "api/v1/procurement/calls/<call_id>/bids": Probe("/api/v1/procurement/calls/{call}/bids", level="call",
                                                     token=True, control=False),
    "fr/acquisitions/": [call("/fr/acquisitions/", listing=True), call("/en/procurement/", listing=True)],
    "fr/acquisitions/appels/<int:pk>/": call("/fr/acquisitions/appels/{call}/"),
    "fr/acquisitions/appels/<int:pk>/publier/": buy("/fr/acquisitions/appels/{call}/publier/"),
    # a draft's edit and attachment forms: its body only; once published the call is fixed (even for the buyer)
    "fr/acquisitions/appels/<int:pk>/modifier/": Probe("/fr/acquisitions/appels/{call}/modifier/", level="call",
                                                       control=False),
    "fr/acquisitions/appels/<int:pk>/pieces-jointes/": Probe("/fr/acquisitions/appels/{call}/pieces-jointes/",
                                                             level="call", control=False),
    "fr/acquisitions/appels/<int:pk>/pieces-jointes/<int:aid>/retirer/": WRITE,
    "api/v1/procurement/dashboard": call("/api/v1/procurement/dashboard", listing=True, shows=False),
    "api/v1/procurement/dashboard/<series>": Exempt("a market dashboard series: aggregates over public calls "
                                                    "(ouvert/procurement/tests/test_api.py)"),
    **dict.fromkeys(["api/v1/procurement/software", "api/v1/procurement/software/<software_id>"],
                    Exempt("free-software catalogue (procurement_software policy): an unpublished entry is a 404 "
                           "to all but its body (ouvert/procurement/tests/test_api.py, test_software.py)")),
    **dict.fromkeys(["api/v1/procurement/accompaniments", "api/v1/procurement/accompaniments/<request_id>",
                     "api/v1/procurement/accompaniments/<request_id>/move"],
                    Exempt("accompaniment requests: never public; the requesting body and the team only, with a "
                           "token (ouvert/procurement/tests/test_api.py)")),
    "fr/acquisitions/appels/<int:pk>/soumission/": Probe("/fr/acquisitions/appels/{call}/soumission/", level="call",
                                                         control=False),
    "fr/acquisitions/appels/<int:pk>/soumissions.csv": Probe("/fr/acquisitions/appels/{call}/soumissions.csv",
                                                             level="call", control=False),
    "fr/acquisitions/appels/<int:pk>/evaluation/": buy("/fr/acquisitions/appels/{call}/evaluation/"),
    "fr/acquisitions/appels/<int:pk>/bilan/": Probe("/fr/acquisitions/appels/{call}/bilan/", level="call",
                                                    control=False),
    "fr/acquisitions/appels/<int:pk>/livraison/": Probe("/fr/acquisitions/appels/{call}/livraison/", level="call",
                                                        control=False),
    "fr/acquisitions/fournisseurs/<int:pk>/": Exempt("a supplier's public profile: its name, skills and past "
                                                      "deliveries of public calls (procurement tests)"),
    "ocds/releases.json": call("/ocds/releases.json", listing=True),
    "ocds/records.json": call("/ocds/records.json", listing=True),
    "^ocds/releases-(?P<year>\\d{4})-(?P<month>0[1-9]|1[0-2])\\.json$": call("/ocds/releases-{month}.json",
                                                                               listing=True),
    "^ocds/(?P<ocid>[A-Za-z0-9-]{1,80})\\.json$": call("/ocds/{ocid}.json"),
    **dict.fromkeys(["fr/acquisitions/solutions/", "fr/acquisitions/solutions/<int:pk>/"],
                    Exempt("reusable solutions: public by nature (accepted, published code); "
                           "ouvert/procurement/tests/test_delivery.py")),
    "fr/acquisitions/bonnes-pratiques/utiliser-du-logiciel-libre/": NO_DATA,
    "fr/acquisitions/bonnes-pratiques/partager-son-code/": NO_DATA,
    **dict.fromkeys(["fr/acquisitions/accompagnement/", "fr/acquisitions/accompagnement/<int:pk>/"],
                    Exempt("accompaniment requests (procurement_accompaniment policy, never public): signed-in "
                           "only; outsiders tried on the list and the page in "
                           "ouvert/procurement/tests/test_accompaniment.py")),
    "fr/acquisitions/tableau-de-bord/": call("/fr/acquisitions/tableau-de-bord/", listing=True, shows=False),
    **dict.fromkeys(["fr/acquisitions/tableau-de-bord/<slug:series>.csv"],
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


def _probes(level: str | None = None):
    """The probes of the dataset world (``level=None``), or of one object world (``level="plan"``, …)."""
    for route, entry in ROUTES.items():
        for probe in entry if isinstance(entry, list) else [entry]:
            if isinstance(probe, Probe) and ((probe.level == level) if level else probe.level not in OBJECT_LEVELS):
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


def _reader_leaks(world: dict, ctx: dict[str, str], *, level: str | None,
                  leak: Callable[[Probe, int, str, str], str | None],
                  skip: Callable[[Probe], bool] = lambda probe: False) -> list[str]:
    """Every reader of ``world`` (signed in when a person, with its token) asks every probe of the
    dataset world, or of one object world; ``leak(probe, status, body, location)`` describes
    what an answer shows that it must not (``None``: nothing). One line per leak."""
    leaks = []
    for reader in READERS:
        client = Client()
        user = world["readers"][reader]
        if user is not None:
            client.force_login(user)
        token = world["tokens"].get(reader)
        for route, probe in _probes(level):
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
    leaks = _reader_leaks(world, ctx, level=None, leak=leak,
                          skip=lambda probe: scenario == "deleted_resource" and probe.history)
    assert not leaks, f"{scenario}: unpublished data reached readers:\n" + "\n".join(leaks)




# The object worlds ---------------------------------------------------------------------------------
# One object each, in its non-public state, its title (and files) carrying a mark: a draft consultation
# (with a meeting, a document and a question), a draft plan (with a commitment and a progress update
# whose evidence file is stored), a draft call, a withdrawn publication (its file removed), and a
# publication whose deposited file is under embargo (the publication is public, its file is not).
# Nobody outside the owning organization reads any of it; once made public, the same probes find it
# (the control), so that the refusals mean something.

@dataclass
class ObjectWorld:
    mark: str
    ctx: dict[str, str]
    readers: dict[str, Any]
    tokens: dict[str, str]
    insider: Any  # reads it in every state (an organizer, a buyer, the coordinating body's editor)
    # how it becomes public: (which probes then find it, the change), in order
    phases: list[tuple[Callable[[Probe], bool], Callable[[], None]]]
    ids: tuple[str, ...] = ()  # what a listing must leave out besides the mark (a slug, an OCDS id)


def _outsiders(make_user, make_org, make_member, make_token, suffix: str) -> tuple[dict[str, Any], dict[str, str]]:
    other_editor = make_user(f"editeur@autre-{suffix}.qc.ca")
    make_member(other_editor, make_org(f"autre-{suffix}"), "editor")
    citizen = make_user(f"citoyen@{suffix}.exemple.qc.ca")
    return ({"anonymous": None, "citizen": citizen, "other_editor": other_editor},
            {"citizen": make_token(citizen), "other_editor": make_token(other_editor)})


def _about_results(probe: Probe) -> bool:
    return "resultat" in probe.path or "donnees-ouvertes" in probe.path


def _consultation_world(fx: dict[str, Any]) -> ObjectWorld:
    make_user, make_org, make_member, make_token, capture = fx.values()
    import datetime as dt

    from django.utils import timezone

    from ouvert.consultations import services

    owner = make_org("organisatrice")
    organizer = make_user("organisatrice@organisatrice.qc.ca")
    make_member(organizer, owner, "editor")
    now = timezone.now()
    with capture(execute=True):
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
    readers, tokens = _outsiders(make_user, make_org, make_member, make_token, "consultation")

    def publish() -> None:
        with capture(execute=True):
            services.consultation_publish(consultation=item, by=organizer)

    def publish_results() -> None:
        item.closes_at = timezone.now() - dt.timedelta(minutes=1)
        item.save(update_fields=["closes_at"])
        with capture(execute=True):
            services.consultation_publish_results(consultation=item, by=organizer, what_we_heard="Des avis nombreux.",
                                                  what_we_did="Le projet change.")

    return ObjectWorld(
        mark=CONSULTATION_MARK, readers=readers, tokens={**tokens, "insider": make_token(organizer)},
        insider=organizer, ids=(item.slug,),
        ctx={"cslug": item.slug, "event": str(event.pk), "question": str(question.pk)},
        phases=[(lambda probe: not _about_results(probe), publish), (_about_results, publish_results)])


def _plan_world(fx: dict[str, Any]) -> ObjectWorld:
    make_user, make_org, make_member, make_token, capture = fx.values()
    import datetime as dt

    from ouvert.plans import services
    from ouvert.plans.models import Level as Completion

    body = make_org("coordination")
    coordinator = make_user("coordination@coordination.qc.ca")
    make_member(coordinator, body, "editor", is_open_gov_contact=True)
    with capture(execute=True):
        item = services.plan_create(organization=body, slug="plan-matrice", title=f"Plan {PLAN_MARK}",
                                    period_start=dt.date(2025, 1, 1), period_end=dt.date(2026, 12, 31),
                                    ogp_values=["transparency"], by=coordinator)
        commitment, _ = services.commitment_save(plan=item, external_id="c1", number="1",
                                                 title=f"Engagement {PLAN_MARK}", lead_body=body, by=coordinator)
        milestone, _ = services.milestone_save(commitment=commitment, external_id="m1", number="1.1",
                                               description=f"Jalon {PLAN_MARK}", responsible_body=body,
                                               deadline=dt.date(2030, 3, 31), by=coordinator)
        update = services.progress_post(milestone=milestone, text=f"Rapport {PLAN_MARK}", level=Completion.COMPLETE,
                                        evidence_file=SimpleUploadedFile("rapport.pdf",
                                                                         b"%PDF-1.4 " + PLAN_MARK.encode()),
                                        by=coordinator)
    readers, tokens = _outsiders(make_user, make_org, make_member, make_token, "plan")

    def publish() -> None:
        with capture(execute=True):
            services.plan_publish(plan=item, by=coordinator)

    return ObjectWorld(
        mark=PLAN_MARK, readers=readers, tokens={**tokens, "insider": make_token(coordinator)}, insider=coordinator,
        ids=(item.slug,), phases=[(lambda probe: True, publish)],
        ctx={"pslug": item.slug, "ppk": str(item.pk), "commitment": str(commitment.pk),
             "evidence": str(update.evidence_file.name)})


def _call_world(fx: dict[str, Any], settings: Any) -> ObjectWorld:
    make_user, make_org, make_member, make_token, capture = fx.values()
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from ouvert.api.ocds.releases import ocid
    from ouvert.procurement.services import CallInput, attachment_add, call_create, call_publish

    settings.PROCUREMENT_KEY_SECRET = "matrix-custodian-secret-not-in-the-database"
    body = make_org("acheteur")
    buyer = make_user("acheteur@acheteur.qc.ca")
    make_member(buyer, body, "editor")
    now = timezone.now()
    with capture(execute=True):
        item = call_create(organization=body, by=buyer, data=CallInput(
            title=f"Appel {CALL_MARK}", summary=f"Un module libre ({CALL_MARK}).", description="Le besoin en bref.",
            deliverables="Code, tests, docs", pricing="maximum", amount=Decimal("45000"),
            questions_deadline=now + dt.timedelta(days=7), bid_deadline=now + dt.timedelta(days=30),
            delivery_date=(now + dt.timedelta(days=90)).date(), skills="Python",
            acceptance_criteria=["Les tests passent"], evaluation_criteria=[("Qualité", 60), ("Prix", 40)]))
        attachment = attachment_add(call=item, upload=SimpleUploadedFile("cahier.pdf", b"%PDF-1.4 " + CALL_MARK.encode(),
                                                                      content_type="application/pdf"),
                                    title="Cahier des charges", by=buyer)
    readers, tokens = _outsiders(make_user, make_org, make_member, make_token, "appel")

    def publish() -> None:
        with capture(execute=True):
            call_publish(call=item, reuse_comparison="Aucune solution existante ne couvre ce besoin précis.",
                         by=buyer)

    return ObjectWorld(
        mark=CALL_MARK, readers=readers, tokens={**tokens, "insider": make_token(buyer)}, insider=buyer,
        ids=(ocid(item.pk),), phases=[(lambda probe: True, publish)],
        ctx={"call": str(item.pk), "ocid": ocid(item.pk), "month": timezone.localdate().strftime("%Y-%m"),
             "attachment": str(attachment.file.name)})


def _publication_world(fx: dict[str, Any], *, embargoed: bool, withdrawn: bool) -> ObjectWorld:
    """A publication with a deposited file: withdrawn (its record a tombstone, its file removed), or
    public with its file under embargo (``embargoed``; the control lifts the embargo)."""
    make_user, make_org, make_member, make_token, capture = fx.values()
    import datetime as dt

    from django.conf import settings as django_settings
    from django.utils import timezone

    from ouvert.openaccess.demo import funders_ensure, policies_ensure
    from ouvert.openaccess.models import Publication
    from ouvert.openaccess.services import AuthorInput, PublicationInput, publication_declare, publication_delete

    for code in ("frqnt", "frqs", "frqsc"):
        make_org(code, name_fr=f"Fonds {code.upper()}")
    funders_ensure()
    policies_ensure()
    owner = make_user("chercheuse@universite.qc.ca")
    today = timezone.localdate()
    mark = EMBARGO_MARK if embargoed else PUBLICATION_MARK
    with capture(execute=True):
        item = publication_declare(
            data=PublicationInput(title=f"Article {'sur les données' if embargoed else mark} ({WORD})",
                                  published_on=today - dt.timedelta(days=10),
                                  authors=[AuthorInput("Marie Curie", "0000-0002-1825-0097")], route="deposit",
                                  version="accepted", licence="CC-BY-4.0",
                                  embargo_until=today + dt.timedelta(days=30) if embargoed else None),
            file=SimpleUploadedFile(f"{mark}.pdf", b"%PDF-1.4 " + mark.encode()), by=owner)
    readers, tokens = _outsiders(make_user, make_org, make_member, make_token, "embargo" if embargoed else "article")
    ctx = {"oai": f"oai:{django_settings.OPENACCESS_OAI_REPOSITORY_ID}:publication/{item.pk}",
           ("epub" if embargoed else "pub"): str(item.pk), ("efile" if embargoed else "pfile"): str(item.file.name)}

    def lift() -> None:
        Publication.objects.filter(pk=item.pk).update(embargo_until=today)

    if withdrawn:
        publication_delete(publication=item, by=owner)
    return ObjectWorld(mark=mark, readers=readers, tokens=tokens, insider=owner, ctx=ctx,
                       phases=[(lambda probe: True, lift if embargoed else lambda: None)])


def _object_world(level: str, request: pytest.FixtureRequest, *, control: bool) -> ObjectWorld:
    """``level``'s object in its non-public state (``control``: the state the control starts from)."""
    people = {name: request.getfixturevalue(name) for name in ("make_user", "make_org", "make_member", "make_token",
                                                               "django_capture_on_commit_callbacks")}
    if level == "consultation":
        return _consultation_world(people)
    if level == "plan":
        return _plan_world(people)
    if level == "call":
        return _call_world(people, request.getfixturevalue("settings"))
    return _publication_world(people, embargoed=level == "embargo", withdrawn=level == "publication" and not control)


@pytest.mark.parametrize("level", OBJECT_LEVELS)
def test_object_probes_find_the_public_object(level, request, client, db):
    """Control: once the object is made public (published; results published; embargo lifted; not
    withdrawn), every public probe of its world finds its mark, and the insiders' pages open for the
    insider."""
    world = _object_world(level, request, control=True)
    insider = Client()
    insider.force_login(world.insider)
    missed = []
    for applies, change in world.phases:
        change()
        for route, probe in _probes(level):
            if not applies(probe) or not probe.control:
                continue
            asking = insider if probe.organizers_only else client
            status, body, _location = _ask(asking, probe, world.ctx, world.tokens.get("insider"))
            if not (status == 200 and (world.mark.lower() in body.lower() or not probe.shows)):
                missed.append(f"{route} {probe.path}: {status}")
    assert not missed, f"{level} probes that do not reach the public object:\n" + "\n".join(missed)


@pytest.mark.parametrize("level", OBJECT_LEVELS)
def test_nothing_of_an_unpublished_object_leaks(level, request, db):
    world = _object_world(level, request, control=False)
    ctx = world.ctx

    def leak(probe: Probe, status: int, body: str, location: str) -> str | None:
        asked = probe.path.format(**ctx)
        body = body.replace(asked, "")  # a 404 page may echo the address asked for (a file's name)
        shown = world.mark.lower() in body.lower() or (
            probe.listing and any(i in body for i in world.ids if i not in asked))
        if shown or (not probe.listing and not _refused(status, location)) or status >= 500:
            return f"{status}, shown {shown}"
        return None

    leaks = _reader_leaks({"readers": world.readers, "tokens": world.tokens}, ctx, level=level, leak=leak)
    assert not leaks, f"the unpublished {level} reached readers outside its organization:\n" + "\n".join(leaks)
