"""A validator of ``publiccode.yml`` files (the keys, enumerations, SPDX licences and lengths of the
standard's version 0.4), pure: text in, a report out. Every error is a stored message (a code and
its parameters, :mod:`ouvert.core.messages`), shown in the reader's language with the key it
concerns, so the maintainer sees all of them at once.

Micro-acquisitions add one rule for acceptance: ``fundedBy`` names the buying body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.messages import message, register

__all__ = ["FREE_LICENCES", "Report", "validate"]

register({
    "pc.yaml": (_("Le fichier n'est pas du YAML lisible : {detail}."),
                _("Vérifiez l'indentation (des espaces, pas de tabulations) et les deux-points.")),
    "pc.not_mapping": (_("Le fichier doit être un dictionnaire de clés (name, url, legal…)."),
                       _("Commencez le fichier par « publiccodeYmlVersion: \"0.4\" ».")),
    "pc.missing": (_("Clé obligatoire absente : {key}."), _("Ajoutez la clé {key}.")),
    "pc.type": (_("{key} doit être {expected}."), _("Corrigez la valeur de {key}.")),
    "pc.enum": (_("{key} vaut « {value} », qui n'est pas une valeur permise."),
                _("Valeurs permises : {allowed}.")),
    "pc.length": (ngettext_lazy("{key} compte {length} caractère ; permis : de {min} à {max}.",
                                "{key} compte {length} caractères ; permis : de {min} à {max}.", "length"),
                  _("Raccourcissez ou complétez {key}.")),
    "pc.licence": (_("legal.license « {value} » n'est pas une expression SPDX de licence libre connue."),
                   _("Utilisez un identifiant SPDX, par exemple LiLiQ-R-1.1, AGPL-3.0-or-later ou MIT.")),
    "pc.version": (_("publiccodeYmlVersion « {value} » n'est pas une version connue."),
                   _("Écrivez publiccodeYmlVersion: \"0.4\".")),
    "pc.url": (_("{key} « {value} » n'est pas une adresse http ou https."), _("Donnez l'adresse complète.")),
    "pc.funder": (_("fundedBy ne nomme pas l'organisme « {body} »."),
                  _("Ajoutez sous fundedBy une entrée « name: {body} » (et son adresse web dans uri).")),
})

DEVELOPMENT_STATUS = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPE = ("standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                 "standalone/backend", "standalone/other", "addon", "library", "configurationFiles")
MAINTENANCE_TYPE = ("internal", "contract", "community", "none")
PLATFORMS = ("web", "windows", "mac", "linux", "ios", "android")
FREE_LICENCES = frozenset({
    "0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0",
    "CC-BY-4.0", "CC-BY-SA-4.0", "EUPL-1.1", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only",
    "GPL-3.0-or-later", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "LiLiQ-P-1.1", "LiLiQ-R-1.1", "LiLiQ-Rplus-1.1", "MIT", "MPL-2.0", "OSL-3.0", "Unlicense",
})
MAX_BYTES = 256 * 1024


@dataclass
class Report:
    errors: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def add(self, code: str, **params: Any) -> None:
        self.errors.append(message(code, **params))


def licence_is_free(expression: str) -> bool:
    parts = [p for p in re.split(r"\s+(?:AND|OR)\s+|[()]", expression.strip()) if p.strip()]
    return bool(parts) and all(p.strip() in FREE_LICENCES for p in parts)


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(report: Report, data: dict[str, Any], key: str, *, low: int = 1, high: int = 10000) -> str | None:
    value = _get(data, key)
    if value is None:
        report.add("pc.missing", key=key)
        return None
    if not isinstance(value, str):
        report.add("pc.type", key=key, expected=_("du texte"))
        return None
    if not low <= len(value.strip()) <= high:
        report.add("pc.length", key=key, length=len(value.strip()), min=low, max=high)
    return value


def _enum(report: Report, data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> None:
    value = _get(data, key)
    if value is None:
        report.add("pc.missing", key=key)
    elif value not in allowed:
        report.add("pc.enum", key=key, value=str(value)[:80], allowed=", ".join(allowed))


def _list(report: Report, data: dict[str, Any], key: str) -> list[Any]:
    value = _get(data, key)
    if value is None:
        report.add("pc.missing", key=key)
        return []
    if not isinstance(value, list) or not value:
        report.add("pc.type", key=key, expected=_("une liste non vide"))
        return []
    return value


def _url(report: Report, data: dict[str, Any], key: str) -> None:
    value = _text(report, data, key, high=2000)
    if value and not re.match(r"^https?://[^\s/]+", value.strip()):
        report.add("pc.url", key=key, value=value[:200])


def _funder(report: Report, data: dict[str, Any], body_names: list[str]) -> None:
    funders = _get(data, "fundedBy")
    names = {n.strip().casefold() for n in body_names if n.strip()}
    listed = funders if isinstance(funders, list) else []
    found = any(isinstance(f, dict) and str(f.get("name", "")).strip().casefold() in names for f in listed)
    if not found:
        report.add("pc.funder", body=body_names[0] if body_names else "")


def validate(text: str, *, body_names: list[str] | None = None) -> Report:
    """Check a publiccode.yml; with ``body_names``, also that ``fundedBy`` names one of them."""
    report = Report()
    if len(text.encode()) > MAX_BYTES:
        report.add("pc.length", key="publiccode.yml", length=len(text), min=1, max=MAX_BYTES)
        return report
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        report.add("pc.yaml", detail=str(getattr(exc, "problem", "") or exc)[:200])
        return report
    if not isinstance(data, dict):
        report.add("pc.not_mapping")
        return report
    report.data = data
    version = _get(data, "publiccodeYmlVersion")
    if version is None:
        report.add("pc.missing", key="publiccodeYmlVersion")
    elif str(version) not in ("0.2", "0.3", "0.4", "0.4.0"):
        report.add("pc.version", value=str(version)[:40])
    _text(report, data, "name", high=100)
    _url(report, data, "url")
    for platform in _list(report, data, "platforms"):
        if platform not in PLATFORMS:
            report.add("pc.enum", key="platforms", value=str(platform)[:80], allowed=", ".join(PLATFORMS))
    _enum(report, data, "developmentStatus", DEVELOPMENT_STATUS)
    _enum(report, data, "softwareType", SOFTWARE_TYPE)
    description = _get(data, "description")
    if not isinstance(description, dict) or not description:
        report.add("pc.missing", key="description.<langue>")
    else:
        for lang in description:
            _text(report, data, f"description.{lang}.shortDescription", high=150)
            _text(report, data, f"description.{lang}.longDescription", low=150, high=10000)
            _list(report, data, f"description.{lang}.features")
    licence = _text(report, data, "legal.license", high=200)
    if licence and not licence_is_free(licence):
        report.add("pc.licence", value=licence[:200])
    _enum(report, data, "maintenance.type", MAINTENANCE_TYPE)
    if not isinstance(_get(data, "localisation.localisationReady"), bool):
        report.add("pc.type", key="localisation.localisationReady", expected=_("true ou false"))
    _list(report, data, "localisation.availableLanguages")
    if body_names is not None:
        _funder(report, data, body_names)
    return report
