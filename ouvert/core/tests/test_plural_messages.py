"""No Python message glues a number to a plural noun outside ngettext ("%(n)s caractères" reads
"1 caractères" when n is 1, and French says "0 caractère"): every gettext call of the code base is
read, and a placeholder followed by a plural-looking word must go through ngettext instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the ouvert package
# (gettext_noop is left out: it marks the forms of a plural pair that ngettext picks from later.)
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "_lazy"}
# A placeholder (``%(n)s``, ``%(n)d`` or ``{n}``) then a word ending like a French or English plural.
GLUED = re.compile(r"(?:%\((\w+)\)[sd]|\{(\w+)\})[\s\u00a0\u202f]+([A-Za-zÀ-ÿ’'-]+[sx])\b")
# Words after a placeholder that end in s or x without being a plural noun: prepositions, and
# nouns the same in the singular ("1 mois").
NOT_PLURAL = {"sous", "sans", "dans", "vers", "dès", "depuis", "après", "plus", "moins", "mois", "fois", "avis",
              "prix", "choix", "accès", "as", "is", "was", "has", "its", "this", "versus"}
# Placeholders that are never counts: what they hold is a name, an address, a date or a text.
NOT_A_COUNT = {"url", "host", "title", "name", "key", "value", "format", "encoding", "sheet", "policy", "licence",
               "crs", "funder", "date", "opened", "deadline", "field", "list", "what", "who", "org", "t", "f", "k"}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT or not node.args:
            continue
        text = node.args[-1] if name.startswith("pgettext") else node.args[0]
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            yield node.lineno, text.value


def glued(text: str) -> list[str]:
    found = []
    for match in GLUED.finditer(text):
        placeholder, word = match.group(1) or match.group(2), match.group(3)
        if word.lower() in NOT_PLURAL or placeholder in NOT_A_COUNT:
            continue
        found.append(match.group(0))
    return found


def test_the_rule_finds_a_glued_count_and_spares_plurals_done_right():
    assert glued("Écrivez au plus %(n)s caractères.") == ["%(n)s caractères"]
    assert glued("La source annonce {count} jeux de données.") == ["{count} jeux"]
    assert glued("Retry in %(s)s seconds.") == ["%(s)s seconds"]
    assert glued("Déposé sous {licence} dès la publication, {months} mois plus tard.") == []
    assert glued("Coordonnées de {crs} vers WGS 84 ; %(title)s documents.") == []


def test_no_python_message_glues_a_number_to_a_plural_noun():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line, text in _calls(path):
            for bit in glued(text):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{line}: {bit!r} in {text[:70]!r}")
    assert not offenders, "use ngettext for these:\n" + "\n".join(offenders)


# "jeu(x)", "envoyé(s)", "inscrit(e)s": a plural left to the reader. ``%(s)s`` is a placeholder (no
# letter before its bracket) and is not caught.
HACK = re.compile(r"[A-Za-zÀ-ÿ]\((?:es|s|x|e)\)")


def plural_hacks(text: str) -> list[str]:
    return [match.group(0) for match in HACK.finditer(text)]


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the constants that are docstrings (text for developers, never shown to users)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _strings(path: Path):
    """Every string literal of a module but its docstrings, f-strings' literal parts included:
    command output, check warnings and protocol errors are read by people too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def _sources(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        if "tests" in path.parts or "migrations" in path.parts or "node_modules" in path.parts:
            continue
        yield path


def test_the_hack_rule_finds_parenthesised_plurals_and_spares_placeholders():
    assert plural_hacks("3 jeu(x) de données vérifié(s)") == ["u(x)", "é(s)"]
    assert plural_hacks("1 inscrit(e)s, day(s) late") == ["t(e)", "y(s)"]
    assert plural_hacks("Tri impossible : « %(s)s » ; %(e)s ; f(%(x)s)") == []


def test_no_string_of_the_code_leaves_the_plural_to_the_reader():
    """Not only gettext calls: a management command's f-string is a message too."""
    offenders = []
    for path in _sources("*.py"):
        for line, text in _strings(path):
            if plural_hacks(text):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{line}: {text[:80]!r}")
    assert not offenders, "use ngettext (and real plurals in both languages) for these:\n" + "\n".join(offenders)


def test_no_template_leaves_the_plural_to_the_reader():
    offenders = []
    for pattern in ("*.html", "*.txt", "*.js"):
        for path in _sources(pattern):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if plural_hacks(line):
                    offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()[:80]!r}")
    assert not offenders, "use {% blocktranslate count %} for these:\n" + "\n".join(offenders)


def test_no_catalogue_entry_leaves_the_plural_to_the_reader():
    """The English translations too ("day(s)"): ngettext gives each language its own forms."""
    import polib

    offenders = []
    for path in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
            if any(plural_hacks(text or "") for text in texts):
                offenders.append(f"{path.relative_to(ROOT.parent)}: {entry.msgid[:80]!r}")
    assert not offenders, "\n".join(offenders)
