"""Audits the pinned versions of a requirements file (the lock by default) for known vulnerabilities,
with no network: pip-audit, pointed at a local OSV server that answers from the dated snapshot
`.ci/advisories/pypi-osv.json` (refreshed by `scripts/refresh_advisories.py`).

Usage: python scripts/audit_deps.py [REQUIREMENTS] [--snapshot FILE]

pip-audit (`--vulnerability-service osv --osv-url …`) reads the pins (`--no-deps --disable-pip`: the
file is taken as it is, nothing is resolved or installed) and asks the local server, for each pin, what
OSV's `/v1/query` would answer: every record of the snapshot whose `affected` entry for that package
names the version or puts it in one of its ECOSYSTEM ranges. Exit 1 when a pin has a vulnerability
that is not an accepted exception (ACCEPTED below, each with its reason; also in docs/operations.md),
or when a pin's package is not in the snapshot (added to the lock since: refresh the snapshot).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / ".ci" / "advisories" / "pypi-osv.json"

# Vulnerabilities accepted in the lock, by id, with the reason (kept in step with docs/operations.md).
ACCEPTED: dict[str, str] = {
    "PYSEC-2023-154": "datasette: the record's ECOSYSTEM range opens at 0 and never closes, but the advisory it "
                      "copies (GHSA-7ch3-7pp7-7cpq) affects only the 1.0 alphas 1.0a0 to 1.0a3; our 0.65.5 is "
                      "not one, and datasette is in the bench extra only, never served",
}


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_ranges(version: Version, ranges: list[dict[str, Any]]) -> bool:
    """OSV's ECOSYSTEM ranges: events sorted by version; each `introduced` opens an interval that the
    next `fixed` (excluded) or `last_affected` (included) closes, or that stays open."""
    for range_ in ranges:
        if range_.get("type") != "ECOSYSTEM":
            continue
        events = []
        for event in range_.get("events", []):
            for kind in ("introduced", "fixed", "last_affected"):
                if kind in event:
                    bound = Version("0") if event[kind] == "0" else _version(str(event[kind]))
                    if bound is not None:
                        events.append((bound, kind))
        events.sort(key=lambda event: (event[0], event[1] != "introduced"))
        start: Version | None = None
        for bound, kind in events:
            if kind == "introduced":
                start = bound if start is None else start
            elif start is not None:
                if start <= version and (version < bound if kind == "fixed" else version <= bound):
                    return True
                start = None
        if start is not None and start <= version:
            return True
    return False


def affecting(snapshot: dict[str, Any], name: str, version_text: str) -> list[dict[str, Any]]:
    """The snapshot's records that affect this version of this package (what OSV's query answers)."""
    name = canonicalize_name(name)
    version = _version(version_text)
    found = []
    for record in snapshot["vulns"].get(name, []):
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) != name:
                continue
            listed = {str(v) for v in affected.get("versions", [])}
            if version_text in listed or (version is not None and (
                    any(_version(v) == version for v in listed) or _in_ranges(version, affected.get("ranges", [])))):
                found.append(record)
                break
    return found


class LocalOsv(ThreadingHTTPServer):
    """OSV's `POST /v1/query` on 127.0.0.1, answered from the snapshot."""

    daemon_threads = True

    def __init__(self, snapshot: dict[str, Any]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.snapshot = snapshot
        self.asked: set[str] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/query"


class _Handler(BaseHTTPRequestHandler):
    server: LocalOsv

    def do_POST(self) -> None:  # noqa: N802 — http.server's naming
        query = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        package = query.get("package", {})
        if self.path != "/v1/query" or package.get("ecosystem") != "PyPI" or "version" not in query:
            self.send_error(400)
            return
        self.server.asked.add(canonicalize_name(package["name"]))
        vulns = affecting(self.server.snapshot, package["name"], query["version"])
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — http.server's signature
        pass


def pins(requirements: Path) -> dict[str, str]:
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            found[canonicalize_name(name.split("[", 1)[0])] = version.split(";", 1)[0].strip()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", type=Path, nargs="?", default=ROOT / "requirements.lock")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    snapshot = json.loads(args.snapshot.read_text(encoding="utf-8"))
    print(f"Advisories: {snapshot['source']} at {snapshot['commit'][:12]} ({snapshot['commit_date']}), "
          f"{sum(len(v) for v in snapshot['vulns'].values())} records for {len(snapshot['packages'])} packages")
    missing = sorted(set(pins(args.requirements)) - set(snapshot["packages"]))
    server = LocalOsv(snapshot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as cache:
            command = [sys.executable, "-m", "pip_audit", "--requirement", str(args.requirements), "--no-deps",
                       "--disable-pip", "--strict", "--progress-spinner", "off", "--vulnerability-service", "osv",
                       "--osv-url", server.url, "--cache-dir", cache, "--desc", "off", "--aliases", "on"]
            for vuln_id in ACCEPTED:
                command += ["--ignore-vuln", vuln_id]
            status = subprocess.run(command, check=False).returncode  # noqa: S603 — fixed arguments
    finally:
        server.shutdown()
        server.server_close()
    unasked = sorted(set(pins(args.requirements)) - server.asked)
    if missing:
        print(f"Not in the snapshot (refresh it with scripts/refresh_advisories.py): {', '.join(missing)}",
              file=sys.stderr)
        status = status or 1
    if status == 0 and unasked:
        print(f"pip-audit did not look up: {', '.join(unasked)}", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
