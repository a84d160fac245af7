"""Proposals, supports, threaded discussion, briefs, events with a waiting list, moderation, follows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ouvert.consultations import services
from ouvert.consultations.models import Brief, Comment, Proposal, Registration, Support
from ouvert.core.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_c(make_consultation, organizer):
    c = make_consultation(has_survey=False)
    services.consultation_publish(consultation=c, by=organizer)
    return c


def test_proposal_support_once_and_comments_threaded(client, open_c, make_user):
    person = make_user()
    url = f"/fr/consultations/{open_c.slug}/propositions/"
    assert client.post(url, {"title": "Idée", "body": "Texte"}).status_code == 302  # to the login page
    client.force_login(person)
    response = client.post(url, {"title": "", "body": "Texte"})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert "Texte</textarea>" in response.content.decode()
    assert client.post(url, {"title": "Un baromètre public", "body": "Suivre chaque jalon"}).status_code == 302
    proposal = Proposal.objects.get()
    support = f"/fr/consultations/{open_c.slug}/propositions/{proposal.pk}/appuyer/"
    client.post(support)
    response = client.post(support, follow=True)
    assert "Vous appuyez déjà cette proposition." in response.content.decode()
    assert Support.objects.count() == 1
    comment_url = f"/fr/consultations/{open_c.slug}/commentaires/"
    client.post(comment_url, {"body": "Bonne idée", "proposal": proposal.pk})
    top = Comment.objects.get()
    client.post(comment_url, {"body": "D'accord", "proposal": proposal.pk, "parent": top.pk})
    assert Comment.objects.get(parent=top).proposal == proposal
    client.post(comment_url, {"body": "Sur le fond"})
    html = client.get(open_c.get_absolute_url()).content.decode()
    assert "Sur le fond" in html and "1 appui" in html
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Bonne idée" in html and "D&#x27;accord" in html


def test_contributions_refused_when_closed(open_c, make_user):
    import datetime as dt

    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from ouvert.consultations.models import Consultation

    Consultation.objects.filter(pk=open_c.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    open_c.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.proposal_create(consultation=open_c, by=make_user(), title="Tard", body="Trop tard")


def test_brief_upload_and_published_list(client, open_c, make_user):
    client.force_login(make_user())
    url = f"/fr/consultations/{open_c.slug}/memoires/"
    bad = SimpleUploadedFile("memoire.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"title": "Mémoire", "summary": "Résumé", "file": bad})
    assert response.status_code == 400 and "Formats acceptés" in response.content.decode()
    good = SimpleUploadedFile("memoire.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(url, {"title": "Mémoire du Réseau", "organization_name": "Réseau X", "summary": "Résumé",
                                 "file": good})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Mémoire du Réseau" in html and "Réseau X" in html


def test_event_waiting_list_promotion_and_ics(client, open_c, organizer, make_user):
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() + dt.timedelta(days=3)
    event = services.event_create(consultation=open_c, by=organizer, title="Atelier, Québec", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=2), place="Salle; 2e étage",
                                  accessibility="Accès sans marche", capacity=1)
    first, second = make_user(), make_user()
    url = f"/fr/consultations/{open_c.slug}/rencontres/{event.pk}/inscription/"
    client.force_login(first)
    client.post(url)
    client.force_login(second)
    response = client.post(url, follow=True)
    assert "liste d&#x27;attente" in response.content.decode()
    assert Registration.objects.get(user=second).waitlisted
    client.force_login(first)
    client.post(url, {"cancel": "1"})
    assert not Registration.objects.get(user=second).waitlisted
    ics = client.get(f"/fr/consultations/{open_c.slug}/rencontres/{event.pk}/calendrier.ics")
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "SUMMARY:Atelier\\, Québec" in body and "LOCATION:Salle\\; 2e étage" in body
    assert "\r\n" in body


def test_reports_auto_hide_moderation_queue_and_reason_shown(client, open_c, organizer, make_user, settings):
    settings.CONSULTATIONS_AUTO_HIDE_REPORTS = 2
    author = make_user()
    proposal = services.proposal_create(consultation=open_c, by=author, title="Publicité", body="Achetez!")
    joined = timezone.now() - dt.timedelta(days=30)
    for n in range(2):
        reporter = make_user(date_joined=joined)
        client.force_login(reporter)
        url = f"/fr/consultations/signaler/proposal/{proposal.pk}/"
        assert client.post(url, {"reason": ""}).status_code == 400
        client.post(url, {"reason": "Publicité"})
        response = client.post(url, {"reason": "Encore"}, follow=True)
        # Once hidden, the report page no longer shows it (moderators only).
        assert "déjà signalé" in response.content.decode() if n == 0 else response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.hidden and proposal.report_count == 2
    assert "Publicité" not in client.get(f"/fr/consultations/{open_c.slug}/propositions/").content.decode()
    # The moderator sees it with the reasons, and confirms with a reason for the author
    client.force_login(organizer)
    html = client.get("/fr/consultations/moderation/").content.decode()
    assert "Achetez!" in html and "2 signalements" in html
    prefix = f"proposal-{proposal.pk}"
    response = client.post(f"/fr/consultations/moderation/proposal/{proposal.pk}/", {f"{prefix}-hide": "on"},
                           follow=True)
    assert "motif du masquage" in response.content.decode()
    client.post(f"/fr/consultations/moderation/proposal/{proposal.pk}/",
                {f"{prefix}-hide": "on", f"{prefix}-reason": "Publicité commerciale (politique, point 4)"})
    client.force_login(author)
    html = client.get(f"/fr/consultations/{open_c.slug}/propositions/").content.decode()
    assert "Publicité commerciale (politique, point 4)" in html
    # A stranger cannot moderate
    client.force_login(make_user())
    assert client.post(f"/fr/consultations/moderation/proposal/{proposal.pk}/",
                       {f"{prefix}-hide": ""}).status_code == 403
    policy = client.get("/fr/consultations/politique-de-moderation/").content.decode()
    assert "Après 2 signalements" in policy


def test_follow_and_opening_notification(client, make_consultation, organizer, make_user, mailoutbox,
                                         django_capture_on_commit_callbacks):
    # Published before participation opens (information phase): people may follow it from then on.
    c = make_consultation(has_survey=False, opens=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_publish(consultation=c, by=organizer)
    person = make_user()
    services.consultation_follow(consultation=c, by=person)
    # Participation opens: the deferred task queued at publication runs on the worker.
    from ouvert.consultations import tasks
    from ouvert.consultations.models import Consultation

    Consultation.objects.filter(pk=c.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1),
                                                title="Plan d'action & priorités")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_consultation_opened.call(c.pk) == 1
    assert [m.to for m in mailoutbox] == [[person.email]]
    # plain text: the title as written, never HTML-escaped (no "d&#x27;action")
    assert mailoutbox[0].subject == "La consultation « Plan d'action & priorités » est ouverte"
    assert "Plan d'action & priorités" in mailoutbox[0].body
    client.force_login(person)
    client.post(f"/fr/consultations/{c.slug}/suivre/", {"follow": "0"})
    assert not Follow.objects.filter(kind="consultation", key=str(c.pk)).exists()


def test_brief_and_comment_models_listed_in_feeds(client, open_c):
    atom = client.get("/fr/consultations/fil.atom")
    assert atom.status_code == 200 and b"<feed" in atom.content and open_c.title.encode() in atom.content
    assert client.get("/en/consultations/results.atom").status_code == 200
    assert Brief.objects.count() == 0


def test_atom_feeds_read_by_feedparser_have_authors_and_their_own_ids(client, open_c):
    import feedparser

    seen = set()
    for path in ("/fr/consultations/fil.atom", "/fr/consultations/resultats.atom", "/en/consultations/feed.atom"):
        parsed = feedparser.parse(client.get(path).content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.id.endswith(path) and parsed.feed.author == "Ouvert", path
        seen.add(parsed.feed.id)
        for entry in parsed.entries:
            assert entry.author == open_c.organization.name and entry.id and entry.updated
    assert len(seen) == 3
    titles = [e.title for e in feedparser.parse(client.get("/fr/consultations/fil.atom").content).entries]
    assert open_c.title in titles
