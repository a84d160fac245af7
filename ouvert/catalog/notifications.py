"""Who hears about a change to a public dataset, and how (immediately or in a daily digest)."""

from __future__ import annotations

from urllib.parse import parse_qs

from .models import Dataset, Follow, PendingNotice


def followers_of(dataset: Dataset) -> list[Follow]:
    """Every follow that concerns ``dataset``: itself, its organization, its keywords, saved searches."""
    from .selectors import SearchParams, search_datasets

    keywords = [k.name for k in dataset.keywords.all()]
    follows = list(
        Follow.objects.filter(kind=Follow.Kind.DATASET, target=str(dataset.pk))
        | Follow.objects.filter(kind=Follow.Kind.ORGANIZATION, target=dataset.organization.slug)
        | Follow.objects.filter(kind=Follow.Kind.KEYWORD, target__in=keywords)
    )
    for follow in Follow.objects.filter(kind=Follow.Kind.SEARCH):
        params = SearchParams.from_querydict(parse_qs(follow.target))
        if search_datasets(params=params, user=None).queryset.filter(pk=dataset.pk).exists():
            follows.append(follow)
    unique: dict[int, Follow] = {}
    for follow in follows:
        unique.setdefault(follow.user_id, follow)  # one notice per person and change
    return list(unique.values())


def notify_followers(*, dataset_id, summary: str) -> int:
    from .tasks import send_notice

    dataset = Dataset.objects.select_related("organization").filter(pk=dataset_id).first()
    if dataset is None or not dataset.is_public:
        return 0
    count = 0
    for follow in followers_of(dataset):
        if follow.frequency == Follow.Frequency.DAILY:
            PendingNotice.objects.create(follow=follow, dataset=dataset, summary=summary[:300])
        else:
            send_notice.enqueue(follow_id=follow.pk, dataset_id=str(dataset.pk), summary=summary)
        count += 1
    return count
