"""Fill an app's English catalogue from a Python file defining T (msgid -> msgstr) and
P (msgid -> (singular, plural)), then report what is still untranslated.

    python scripts/po_fill.py ouvert/<app> translations.py
"""

import runpy
import sys
from pathlib import Path

import polib


def main() -> int:
    app, source = Path(sys.argv[1]), sys.argv[2]
    table = runpy.run_path(source)
    singles, plurals = table.get("T", {}), table.get("P", {})
    path = app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
        if entry.msgid_plural:
            if entry.msgid in plurals:
                one, many = plurals[entry.msgid]
                entry.msgstr_plural = {0: one, 1: many}
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        else:
            if entry.msgid in singles:
                entry.msgstr = singles[entry.msgid]
            if not entry.msgstr:
                missing.append(entry.msgid)
    po.metadata["Language"] = "en"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.save()
    po.save_as_mofile(str(path.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
