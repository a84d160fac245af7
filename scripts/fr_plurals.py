"""Write each app's French catalogue of plural forms (``ouvert/<app>/locale/fr/LC_MESSAGES/``).

    .venv/bin/python scripts/fr_plurals.py

Source strings are French, so French needs no translation, except for one thing: without a French
catalogue, gettext picks the plural form with the English rule (singular for 1 only) and writes
"0 jeux de données". French uses the singular for 0 and 1. This script copies every plural entry of
the app's English catalogue into its French one, each form being the French source itself, under
the French rule ``plural=(n > 1)``, and compiles it. Run it after adding plural strings
(``ngettext``, ``{% blocktranslate count %}``); a test (``ouvert/core/tests/test_plurals.py``) fails
until the French catalogues hold every plural entry.
"""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1] / "ouvert"
HEADER = {
    "Project-Id-Version": "Ouvert",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def french_plurals(english: Path) -> polib.POFile:
    source = polib.pofile(str(english))
    out = polib.POFile(wrapwidth=0)
    out.metadata = dict(HEADER)
    out.header = "French plural forms, generated from the English catalogue by scripts/fr_plurals.py."
    for entry in source:
        if entry.obsolete or not entry.msgid_plural:
            continue
        out.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                                 msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
                                 flags=[f for f in entry.flags if f != "fuzzy"]))
    return out


def main() -> None:
    for english in sorted(ROOT.glob("*/locale/en/LC_MESSAGES/django.po")):
        target = english.parents[2] / "fr" / "LC_MESSAGES" / "django.po"
        catalogue = french_plurals(english)
        if not len(catalogue):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(target))
        catalogue.save_as_mofile(str(target.with_suffix(".mo")))
        print(f"{target.relative_to(ROOT.parent)}: {len(catalogue)} plural entries")


if __name__ == "__main__":
    main()
