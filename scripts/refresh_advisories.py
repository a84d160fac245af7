"""Refreshes the offline vulnerability snapshot that `scripts/audit_deps.py` audits the lock against.

Usage: python scripts/refresh_advisories.py GIT_DIR [--lock requirements.lock] [--out .ci/advisories/pypi-osv.json]

GIT_DIR is a clone (bare or not) of https://github.com/pypa/advisory-database, the Python Packaging
Authority's advisory database (OSV records in YAML, one folder per package, CC-BY 4.0). The snapshot
keeps, for every package pinned in the lock, all of its records converted to JSON, and says where they
come from: the repository, the commit and its date. A package of the lock with no folder in the
database is listed as covered with no record, so that the audit can tell "no known vulnerability in
this snapshot" from "not looked up" (a package added to the lock after the snapshot).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "https://github.com/pypa/advisory-database"


class TextDates(yaml.SafeLoader):
    """YAML without its implicit timestamps: OSV's dates stay the RFC 3339 strings they are written as."""


TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def pinned_names(lock: Path) -> list[str]:
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            names.add(canonicalize_name(line.split("==", 1)[0].split("[", 1)[0]))
    return sorted(names)


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(  # noqa: S603 — git with fixed sub-commands, paths from the database's own tree
        ["git", "-C", str(git_dir), *args],  # noqa: S607 — git from PATH, like any developer tool
        capture_output=True, text=True, check=True).stdout


def records(git_dir: Path, commit: str, folders: dict[str, str], name: str) -> list[dict]:
    folder = folders.get(name)
    if folder is None:
        return []
    found = []
    for path in git(git_dir, "ls-tree", "-r", "--name-only", commit, f"vulns/{folder}/").splitlines():
        if path.endswith((".yaml", ".yml")):
            found.append(yaml.load(git(git_dir, "show", f"{commit}:{path}"), Loader=TextDates))  # noqa: S506 — a safe loader
    return sorted(found, key=lambda record: record["id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--out", type=Path, default=ROOT / ".ci" / "advisories" / "pypi-osv.json")
    args = parser.parse_args(argv)
    commit = git(args.git_dir, "rev-parse", "HEAD").strip()
    folders = {canonicalize_name(folder): folder
               for folder in git(args.git_dir, "ls-tree", "--name-only", f"{commit}:vulns").splitlines()}
    names = pinned_names(args.lock)
    vulns = {name: records(args.git_dir, commit, folders, name) for name in names}
    snapshot = {
        "source": SOURCE,
        "license": "CC-BY-4.0 (the Python Packaging Authority's advisory database)",
        "commit": commit,
        "commit_date": git(args.git_dir, "log", "-1", "--format=%cI", commit).strip(),
        "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "packages": names,
        "vulns": {name: found for name, found in vulns.items() if found},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    count = sum(len(found) for found in vulns.values())
    print(f"{args.out}: {count} records for {len(names)} packages, {SOURCE} at {commit[:12]} "
          f"({snapshot['commit_date']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
