"""Write the committed OpenAPI snapshot: ``python -m ouvert.api.snapshot``."""

import json
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.test")
django.setup()

from ouvert.api.api import api  # noqa: E402

path = Path(__file__).resolve().parent / "openapi.json"
path.write_text(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
print(f"wrote {path}")
