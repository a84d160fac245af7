"""The privacy policy and the terms of use a person accepts at sign-up.

Their text lives in ``core/privacy.html`` and ``core/terms.html``. ``LEGAL_VERSION`` names the
version in force: change it with any change of substance to either page, so that each account's
recorded consent (``User.terms_version`` and ``User.terms_accepted_at``) says which text was
accepted (Québec's Law 25: consent is manifest, free, informed and recorded)."""

from __future__ import annotations

LEGAL_VERSION = "2026-12-03"
