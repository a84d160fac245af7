"""The task queue in the back-office, for site admins (``/admin/django_tasks_database/dbtaskresult/``): how many
tasks wait, how long the oldest has waited, which are stuck ("running" longer than
``TASK_STUCK_SECONDS``: their worker died holding them), with RabbitMQ the broker's own counts, and an
action that puts stuck tasks back in the queue. Replaces django-tasks-db's read-only list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import permissions, services
from .health import queue_stats


def _stuck_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=int(settings.TASK_STUCK_SECONDS))


class StuckFilter(admin.SimpleListFilter):
    title = _("bloquées")
    parameter_name = "bloquees"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("oui", _("Bloquées seulement"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> QuerySet[DBTaskResult]:
        if self.value() == "oui":
            return queryset.filter(status=TaskResultStatus.RUNNING, started_at__lt=_stuck_before())
        return queryset


def queue_summary() -> dict[str, Any]:
    """What the list's header shows: the ledger's figures and, with RabbitMQ, the broker's."""
    summary: dict[str, Any] = {**queue_stats(), "stuck_seconds": int(settings.TASK_STUCK_SECONDS)}
    if settings.TASK_BROKER_URL:
        from .task_celery import broker_stats

        try:
            summary["broker"] = broker_stats()
        except Exception as exc:  # noqa: BLE001 — shown as unreachable, as /readyz does
            summary["broker_error"] = type(exc).__name__
    return summary


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    change_list_template = "admin/core/tasks_change_list.html"
    # one column more than django-tasks-db's (its type is a tuple of that length)
    list_display = ("id", "task_name", "status", "stuck", "enqueued_at", "started_at",  # type: ignore[assignment]
                    "finished_at", "worker_ids", "queue_name")
    list_filter = (StuckFilter, "status", "queue_name")  # type: ignore[assignment]  # a filter class first
    actions = ["requeue"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_site_admin(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: DBTaskResult | None = None) -> bool:
        return permissions.is_site_admin(request.user)  # type: ignore[arg-type]

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return permissions.is_site_admin(request.user)  # type: ignore[arg-type]

    @admin.display(description=_("bloquée"), boolean=True)
    def stuck(self, obj: DBTaskResult) -> bool:
        return bool(obj.status == TaskResultStatus.RUNNING and obj.started_at and obj.started_at < _stuck_before())

    @admin.action(description=_("Remettre en file les tâches bloquées sélectionnées"), permissions=["requeue"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        count = services.task_requeue_stuck(by=request.user, ids=ids)  # type: ignore[arg-type]
        skipped = len(ids) - count
        if count:
            self.message_user(request, ngettext("%(n)d tâche remise en file.", "%(n)d tâches remises en file.",
                                                count) % {"n": count}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(n)d tâche sélectionnée n'était pas bloquée : laissée telle quelle.",
                "%(n)d tâches sélectionnées n'étaient pas bloquées : laissées telles quelles.",
                skipped) % {"n": skipped}, messages.WARNING)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "queue": queue_summary()})
