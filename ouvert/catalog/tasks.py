"""Background work: follower e-mails (immediate and daily digest) and quality reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Dataset, Follow, PendingNotice, Resource


def _unsubscribe_url(follow: Follow) -> str:
    return settings.SITE_URL + reverse("catalog:unsubscribe", kwargs={"token": follow.token})


@task()
def send_notice(*, follow_id: int, dataset_id: str, summary: str) -> bool:
    follow = Follow.objects.select_related("user").filter(pk=follow_id).first()
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if follow is None or dataset is None:
        return False
    with translation.override(follow.user.preferred_language or "fr"):
        context = {"items": [(dataset, summary)], "unsubscribe_url": _unsubscribe_url(follow),
                   "site_url": settings.SITE_URL}
        subject = render_to_string("catalog/email/notice_subject.txt", context).strip()
        body = render_to_string("catalog/email/notice.txt", context)
    send_mail(subject, body, None, [follow.user.email])
    return True


@task()
def send_daily_digests() -> int:
    """One e-mail per daily follow with pending notices; run once a day (``ouvert worker`` + cron)."""
    sent = 0
    for follow in Follow.objects.filter(frequency=Follow.Frequency.DAILY, pending__isnull=False).distinct():
        with transaction.atomic():
            notices = list(follow.pending.select_related("dataset").order_by("created_at"))
            if not notices:
                continue
            with translation.override(follow.user.preferred_language or "fr"):
                context = {"items": [(n.dataset, n.summary) for n in notices],
                           "unsubscribe_url": _unsubscribe_url(follow), "site_url": settings.SITE_URL,
                           "digest": True}
                subject = render_to_string("catalog/email/notice_subject.txt", context).strip()
                body = render_to_string("catalog/email/notice.txt", context)
            send_mail(subject, body, None, [follow.user.email])
            PendingNotice.objects.filter(pk__in=[n.pk for n in notices]).delete()
            sent += 1
    return sent


@task()
def dataset_quality_task(*, dataset_id: str) -> int | None:
    """Recompute one dataset's quality report and reference badge; returns its score."""
    from .services import dataset_quality_refresh

    dataset = Dataset.objects.select_related("organization", "licence").filter(pk=dataset_id).first()
    if dataset is None:
        return None
    return dataset_quality_refresh(dataset=dataset).quality_score


def dataset_quality_schedule(*, dataset_id: Any) -> None:
    """Queue a quality recomputation once the current transaction commits."""
    pk = str(dataset_id)
    transaction.on_commit(lambda: dataset_quality_task.enqueue(dataset_id=pk))


def resource_quality_schedule(*, resource_id: Any) -> None:
    """The same, for the dataset owning a resource (called when its datastore table changes)."""
    dataset_id = Resource.objects.filter(pk=resource_id).values_list("dataset_id", flat=True).first()
    if dataset_id is not None:
        dataset_quality_schedule(dataset_id=dataset_id)
