"""Every open-access string has an English translation, compiled."""

import subprocess
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:5]
    assert not po.fuzzy_entries()
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)],  # noqa: S603,S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 5
