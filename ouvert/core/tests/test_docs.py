"""Documentation is tested: every environment variable the settings read is in the README, every
Ouvert setting is declared in base.py and listed in docs/settings.md."""

import ast
import re
from pathlib import Path

from django.conf import global_settings

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


# Declared in base.py but belonging to Django or a library Ouvert configures, not to Ouvert.
NOT_OURS = {"ROOT_URLCONF", "TASKS", "WHITENOISE_USE_FINDERS"}


def _ouvert_settings() -> set[str]:
    tree = ast.parse((ROOT / "ouvert" / "settings" / "base.py").read_text())
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper() and t.id[0] != "_")
    return {n for n in names if not hasattr(global_settings, n)} - NOT_OURS


def test_every_ouvert_setting_is_documented_and_every_documented_one_exists():
    page = (ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", page, flags=re.M))
    declared = _ouvert_settings()
    assert sorted(declared - documented) == [], "add these settings to docs/settings.md"
    assert sorted(documented - declared) == [], "docs/settings.md lists settings base.py does not declare"


def test_app_code_reads_settings_without_a_second_default():
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in sorted((ROOT / "ouvert").rglob("*.py")) if "tests" not in path.parts
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if re.search(r"getattr\(\s*settings\s*,", line)]
    assert offenders == [], "declare the setting in ouvert/settings/base.py and read settings.NAME"


def test_every_plain_text_template_turns_html_escaping_off():
    """E-mails and other ``.txt`` templates are plain text: Django's HTML escaping would turn a title's
    apostrophe into ``&#x27;`` in a subject line."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    escaping = [str(path.relative_to(root)) for path in root.glob("*/templates/**/*.txt")
                if "{{" in path.read_text() or "{%" in path.read_text().replace("{% load i18n %}", "")
                if "{% autoescape off %}" not in path.read_text()]
    assert not escaping, f"plain-text templates rendered with HTML escaping: {escaping}"
