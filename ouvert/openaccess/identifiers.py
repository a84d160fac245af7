"""Identifiers of research outputs, checked and normalized (pure functions, no database).

- ORCID iD: 16 characters in four groups, the last a check character computed with ISO 7064
  MOD 11-2 (``X`` stands for 10); stored as ``0000-0002-1825-0097``.
- ISSN: 8 characters, the last a MOD 11 check character (``X`` for 10); stored as ``0317-8471``.
- DOI: ``10.<registrant>/<suffix>``, lower-cased (DOIs are case-insensitive), without a resolver
  prefix (``https://doi.org/``, ``doi:``).
- FRQ grant number: ``<FONDS>-<digits>`` (``FRQSC-276470``); a bare number takes the Fonds given
  by the context (the CSV's funder column).

Each ``*_normalize`` returns the canonical form or raises :class:`IdentifierError` whose
``code`` and ``params`` are a stored message (:mod:`ouvert.openaccess.messages`).
"""

from __future__ import annotations

import re
from typing import Any

FUNDER_CODES = ("FRQNT", "FRQS", "FRQSC")


class IdentifierError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def orcid_check_char(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits."""
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")


def orcid_normalize(value: str) -> str:
    text = (value or "").strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    match = _ORCID.match(text)
    if not match:
        raise IdentifierError("oa.orcid_format", value=value)
    compact = "".join(match.groups())
    if orcid_check_char(compact[:15]) != compact[15]:
        raise IdentifierError("oa.orcid_check", value=value)
    return "-".join(match.groups())


_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dX])$")


def issn_check_char(first_seven: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1), strict=True))
    result = (11 - total % 11) % 11
    return "X" if result == 10 else str(result)


def issn_normalize(value: str) -> str:
    text = (value or "").strip().upper()
    match = _ISSN.match(text)
    if not match:
        raise IdentifierError("oa.issn_format", value=value)
    compact = "".join(match.groups())
    if issn_check_char(compact[:7]) != compact[7]:
        raise IdentifierError("oa.issn_check", value=value)
    return f"{compact[:4]}-{compact[4:]}"


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def doi_normalize(value: str) -> str:
    text = (value or "").strip()
    lowered = text.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
                   "doi.org/", "doi:"):
        if lowered.startswith(prefix):
            text = text[len(prefix):].strip()
            break
    text = text.lower()
    if not _DOI.match(text):
        raise IdentifierError("oa.doi_format", value=value)
    return text


_GRANT = re.compile(r"^(?:(FRQ[\s_-]?(?:NT|SC|S))[\s_:/#-]*)?(?:N[O°º]?\.?\s*)?(\d{4,9})$")


def grant_number_normalize(value: str, *, funder: str = "") -> str:
    """``"frqsc 276470"``, ``"FRQ-SC-276470"``, ``"276470"`` (funder ``FRQSC``) → ``FRQSC-276470``."""
    text = re.sub(r"\s+", " ", (value or "").strip().upper())
    if not text:
        raise IdentifierError("oa.grant_empty")
    match = _GRANT.match(text)
    if not match:
        raise IdentifierError("oa.grant_format", value=value)
    prefix = re.sub(r"[\s_-]", "", match.group(1) or "")
    context = (funder or "").strip().upper()
    if context and context not in FUNDER_CODES:
        raise IdentifierError("oa.funder_unknown", value=funder, known=list(FUNDER_CODES))
    if prefix and context and prefix != context:
        raise IdentifierError("oa.grant_funder_mismatch", value=value, funder=context)
    code = prefix or context
    if not code:
        raise IdentifierError("oa.grant_no_funder", value=value)
    return f"{code}-{int(match.group(2))}"
