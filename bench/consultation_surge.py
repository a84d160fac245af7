"""Launch-day surge on a public consultation, on PostgreSQL over loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ouvert_consult \
        .venv/bin/python bench/consultation_surge.py [--participants 1000] [--threads 32] [--answers 100000]

1. Recreates the database named in DATABASE_URL, migrates, creates an organization, an organizer,
   an open consultation with a 20-question survey (single, multiple, ranking, scale, grid, number,
   date, short text, one conditional question) and one account + API token per participant.
2. Serves the platform with ``ouvert serve`` (waitress) on a loopback port, in a child process.
3. Releases all participants at once (one client thread each, behind a barrier): each POSTs its
   answers to ``/api/v1/consultations/<slug>/responses``. Reports submissions/s, median and p95.
4. Integrity: every participant stored exactly once (count), answers identical to what was sent
   (SHA-256 over canonical lines, client side vs database side), and resending is refused.
5. Tops the survey up to ``--answers`` answers (bulk insert) and times the results: the selector,
   the organizer's HTML results page, and the results API over HTTP. Target: under one second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


QUESTIONS = [
    ("single", "Avez-vous déjà participé à une consultation publique?", {"choices": ["Oui", "Non"]}),
    ("multiple", "Par quels moyens?", {"choices": ["En ligne", "En personne", "Par la poste", "Par téléphone"],
                                       "condition": (0, "Oui")}),
    ("single", "Votre principal mode de déplacement", {"choices": ["Marche", "Vélo", "Transport collectif", "Auto"]}),
    ("single", "Fréquence", {"choices": ["Tous les jours", "Chaque semaine", "Rarement"]}),
    ("single", "Saison préférée pour les travaux", {"choices": ["Printemps", "Été", "Automne"]}),
    ("multiple", "Aménagements souhaités", {"choices": ["Pistes protégées", "Stationnements", "Éclairage",
                                                      "Déneigement"]}),
    ("multiple", "Canaux d'information", {"choices": ["Site web", "Courriel", "Journal local", "Réseaux sociaux"]}),
    ("ranking", "Classez les priorités", {"choices": ["Sécurité", "Continuité", "Entretien", "Coût"]}),
    ("ranking", "Classez les volets", {"choices": ["Transparence", "Participation", "Collaboration"]}),
    ("scale", "Utilité des données ouvertes", {}),
    ("scale", "Confiance envers l'organisation", {}),
    ("scale", "Clarté des documents", {}),
    ("scale", "Satisfaction générale", {}),
    ("matrix", "Priorité par engagement", {"rows": ["Données", "Recherche", "Acquisitions"],
                                           "choices": ["Faible", "Moyenne", "Élevée"]}),
    ("matrix", "Accord", {"rows": ["Énoncé A", "Énoncé B"], "choices": ["Pas d'accord", "Neutre", "D'accord"]}),
    ("number", "Distance du trajet (km)", {}),
    ("number", "Nombre de personnes dans le ménage", {}),
    ("date", "Date de votre dernier déplacement", {}),
    ("short_text", "Un mot pour résumer", {}),
    ("short_text", "Principal obstacle", {}),
]
WORDS = ["intersections", "déneigement", "sécurité", "continuité", "éclairage", "vitesse", "entretien",
         "stationnements", "transparence", "données"]


def answers_for(index: int, questions: list) -> dict:
    rng = random.Random(index)  # noqa: S311 — reproducible synthetic answers
    answers = {}
    for (kind, _label, extra), question in zip(QUESTIONS, questions, strict=True):
        name = f"q{question.pk}"
        if "condition" in extra and answers.get(f"q{questions[extra['condition'][0]].pk}") != extra["condition"][1]:
            continue
        if kind == "single":
            answers[name] = rng.choice(extra["choices"])
        elif kind == "multiple":
            picked = set(rng.sample(extra["choices"], rng.randint(1, len(extra["choices"]))))
            answers[name] = [c for c in extra["choices"] if c in picked]
        elif kind == "ranking":
            order = list(extra["choices"])
            rng.shuffle(order)
            answers[name] = order
        elif kind == "scale":
            answers[name] = rng.randint(1, 5)
        elif kind == "matrix":
            answers[name] = {row: rng.choice(extra["choices"]) for row in extra["rows"]}
        elif kind == "number":
            answers[name] = rng.randint(1, 30)
        elif kind == "date":
            answers[name] = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        else:
            answers[name] = " ".join(rng.sample(WORDS, 3))
    return answers


def canonical(email: str, question_id: int, value) -> str:
    return f"{email}|{question_id}|{json.dumps(value, sort_keys=True, ensure_ascii=False)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=32, help="waitress threads")
    parser.add_argument("--answers", type=int, default=100_000, help="answers for the results timing")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL must point to PostgreSQL (the database is dropped and recreated).")
        return 2
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="ouvert.settings.prod", SECRET_KEY="bench-" + "x" * 40,
               SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false", OUVERT_EMBEDDED_WORKER="false", LOG_LEVEL="WARNING",
               OUVERT_DATA_DIR=str(ROOT / "var" / "bench"))
    os.environ.update(env)
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.utils import timezone

    from ouvert.consultations import services
    from ouvert.consultations.models import Answer, Consultation, Participation
    from ouvert.core.models import ApiToken, Membership, Organization, User
    from ouvert.core.services import TOKEN_PREFIX, token_digest

    t0 = time.perf_counter()
    org = Organization.objects.create(slug="montreal", kind="municipality", name_fr="Ville de Montréal")
    organizer = User.objects.create_user("organisateur@bench.local", "bench-password-123")
    Membership.objects.create(user=organizer, organization=org, role="editor")
    import datetime as dt

    now = timezone.now()
    consultation = services.consultation_create(
        organization=org, by=organizer, title="Réseau cyclable : journée de lancement",
        summary="Banc d'essai de charge.", topic="transport", region="06", contact_email="velo@bench.local",
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=30), purpose_stated=True,
        feedback_planned=True, allow_anonymous=True)
    questions = []
    for position, (kind, label, extra) in enumerate(QUESTIONS, start=1):
        data = {"kind": kind, "label": label, "position": position, "required": kind in ("single", "scale"),
                "choices": extra.get("choices", []), "rows": extra.get("rows", [])}
        if "condition" in extra:
            data.update(condition_question=questions[extra["condition"][0]], condition_value=extra["condition"][1],
                        required=True)
        questions.append(services.question_create(consultation=consultation, by=organizer, **data))
    services.consultation_publish(consultation=consultation, by=organizer)
    users = User.objects.bulk_create([User(email=f"p{i:05d}@bench.local", password="!") for i in
                                      range(args.participants)])
    secrets_by_email = {}
    tokens = []
    for user in users:
        prefix = f"b{user.pk:07d}"[-8:]
        secret = f"{TOKEN_PREFIX}{prefix}_{hashlib.sha256(user.email.encode()).hexdigest()}"
        tokens.append(ApiToken(user=user, name="bench", prefix=prefix, digest=token_digest(secret)))
        secrets_by_email[user.email] = secret
    ApiToken.objects.bulk_create(tokens)
    organizer_secret = f"{TOKEN_PREFIX}organize_{'o' * 40}"
    ApiToken.objects.create(user=organizer, name="bench", prefix="organize", digest=token_digest(organizer_secret))
    print(f"set-up: {len(questions)} questions, {len(users)} participants with tokens "
          f"({time.perf_counter() - t0:.1f} s)")

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(port), "--threads",
                               str(args.threads), "--no-worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        endpoint = f"{base}/api/v1/consultations/{consultation.slug}/responses"
        payloads = {user.email: answers_for(i, questions) for i, user in enumerate(users)}
        results: dict[str, tuple[int, float]] = {}
        barrier = threading.Barrier(len(users) + 1)

        def participant(email: str) -> None:
            body = json.dumps({"answers": payloads[email], "consent": True}).encode()
            request = urllib.request.Request(endpoint, data=body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {secrets_by_email[email]}"})
            barrier.wait()
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            results[email] = (status, time.perf_counter() - start)

        threading.stack_size(256 * 1024)
        workers = [threading.Thread(target=participant, args=(u.email,)) for u in users]
        for worker in workers:
            worker.start()
        barrier.wait()
        wall = time.perf_counter()
        for worker in workers:
            worker.join()
        wall = time.perf_counter() - wall
        latencies = sorted(lat for _s, lat in results.values())
        statuses: dict[int, int] = {}
        for status, _lat in results.values():
            statuses[status] = statuses.get(status, 0) + 1
        ok = statuses.get(201, 0)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"surge: {len(users)} concurrent participants, 20-question survey, waitress {args.threads} threads")
        print(f"  statuses {statuses}; wall {wall:.2f} s; {ok / wall:.1f} submissions/s; "
              f"median {statistics.median(latencies) * 1000:.0f} ms; p95 {p95 * 1000:.0f} ms; "
              f"max {latencies[-1] * 1000:.0f} ms")

        # Integrity ---------------------------------------------------------------------------------
        stored = Participation.objects.filter(consultation=consultation, submitted_at__isnull=False)
        per_user = stored.values("user").distinct().count()
        sent = sorted(canonical(email, int(key[1:]), value) for email, answers in payloads.items()
                      if results[email][0] == 201 for key, value in answers.items())
        kept = sorted(canonical(email, qid, value) for email, qid, value in Answer.objects.filter(
            participation__in=stored).values_list("participation__user__email", "question_id", "value"))
        sent_sum = hashlib.sha256("\n".join(sent).encode()).hexdigest()
        kept_sum = hashlib.sha256("\n".join(kept).encode()).hexdigest()
        resend = []
        for email in list(payloads)[:50]:
            request = urllib.request.Request(endpoint, data=json.dumps({"answers": payloads[email], "consent": True})
                                             .encode(), method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {secrets_by_email[email]}"})
            try:
                urllib.request.urlopen(request, timeout=60)
                resend.append(201)
            except urllib.error.HTTPError as error:
                resend.append(error.code)
        exactly_once = stored.count() == ok == per_user and len(sent) == len(kept) and sent_sum == kept_sum
        print(f"integrity: {stored.count()} participations stored for {ok} accepted submissions "
              f"({per_user} distinct accounts); {len(kept)} answers; checksum sent {sent_sum[:16]}… "
              f"stored {kept_sum[:16]}… → {'OK' if exactly_once else 'MISMATCH'}")
        print(f"  50 resubmissions refused: {resend.count(422)}/50; still {stored.count()} participations")

        # Results on N answers ----------------------------------------------------------------------
        total = Answer.objects.filter(participation__consultation=consultation).count()
        extra_participants = []
        index = args.participants
        planned = total
        while planned < args.answers:
            extra_participants.append(index)
            planned += len(answers_for(index, questions))
            index += 1
        new = Participation.objects.bulk_create([
            Participation(consultation=consultation, resume_token=f"bench-{i}", consent_given=True,
                          submitted_at=timezone.now()) for i in extra_participants])
        batch = []
        for participation, i in zip(new, extra_participants, strict=True):
            for key, value in answers_for(i, questions).items():
                qid = int(key[1:])
                text = value if isinstance(value, str) and questions[-1].pk >= qid >= questions[-2].pk else ""
                batch.append(Answer(participation=participation, question_id=qid, value=value, text=text))
            if len(batch) > 20000:
                Answer.objects.bulk_create(batch)
                batch = []
        Answer.objects.bulk_create(batch)
        total = Answer.objects.filter(participation__consultation=consultation).count()
        from django.db import connection
        from django.test import Client

        from ouvert.consultations.selectors import consultation_results

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings = {}
        start = time.perf_counter()
        data = consultation_results(consultation=Consultation.objects.get(pk=consultation.pk))
        timings["selector"] = time.perf_counter() - start
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(organizer)
        start = time.perf_counter()
        page = client.get(f"/fr/consultations/{consultation.slug}/resultats/")
        timings["html page"] = time.perf_counter() - start
        start = time.perf_counter()
        request = urllib.request.Request(f"{base}/api/v1/consultations/{consultation.slug}/results",
                                         headers={"Authorization": f"Bearer {organizer_secret}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            api = json.loads(response.read())
        timings["API over HTTP"] = time.perf_counter() - start
        assert page.status_code == 200 and api["participants"] == data["total"]
        print(f"results on {total} answers from {data['total']} participants: "
              + "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
              + f" → {'under 1 s' if max(timings.values()) < 1 else 'OVER 1 s'}")
        return 0 if exactly_once and max(timings.values()) < 1 else 1
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
