"""Documentation is tested: every environment variable the settings read is in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
INTERNAL = {"PYTEST_XDIST_WORKER"}


def test_every_setting_read_from_the_environment_is_documented():
    source = "\n".join(p.read_text() for p in (ROOT / "ouvert" / "settings").glob("*.py"))
    names = set(re.findall(r'(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()"([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names - INTERNAL if f"`{n}`" not in readme)
    assert not missing, f"document these environment variables in README.md: {missing}"


def test_readme_gives_exactly_two_setup_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert [c.strip() for c in commands] == ["sh scripts/demo", "sh scripts/test"]
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
