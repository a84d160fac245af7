"""AppConfig hooks: every hook an app defines is a known one with the protocol's signature, every
known hook is documented, and the helper finds them."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from ouvert.core.hooks import HOOKS, app_hooks, defined_hooks, signature_problem

ROOT = Path(__file__).resolve().parents[3]


def _ouvert_configs():
    return [c for c in apps.get_app_configs() if c.name.startswith("ouvert.")]


def test_every_hook_an_app_defines_is_known_and_well_typed():
    problems = [signature_problem(config, name) for config in _ouvert_configs() for name in defined_hooks(config)]
    assert [p for p in problems if p] == []


def test_every_known_hook_is_used_and_documented():
    developing = (ROOT / "docs" / "developing.md").read_text()
    section = developing.split("### AppConfig hooks", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)", section, flags=re.M))
    assert documented == set(HOOKS), "docs/developing.md, AppConfig hooks: one table row per hook"
    defined = {name for config in _ouvert_configs() for name in defined_hooks(config)}
    assert set(HOOKS) <= defined, f"hooks no app defines: {sorted(set(HOOKS) - defined)}"


def test_the_checker_catches_a_wrong_signature_and_an_unknown_hook():
    from django.apps import AppConfig

    class Wrong(AppConfig):
        name = "ouvert.catalog"
        label = "wrong"
        nav_url_name = "catalog:search"

        def datastore_table_changed(self, resource_id) -> None:  # positional: the datastore passes a keyword
            pass

        def home_sections(self, section):  # a typo of home_section
            return section

    import ouvert.catalog

    config = Wrong("ouvert.catalog", ouvert.catalog)
    assert defined_hooks(config) == {"nav_url_name", "datastore_table_changed", "home_sections"}
    assert "differs from the protocol" in signature_problem(config, "datastore_table_changed")
    assert "not a known AppConfig hook" in signature_problem(config, "home_sections")
    assert signature_problem(config, "nav_url_name") is None


def test_app_hooks_finds_them_in_installed_order_and_refuses_unknown_names():
    labels = [c.label for c in apps.get_app_configs()]
    demo = app_hooks("demo_load")
    assert {"catalog", "consultations", "geo"} <= set(demo)
    assert list(demo) == [label for label in labels if label in demo]
    assert app_hooks("nav_url_name")["catalog"] == "catalog:search"
    with pytest.raises(KeyError, match="unknown AppConfig hook"):
        app_hooks("home_sections")
