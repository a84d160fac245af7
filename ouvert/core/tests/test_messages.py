"""Stored messages: codes and parameters written once, read in each reader's language — through
the quality API and pages, the load report, and reports stored before codes existed (converted by
the data migrations)."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ouvert.catalog.models import Dataset
from ouvert.core.guidelines import RULE_TITLES, TABULAR_FORMATS, finding, render_finding
from ouvert.core.messages import Message, Template, message, register, render, render_fix

OLD_FINDING = {"rule": "F6", "status": "fail", "where": {"column": "Note", "resource_name": "depenses.csv"},
               "message": {"fr": "Colonne « Note » : valeurs inconnues notées « N/D » ×2.",
                           "en": "Column \"Note\": unknown values written as \"N/D\" ×2."},
               "fix": {"fr": "Laissez la cellule vide.", "en": "Leave the cell empty."}}


def test_a_message_is_stored_as_json_and_read_in_either_language():
    stored = finding("F3", "fail", "f3.problems", where={"rows": [3]},
                     problems=[message("f3.delimiter", delimiter=message("f3.tab")), message("f3.no_header")])
    assert stored["message"] == {"code": "f3.problems", "params": {"problems": [
        {"code": "f3.delimiter", "params": {"delimiter": {"code": "f3.tab", "params": {}}}},
        {"code": "f3.no_header", "params": {}}]}}
    with translation.override("fr"):
        shown = render_finding(stored)
        assert shown["message"] == "CSV : séparateur « tabulation » au lieu de la virgule ; pas de ligne d'en-tête."
        assert shown["fix"].startswith("Utilisez la virgule")
        assert shown["code"] == "f3.problems" and shown["where"] == {"rows": [3]}
    with translation.override("en"):
        shown = render_finding(stored)
        assert shown["message"] == 'CSV: delimiter "tab" instead of a comma; no header row.'
        assert shown["fix"].startswith("Use a comma delimiter")


def test_a_code_means_one_thing_and_must_be_registered():
    register({"test.once": _("Une fois.")})
    register({"test.once": _("Une fois.")})  # the same text again is harmless (a module imported twice)
    with pytest.raises(ValueError, match="already registered"):
        register({"test.once": _("Autre chose.")})
    with pytest.raises(KeyError):
        message("test.never_registered")
    assert render({"code": "test.gone", "params": {}}) == "test.gone"  # a code removed since: shown, not a 500
    assert render(None) == "" and render_fix(Message("test.once")) == ""


def test_missing_parameter_shows_the_template_rather_than_failing():
    register({"test.param": Template(_("Colonne {column}."), sep=" | ")})
    assert render(Message("test.param", {})) == "Colonne {column}."
    assert render(Message("test.param", {"column": ["a", "b"]})) == "Colonne a | b."


def test_vocabulary_is_the_one_of_the_guidelines():
    assert set(RULE_TITLES) == {f"F{n}" for n in range(1, 13)} | {f"M{n}" for n in range(1, 7)}
    assert "TXT" in TABULAR_FORMATS
    from ouvert.catalog import quality as catalog_quality
    from ouvert.datastore import quality as datastore_quality

    assert catalog_quality.FILE_RULES is datastore_quality.FILE_RULES


def _migration(app: str, name: str):
    return importlib.import_module(f"ouvert.{app}.migrations.{name}")


def test_old_quality_report_still_reads_in_both_languages(client, make_org, make_user, make_member,
                                                         catalogue_resource):
    org = make_org("laval")
    resource = catalogue_resource(uuid.uuid4(), org)
    dataset = resource.dataset
    from django.utils import timezone

    # checked after its last change, so that the page shows the stored report, not one computed afresh
    Dataset.objects.filter(pk=dataset.pk).update(quality_checked_at=timezone.now() + dt.timedelta(minutes=1), quality_report={
        "version": 1, "findings": [OLD_FINDING], "stars_reason": {"fr": "Données dans un format ouvert.",
                                                                  "en": "Data in an open format."},
        "reference": {"criteria": [{"key": "public", "ok": True,
                                    "label": {"fr": "Publié et public", "en": "Published and public"}}]}})
    _migration("catalog", "0007_quality_messages_as_codes").forwards(django_apps, None)
    dataset.refresh_from_db()
    assert dataset.quality_report["findings"][0]["message"]["code"] == "legacy_text"
    assert "fix" not in dataset.quality_report["findings"][0]

    fr = client.get(f"/api/v1/datasets/{dataset.name}/quality").json()
    assert fr["findings"][0]["message"] == OLD_FINDING["message"]["fr"]
    assert fr["findings"][0]["fix"] == "Laissez la cellule vide."
    assert fr["openness_reason"] == "Données dans un format ouvert."
    en = client.get(f"/api/v1/datasets/{dataset.name}/quality", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["findings"][0]["message"] == OLD_FINDING["message"]["en"]
    assert en["findings"][0]["fix"] == "Leave the cell empty." and en["findings"][0]["code"] == ""
    assert en["reference_criteria"][0]["label"] == "Published and public"
    qa = client.get("/api/3/action/package_show", {"id": dataset.name}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert qa["result"]["qa"]["openness_score_reason"] == "Data in an open format."
    member = make_user()
    make_member(member, org, "editor")
    client.force_login(member)  # the publishing organization's members see every finding on the page
    with translation.override("fr"):
        page = client.get(dataset.get_absolute_url()).content.decode()
    assert "valeurs inconnues notées « N/D » ×2" in page and "Laissez la cellule vide." in page


def test_old_datastore_findings_still_read_in_both_languages(client, make_org, catalogue_resource):
    from ouvert.datastore.models import DatastoreTable

    org = make_org("laval")
    resource = catalogue_resource(uuid.uuid4(), org)
    DatastoreTable.objects.create(resource_id=resource.pk, organization=org, table_name="t_old", fields=[],
                                  quality={"findings": [OLD_FINDING], "score": {"score": 50}})
    _migration("datastore", "0004_quality_messages_as_codes").forwards(django_apps, None)
    url = f"/api/v1/datastore/{resource.pk}/quality"
    assert client.get(url).json()["findings"][0]["message"] == OLD_FINDING["message"]["fr"]
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["findings"][0]["message"] == OLD_FINDING["message"]["en"] and en["score"] == {"score": 50}


def test_a_plural_counted_from_a_list_parameter_reads_right_in_both_languages():
    """"colonne sans nom en position 3", "colonnes sans nom aux positions 2, 5": the count is the
    list's length, so findings stored before the plural existed (no count) read right too."""
    import ouvert.datastore.quality  # noqa: F401 — registers the F5 codes

    one, two = message("f5.blank", positions=[3]), {"code": "f5.blank", "params": {"positions": [2, 5]}}
    with translation.override("fr"):
        assert render(one) == "colonne sans nom en position 3"
        assert render(two) == "colonnes sans nom aux positions 2, 5"
        assert render(message("f5.headers", problems=[two])) == "En-têtes : colonnes sans nom aux positions 2, 5."
    with translation.override("en"):
        assert render(one) == "unnamed column at position 3"
        assert render(two) == "unnamed columns at positions 2, 5"
