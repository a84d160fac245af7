"""The optional hooks an app's ``AppConfig`` may define, and the one way to find them.

Core and the datastore never import the domain apps; they ask the installed apps instead. An app
takes part by defining any of these on its ``AppConfig`` (all optional; documented in
``docs/developing.md``, "AppConfig hooks"):

``nav_url_name: str``
    URL name of the app's index page: the app appears in the main navigation.
``home_section(self, section: Section) -> Section``
    Fill ``url``, ``count`` and ``count_label`` of the app's part of the home page
    (:mod:`ouvert.core.sections`; ``section.key`` is the app label).
``organization_section(self, request: HttpRequest, organization: Organization) -> str``
    HTML of the app's part of an organization's page (already escaped: a rendered template).
``demo_load(self, stdout: TextIO | None = None) -> bool``
    Load the app's demo data, idempotently; True when something was added. ``ouvert demo`` runs
    every app's after the core demo, in ``INSTALLED_APPS`` order.
``datastore_table_changed(self, *, resource_id: uuid.UUID) -> None``
    Called after commit whenever a resource's datastore table is loaded, re-described, created or
    dropped.
``catalog_datastore_active(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]``
    The resources among ``resource_ids`` that have a datastore table (one query for all).
``catalog_map_layers(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]``
    The resources among ``resource_ids`` that have a map layer (one query for all).
``catalog_harvest_origins(self, *, dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]``
    Where each harvested dataset among ``dataset_ids`` comes from (one query for all).
``linked_section(self, request: HttpRequest, kind: str, key: object) -> str``
    HTML of what the app links to another app's object ``kind:key`` (of :mod:`ouvert.core.access`),
    e.g. the action-plan commitments a dataset realizes; shown on that object's page through
    ``{% include "includes/linked_from.html" with kind=… key=… %}`` (empty string: nothing).
``account_links(self, request: HttpRequest) -> list[tuple[str, str]]``
    ``(label, url)`` of the app's pages about the signed-in person, listed on "Mon compte"
    (e.g. the catalogue's "my datasets and drafts"); an empty list when none applies.
``account_activity(self, user: User) -> list[AccountSection]``
    What the person did in the app (proposals, answers, registrations, requests…), for "Mon compte"
    and the export of their data (:mod:`ouvert.core.account`).

:class:`OuvertAppConfig` states them as a typing ``Protocol``; :data:`HOOKS` lists them for
:func:`app_hooks` and for the test that keeps apps, this module and the docs in step."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from django.apps import AppConfig, apps

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .account import AccountSection
    from .models import Organization, User
    from .sections import Section


class OuvertAppConfig(Protocol):
    """Every hook an Ouvert ``AppConfig`` may define (each one is optional)."""

    nav_url_name: str

    def home_section(self, section: Section) -> Section: ...

    def organization_section(self, request: HttpRequest, organization: Organization) -> str: ...

    def demo_load(self, stdout: TextIO | None = None) -> bool: ...

    def datastore_table_changed(self, *, resource_id: uuid.UUID) -> None: ...

    def catalog_datastore_active(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]: ...

    def catalog_map_layers(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]: ...

    def catalog_harvest_origins(self, *, dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]: ...

    def linked_section(self, request: HttpRequest, kind: str, key: object) -> str: ...

    def account_links(self, request: HttpRequest) -> list[tuple[str, str]]: ...
    def account_activity(self, user: User) -> list[AccountSection]: ...


@dataclass(frozen=True)
class Hook:
    name: str
    method: bool
    """A method (called with the parameters of :class:`OuvertAppConfig`), or a plain attribute."""

    def parameters(self) -> list[tuple[str, inspect._ParameterKind]]:
        """Names and kinds of the method's parameters after ``self``, as the protocol declares them."""
        return _parameters(getattr(OuvertAppConfig, self.name))


def _parameters(function: Callable[..., Any]) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in list(inspect.signature(function).parameters.values())[1:]]


HOOKS: dict[str, Hook] = {hook.name: hook for hook in [
    Hook("nav_url_name", method=False),
    Hook("home_section", method=True),
    Hook("organization_section", method=True),
    Hook("demo_load", method=True),
    Hook("datastore_table_changed", method=True),
    Hook("catalog_datastore_active", method=True),
    Hook("catalog_map_layers", method=True),
    Hook("catalog_harvest_origins", method=True),
    Hook("linked_section", method=True),
    Hook("account_links", method=True),
    Hook("account_activity", method=True),
]}


def app_hooks(name: str) -> dict[str, Any]:
    """``{app label: hook}`` for every installed app defining hook ``name``, in ``INSTALLED_APPS``
    order: bound methods for method hooks, values for attributes. An unknown name is a bug of the
    caller (``KeyError``), never an empty answer."""
    if name not in HOOKS:
        raise KeyError(f"unknown AppConfig hook {name!r}; known: {', '.join(HOOKS)}")
    found = {}
    for config in apps.get_app_configs():
        value = getattr(config, name, None)
        if value is not None:
            found[config.label] = value
    return found


# Attributes Django's AppConfig documents for subclasses to set (not hooks of ours).
DJANGO_APPCONFIG_ATTRIBUTES = {"name", "label", "verbose_name", "path", "default", "default_auto_field", "ready"}


def defined_hooks(config: AppConfig) -> set[str]:
    """Public names an app's ``AppConfig`` subclass adds to Django's (to check them against HOOKS)."""
    names: set[str] = set()
    for klass in type(config).__mro__:
        if klass is AppConfig or not issubclass(klass, AppConfig):
            continue
        names.update(n for n in vars(klass) if not n.startswith("_"))
    return names - set(vars(AppConfig)) - DJANGO_APPCONFIG_ATTRIBUTES


def signature_problem(config: AppConfig, name: str) -> str | None:
    """Why ``config``'s ``name`` does not match the protocol, or None when it does."""
    hook = HOOKS.get(name)
    if hook is None:
        return f"{config.label}: {name} is not a known AppConfig hook (ouvert.core.hooks.HOOKS)"
    value = getattr(type(config), name)
    if not hook.method:
        return None if isinstance(value, str) else f"{config.label}: {name} must be a string"
    if not callable(value):
        return f"{config.label}: {name} must be a method"
    if _parameters(value) != hook.parameters():
        return f"{config.label}: {name}{inspect.signature(value)} differs from the protocol's"
    return None
