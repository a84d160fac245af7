"""A static files finder serving the web-map library installed from the npm registry
(``npm ci`` reads package-lock.json) under ``geo/vendor/leaflet/``, from ``node_modules``, without
copying it into the repository. When ``node_modules`` is absent (no npm on the machine), the
finder finds nothing and the map preview falls back to its data table."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "geo/vendor/leaflet"


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = Path(settings.NODE_MODULES_DIR) / "leaflet" / "dist"
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # staticfiles serves the storage under it

    def check(self, **kwargs):
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if not path.startswith(PREFIX + "/"):
            return [] if find_all else None
        candidate = (self.root / path[len(PREFIX) + 1:]).resolve()
        if self.root.resolve() in candidate.parents and candidate.is_file():
            return [str(candidate)] if find_all else str(candidate)
        return [] if find_all else None

    def list(self, ignore_patterns):
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith((".map", ".esm.js")):
                yield str(path.relative_to(self.root)), self.storage
