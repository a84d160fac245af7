"""Ready-to-copy examples of the APIs for one resource (curl, Python, R), built from its real id and
the address the site is served from. Pure functions: the resource page's panel shows them."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Snippet:
    key: str  # "curl", "python", "r"
    label: str
    code: str


def _r_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid R string literal (double quotes, escapes)


def resource_snippets(*, site_url: str, resource_id: str, download_url: str, queryable: bool,
                      limit: int = 5) -> list[Snippet]:
    """curl, Python (requests) and R (jsonlite) examples: the first ``limit`` rows through CKAN's
    ``datastore_search`` when the resource has a datastore table, else its metadata through
    ``resource_show`` and the file itself."""
    site = site_url.rstrip("/")
    action = f"{site}/api/3/action/"
    if queryable:
        url = action + "datastore_search?" + urlencode({"resource_id": resource_id, "limit": limit})
        curl = f"curl {shlex.quote(url)}"
        python = (
            "import requests\n\n"
            f"response = requests.get({json.dumps(action + 'datastore_search')},\n"
            f"                        params={{\"resource_id\": {json.dumps(resource_id)}, \"limit\": {limit}}},\n"
            "                        timeout=30)\n"
            "response.raise_for_status()\n"
            "records = response.json()[\"result\"][\"records\"]\n"
            "print(records)"
        )
        r = (
            "library(jsonlite)\n\n"
            f"response <- fromJSON({_r_string(url)})\n"
            "records <- response$result$records\n"
            "head(records)"
        )
    else:
        show = action + "resource_show?" + urlencode({"id": resource_id})
        curl = f"curl {shlex.quote(show)}\ncurl -L -o ressource {shlex.quote(download_url)}"
        python = (
            "import requests\n\n"
            f"meta = requests.get({json.dumps(action + 'resource_show')},\n"
            f"                    params={{\"id\": {json.dumps(resource_id)}}}, timeout=30).json()[\"result\"]\n"
            f"content = requests.get({json.dumps(download_url)}, timeout=60).content\n"
            "print(meta[\"name\"], len(content))"
        )
        r = (
            "library(jsonlite)\n\n"
            f"meta <- fromJSON({_r_string(show)})$result\n"
            f"download.file({_r_string(download_url)}, destfile = \"ressource\", mode = \"wb\")\n"
            "meta$name"
        )
    return [Snippet("curl", _("Ligne de commande (curl)"), curl), Snippet("python", _("Python"), python),
            Snippet("r", _("R"), r)]
