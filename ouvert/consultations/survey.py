"""The survey engine: which questions show, and how a submitted page is read and checked.

Pure functions over questions and submitted data, so the web form, the API and the organizer's
in-person entry all share one set of rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Question, QuestionKind

MAX_TEXT: dict[str, int] = {QuestionKind.SHORT_TEXT: 300, QuestionKind.LONG_TEXT: 5000}
FILE_EXTENSIONS = {".pdf", ".docx", ".odt", ".txt", ".png", ".jpg", ".jpeg"}
FILE_MAX_BYTES = 5 * 1024 * 1024
NOT_SHOWN = "s.o."  # "sans objet", written in exports for questions a participant never saw


def is_visible(question: Question, answers: dict[int, Any]) -> bool:
    """Whether ``question`` is shown, given the answers so far (keyed by question id)."""
    if question.condition_question_id is None:
        return True
    given = answers.get(question.condition_question_id)
    if given is None or given == "" or given == []:
        return False
    if isinstance(given, list):
        return question.condition_value in given
    return str(given) == question.condition_value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def answer_text(question: Question, value: Any) -> str:
    """A readable form of an answer, one cell of an export."""
    if is_empty(value):
        return ""
    if question.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
        return "; ".join(str(v) for v in value)
    if question.kind == QuestionKind.MATRIX:
        return "; ".join(f"{row}: {value.get(row, '')}" for row in question.rows if row in value)
    return str(value)


def read_question(question: Question, data: Any, files: Any = None) -> tuple[Any, str | None]:
    """Read one question's answer from a submission (``data`` is a QueryDict or a plain dict
    whose values may be lists). Returns ``(value, error)``; a missing optional answer is ``None``."""
    name = question.field_name
    kind = question.kind

    def get_one(key: str) -> str:
        raw = data.get(key, "")
        if isinstance(raw, list):
            raw = raw[0] if raw else ""
        return str(raw if raw is not None else "").strip()

    def get_list(key: str) -> list[str]:
        if hasattr(data, "getlist"):
            return [v for v in data.getlist(key) if v != ""]
        raw = data.get(key, [])
        if isinstance(raw, str):
            return [raw] if raw else []
        return [str(v) for v in (raw or []) if v != ""]

    value: Any = None
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = get_one(name)
        if len(text) > MAX_TEXT[kind]:
            return text, ngettext("Écrivez au plus %(n)s caractère (vous en avez écrit %(m)s).",
                                  "Écrivez au plus %(n)s caractères (vous en avez écrit %(m)s).", MAX_TEXT[kind]) % {
                "n": MAX_TEXT[kind], "m": len(text)}
        value = text or None
    elif kind == QuestionKind.SINGLE:
        choice = get_one(name)
        if choice and choice not in question.choices:
            return None, _("Choisissez une des options proposées.")
        value = choice or None
    elif kind == QuestionKind.MULTIPLE:
        chosen = get_list(name)
        if any(c not in question.choices for c in chosen):
            return None, _("Choisissez parmi les options proposées.")
        value = [c for c in question.choices if c in chosen] or None
    elif kind == QuestionKind.RANKING:
        if isinstance(data.get(name), list) and not hasattr(data, "getlist"):
            order = [str(v) for v in data.get(name)]
            if sorted(order) != sorted(question.choices):
                return None, _("Classez chaque option une seule fois.")
            value = order
        else:
            ranks: dict[str, int] = {}
            for index, choice in enumerate(question.choices):
                raw = get_one(f"{name}_{index}")
                if raw:
                    try:
                        ranks[choice] = int(raw)
                    except ValueError:
                        return None, _("Donnez un rang entier à chaque option.")
            if ranks:
                n = len(question.choices)
                if len(ranks) != n or sorted(ranks.values()) != list(range(1, n + 1)):
                    return None, _("Donnez à chaque option un rang différent, de 1 à %(n)s.") % {"n": n}
                value = sorted(ranks, key=lambda choice: ranks[choice])
    elif kind == QuestionKind.SCALE:
        raw = get_one(name)
        if raw:
            try:
                number = int(raw)
            except ValueError:
                return None, _("Choisissez une valeur de l'échelle.")
            if not question.scale_min <= number <= question.scale_max:
                return None, _("Choisissez une valeur de %(a)s à %(b)s.") % {
                    "a": question.scale_min, "b": question.scale_max}
            value = number
    elif kind == QuestionKind.MATRIX:
        grid: dict[str, str] = {}
        source = data.get(name) if isinstance(data.get(name), dict) else None
        for index, row in enumerate(question.rows):
            raw = str(source.get(row, "")) if source is not None else get_one(f"{name}_{index}")
            if raw:
                if raw not in question.choices:
                    return None, _("Choisissez une des options proposées pour « %(row)s ».") % {"row": row}
                grid[row] = raw
        if grid:
            if question.required and len(grid) != len(question.rows):
                missing = [row for row in question.rows if row not in grid]
                return grid, _("Répondez aussi pour : %(rows)s.") % {"rows": ", ".join(missing)}
            value = grid
    elif kind == QuestionKind.NUMBER:
        raw = get_one(name).replace(",", ".").replace("\u00a0", "").replace(" ", "")
        if raw:
            try:
                amount = Decimal(raw)
            except InvalidOperation:
                return get_one(name), _("Écrivez un nombre, par exemple 12 ou 3,5.")
            if not amount.is_finite():
                return get_one(name), _("Écrivez un nombre, par exemple 12 ou 3,5.")
            value = float(amount) if amount != amount.to_integral_value() else int(amount)
    elif kind == QuestionKind.DATE:
        raw = get_one(name)
        if raw:
            try:
                value = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                return raw, _("Écrivez une date au format AAAA-MM-JJ, par exemple 2026-05-14.")
    elif kind == QuestionKind.FILE:
        upload: UploadedFile | None = files.get(name) if files else None
        if upload:
            if Path(upload.name or "").suffix.lower() not in FILE_EXTENSIONS:
                return None, _("Formats acceptés : PDF, DOCX, ODT, TXT, PNG ou JPEG.")
            if (upload.size or 0) > FILE_MAX_BYTES:
                return None, _("Le fichier dépasse 5 Mo.")
            value = upload
    return value, None


def read_page(questions: list[Question], data: Any, files: Any, known: dict[int, Any], *,
              enforce_required: bool = True) -> tuple[dict[int, Any], dict[int, str]]:
    """Read the questions of one page. ``known`` holds earlier answers (for conditions); it is
    updated as questions are read, so a question may depend on an earlier one of the same page.
    Returns the values of the visible questions and the errors, keyed by question id."""
    values: dict[int, Any] = {}
    errors: dict[int, str] = {}
    answers = dict(known)
    for question in questions:
        if not is_visible(question, answers):
            answers.pop(question.pk, None)
            continue
        value, error = read_question(question, data, files)
        if error is None and enforce_required and question.required and is_empty(value):
            if question.kind == QuestionKind.FILE and known.get(question.pk):
                value = known[question.pk]
            else:
                error = _("Répondez à cette question : elle est obligatoire.")
        if error:
            errors[question.pk] = error
        values[question.pk] = value
        answers[question.pk] = value if not isinstance(value, UploadedFile) else value.name
    return values, errors
