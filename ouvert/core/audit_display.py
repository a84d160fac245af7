"""How the audit log page shows an entry: readable, translated action, object, fields and values.

Entries store codes (``dataset.update``), field names and JSON values, as written by the services.
This module turns them into text a person reads, in the active language, without changing what is
stored: an action is "<what> — <what happened>" from two small vocabularies (an explicit label wins
for the few that read better whole), a field is the model field's ``verbose_name``, a value is the
label of its choice, "oui"/"non", a list joined by commas, a bilingual text in the active language,
and never a Python representation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

__all__ = ["ShownChange", "action_label", "actor_text", "change_rows", "object_type_label", "value_text"]

# The thing acted on: the part of the code before the first dot.
SUBJECTS: dict[str, Promise] = {
    "consultation": _("Consultation"),
    "dataset": _("Jeu de données"),
    "datastore": _("Table de données"),
    "faq": _("Question fréquente"),
    "follow": _("Suivi"),
    "geo": _("Couche cartographique"),
    "grant": _("Subvention"),
    "hackathon": _("Hackathon"),
    "harvest": _("Moissonnage"),
    "harvest_source": _("Source de moissonnage"),
    "import_review": _("Revue d'import"),
    "membership": _("Membre d'organisation"),
    "openaccess": _("Libre accès"),
    "organization": _("Organisation"),
    "plan": _("Plan d'action"),
    "policy": _("Politique de libre accès"),
    "procurement": _("Acquisition"),
    "publication": _("Publication"),
    "publication_grant": _("Financement de publication"),
    "request": _("Demande de données"),
    "resource": _("Ressource"),
    "reuse": _("Réutilisation"),
    "task": _("Tâche de fond"),
    "theme": _("Thème"),
    "token": _("Jeton d'API"),
    "tutorial": _("Tutoriel"),
    "user": _("Compte"),
    "webhook": _("Webhook"),
}

# What happened: the last part of the code.
VERBS: dict[str, Promise] = {
    "accept": _("acceptation"),
    "answer": _("réponse"),
    "attendance": _("présences"),
    "auto_hide": _("masquage automatique"),
    "brief_submit": _("dépôt d'un mémoire"),
    "cancel": _("annulation"),
    "challenge_create": _("ajout d'un défi"),
    "close": _("fermeture"),
    "comment": _("commentaire"),
    "comment_create": _("commentaire"),
    "commitment_create": _("ajout d'un engagement"),
    "committee_create": _("création d'un comité"),
    "committee_member_add": _("ajout d'un membre au comité"),
    "create": _("création"),
    "declare": _("déclaration"),
    "delete": _("suppression"),
    "delete_rows": _("suppression de lignes"),
    "dictionary": _("dictionnaire de données"),
    "disable": _("désactivation"),
    "document_add": _("ajout d'un document"),
    "event_attendance": _("présences à un événement"),
    "event_create": _("création d'un événement"),
    "event_register": _("inscription à un événement"),
    "event_unregister": _("désinscription d'un événement"),
    "import": _("import"),
    "import_update": _("mise à jour par import"),
    "in_person_entry": _("saisie d'une réponse en personne"),
    "indicator_create": _("ajout d'un indicateur"),
    "ingest": _("chargement"),
    "invite": _("invitation"),
    "invite_accept": _("invitation acceptée"),
    "layer_delete": _("suppression"),
    "layer_load": _("chargement"),
    "ledger_publish": _("publication du registre"),
    "make_site_admin": _("nommé administrateur du site"),
    "meeting_announce": _("annonce d'une réunion"),
    "methodology_publish": _("publication de la méthodologie"),
    "milestone_create": _("ajout d'un jalon"),
    "milestone_remind": _("rappel de jalon"),
    "minutes_publish": _("publication d'un compte rendu"),
    "moderate": _("modération"),
    "open_data_publish": _("publication en données ouvertes"),
    "participation_delete": _("suppression d'une participation"),
    "participation_submit": _("participation"),
    "pause": _("pause"),
    "phases_update": _("modification des phases"),
    "progress_post": _("avancement publié"),
    "proposal_answer": _("réponse à une proposition"),
    "proposal_create": _("nouvelle proposition"),
    "proposal_support": _("appui à une proposition"),
    "propose": _("proposition"),
    "publish": _("publication"),
    "publish_results": _("publication des résultats"),
    "purge": _("purge"),
    "question_create": _("ajout d'une question"),
    "question_delete": _("suppression d'une question"),
    "question_update": _("modification d'une question"),
    "rating_record": _("évaluation enregistrée"),
    "reference_grant": _("désignation comme donnée de référence"),
    "reference_withdraw": _("retrait du statut de donnée de référence"),
    "remind": _("rappel"),
    "report": _("signalement"),
    "revoke": _("révocation"),
    "run": _("exécution"),
    "same": _("confirmé identique"),
    "service_create": _("ajout d'un service"),
    "signup": _("inscription"),
    "signup_existing": _("inscription tentée avec une adresse existante"),
    "snapshot": _("instantané"),
    "unvote": _("retrait d'un vote"),
    "update": _("modification"),
    "upsert": _("écriture de lignes"),
    "value_record": _("valeur enregistrée"),
    "verify_email": _("adresse courriel confirmée"),
    "email_change": _("changement d'adresse courriel"),
    "password_change": _("changement de mot de passe"),
    "vote": _("vote"),
    "accompaniment_closed": _("accompagnement terminé"),
    "accompaniment_in_progress": _("accompagnement en cours"),
    "accompaniment_received": _("demande d'accompagnement reçue"),
    "accompaniment_request": _("demande d'accompagnement"),
    "attachment_add": _("ajout d'une pièce jointe"),
    "attachment_remove": _("retrait d'une pièce jointe"),
    "barometer_open_data_publish": _("publication du baromètre en données ouvertes"),
    "bid_debrief": _("bilan remis à un soumissionnaire"),
    "bid_withdraw": _("retrait d'une soumission"),
    "call_accepted": _("livraison acceptée"),
    "call_awarded": _("appel adjugé"),
    "call_cancelled": _("appel annulé"),
    "call_closed": _("appel fermé (évaluation)"),
    "call_create": _("création d'un appel"),
    "call_debriefing": _("classement publié"),
    "call_delivered": _("livraison reçue"),
    "call_paid": _("paiement enregistré"),
    "call_published": _("appel publié"),
    "call_rejected": _("livraison refusée"),
    "call_unsuccessful": _("appel infructueux"),
    "call_update": _("modification d'un appel"),
    "challenge_delete": _("suppression d'un défi"),
    "commitment_delete": _("suppression d'un engagement"),
    "consensus_record": _("note de consensus"),
    "criterion_check": _("critère d'acceptation vérifié"),
    "delivery_submit": _("livraison déposée"),
    "evaluator_add": _("ajout d'un évaluateur"),
    "evaluator_declare": _("déclaration d'intérêts d'un évaluateur"),
    "milestone_delete": _("suppression d'un jalon"),
    "ocds_dataset_refresh": _("mise à jour du jeu OCDS"),
    "question_answer": _("réponse publiée"),
    "question_ask": _("question posée"),
    "resource_create": _("ajout d'une ressource"),
    "resource_delete": _("retrait d'une ressource"),
    "resource_reorder": _("réordonnancement des ressources"),
    "resource_update": _("modification d'une ressource"),
    "restore": _("restauration"),
    "score_record": _("note enregistrée"),
    "software_create": _("ajout d'un logiciel libre"),
    "software_import_refused": _("import publiccode.yml refusé"),
    "software_use": _("utilisation déclarée d'un logiciel"),
    "solution_create": _("ajout d'une solution"),
    "solution_use": _("utilisation déclarée d'une solution"),
    "supplier_register": _("inscription d'un fournisseur"),
    "unpublish": _("remise en brouillon"),
    "verification_resend": _("nouveau lien de confirmation"),
    "requeue": _("remise en file"),
}


def _words(code: str) -> str:
    return code.replace("_", " ").replace(".", " ")


def action_label(code: str) -> str:
    """``dataset.update`` → "Jeu de données — modification"; unknown parts read as words, not codes."""
    subject_code, _dot, rest = code.partition(".")
    subject = SUBJECTS.get(subject_code)
    verb_code = rest.rsplit(".", 1)[-1] if rest else ""
    verb = VERBS.get(rest.replace(".", "_")) or VERBS.get(verb_code)  # "call.published" before "published"
    subject_text = str(subject) if subject is not None else _words(subject_code).capitalize()
    if not rest:
        return subject_text
    return f"{subject_text} — {verb if verb is not None else _words(rest)}"


def actor_text(label: str) -> str:
    """``system:harvest`` → "Système (harvest)"; ``anonyme`` in the active language; e-mails as they are."""
    if label.startswith("system:"):
        return str(_("Système (%(name)s)")) % {"name": label.removeprefix("system:")}
    if label == "anonyme":
        return str(_("anonyme"))
    return label


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    if model is None:
        return _words(object_type.rsplit(".", 1)[-1]).capitalize()
    return str(model._meta.verbose_name).capitalize()


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def value_text(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    """A stored value as a person reads it ("—" for nothing)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if isinstance(value, (list, tuple)):
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        if set(value) <= {"fr", "en"}:  # a bilingual text
            lang = "en" if (get_language() or "fr").startswith("en") else "fr"
            return value_text(value.get(lang) or value.get("fr") or value.get("en"))
        return "; ".join(f"{_words(str(k))} : {value_text(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(frozen=True)
class ShownChange:
    field: str
    before: str
    after: str


def change_rows(entry: AuditEntry) -> list[ShownChange]:
    """The entry's changes as (field label, old value, new value) rows."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    model = _model(entry.object_type)
    rows = []
    for name, values in changes.items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else _words(name)
        if isinstance(values, (list, tuple)) and len(values) == 2:
            before, after = values
        else:
            before, after = None, values
        rows.append(ShownChange(field=label[:1].upper() + label[1:], before=value_text(before, field),
                                after=value_text(after, field)))
    return rows
