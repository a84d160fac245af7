"""Build what the survey template shows: each question with its options, what was typed and its error."""

from __future__ import annotations

from typing import Any

from .models import Question, QuestionKind


def _raw(question: Question, data: Any, known: dict[int, Any]) -> Any:
    """What to show in the field: what was just typed (``data``) or what was saved (``known``)."""
    name = question.field_name
    kind = question.kind
    if data is not None:
        if kind == QuestionKind.MULTIPLE:
            return data.getlist(name)
        if kind == QuestionKind.RANKING:
            return {c: data.get(f"{name}_{i}", "") for i, c in enumerate(question.choices)}
        if kind == QuestionKind.MATRIX:
            return {r: data.get(f"{name}_{i}", "") for i, r in enumerate(question.rows)}
        if kind == QuestionKind.FILE:
            return known.get(question.pk) or ""
        return data.get(name, "")
    value = known.get(question.pk)
    if kind == QuestionKind.MULTIPLE:
        return value or []
    if kind == QuestionKind.RANKING:
        return {c: str(value.index(c) + 1) for c in question.choices if value and c in value}
    if kind == QuestionKind.MATRIX:
        return value or {}
    return "" if value is None else str(value)


def question_view(question: Question, *, data: Any, known: dict[int, Any], error: str | None,
                  questions_by_id: dict[int, Question]) -> dict[str, Any]:
    raw = _raw(question, data, known)
    name = question.field_name
    view: dict[str, Any] = {"q": question, "name": name, "value": raw, "error": error,
                            "group": question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE,
                                                       QuestionKind.RANKING, QuestionKind.MATRIX)}
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = raw if isinstance(raw, list) else [raw]
        view["options"] = [{"id": f"{name}_{i}", "value": c, "label": c, "checked": c in chosen}
                           for i, c in enumerate(question.choices)]
    elif question.kind == QuestionKind.SCALE:
        view["options"] = []
        for n in range(question.scale_min, question.scale_max + 1):
            label = str(n)
            if n == question.scale_min and question.scale_min_label:
                label = f"{n} — {question.scale_min_label}"
            elif n == question.scale_max and question.scale_max_label:
                label = f"{n} — {question.scale_max_label}"
            view["options"].append({"id": f"{name}_{n}", "value": str(n), "label": label,
                                    "checked": str(raw) == str(n)})
    elif question.kind == QuestionKind.RANKING:
        ranks = [str(n) for n in range(1, len(question.choices) + 1)]
        view["items"] = [{"id": f"{name}_{i}", "name": f"{name}_{i}", "label": c, "ranks": ranks,
                          "selected": str(raw.get(c, ""))} for i, c in enumerate(question.choices)]
    elif question.kind == QuestionKind.MATRIX:
        view["grid"] = [{"index": i, "row": r, "name": f"{name}_{i}",
                         "options": [{"id": f"{name}_{i}_{j}", "value": c, "label": c, "checked": raw.get(r) == c}
                                     for j, c in enumerate(question.choices)]}
                        for i, r in enumerate(question.rows)]
    if question.condition_question_id:
        source = questions_by_id.get(question.condition_question_id)
        view["condition"] = {"label": source.label if source else "", "value": question.condition_value,
                             "name": source.field_name if source else "", "kind": source.kind if source else ""}
    return view
