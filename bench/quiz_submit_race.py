#!/usr/bin/env python
"""Simultaneous quiz submissions against gunicorn on the bench database: every attempt must be
graded exactly once.

    .venv/bin/python bench/quiz_submit_race.py [--small] [--people 200] [--workers 4] [--threads 8]

A quiz is set up through the services (created, given 20 questions and published by the county
officer); each of `--people` party members gets an account, an open attempt started and partly
answered through the services, and a database session. gunicorn serves the project as in
production (DEBUG off, static files by WhiteNoise); each member's attempt page is read once for
its CSRF token; then every submission is sent twice at the same instant (400 requests for 200
people), released together by a barrier; 20 more members submit one at a time before, for
the time a submission takes on an idle server. Afterwards the database must show each attempt
submitted once, with the score its answers earn, and one result per person counting one
submission; and of the two answers each member got, one must say "graded" and the other
"already submitted". The quiz, its accounts and sessions are deleted at the end.

Alone, it runs on the database of bench/run.py (SQLite under var/bench/, or grassroots_bench when
DATABASE_URL is set): a database kept with --keep is used as it is, else a county is generated
(--small for 10,000 people) and dropped afterwards. bench/run.py runs it after the pages unless
--no-race.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))

QUESTIONS = 20
GRADED = "已交卷"  # the message of the request that graded the attempt
ALREADY = "已经交过了"  # the message of the request that found it graded


@dataclass
class Shot:
    attempt_id: int
    status: int = 0
    sent: float = 0.0  # perf_counter when the request went out
    ms: float = 0.0
    location: str = ""
    messages: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class RaceResult:
    people: int
    requests: int
    solo: int  # attempts submitted one at a time first
    solo_p50: float
    ok: bool
    problems: list[str]
    p50: float
    p95: float
    max: float
    errors: int
    graded_messages: int
    already_messages: int
    workers: int
    threads: int
    burst_s: float  # from the barrier's release to the last answer
    seconds: float

    def summary(self) -> str:
        verdict = "ok" if self.ok else "**FAILED**"
        text = (
            f"{verdict}: {self.people} attempts, {self.requests} submissions at once (each twice) "
            f"against gunicorn ({self.workers} workers × {self.threads} threads), all answered "
            f"within {self.burst_s:.1f} s ({self.requests / max(self.burst_s, 0.001):.0f} requests/s); "
            f"latency p50 "
            f"{self.p50:.0f} ms, p95 {self.p95:.0f} ms, max {self.max:.0f} ms; {self.errors} errors; "
            f"{self.graded_messages} answered “graded”, {self.already_messages} “already submitted”; "
            f"every attempt graded once, one result each with its score. Before the burst, "
            f"{self.solo} submissions one at a time: p50 {self.solo_p50:.0f} ms"
        )
        if self.problems:
            text = f"{verdict}: " + "; ".join(self.problems[:10])
        return text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], pct: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] if ordered else 0.0


# --- The server ----------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving the project on a free port, with the bench's environment."""

    def __init__(self, workers: int, threads: int):
        self.port = _free_port()
        self.workers, self.threads = workers, threads
        self.log = BASE_DIR / "var" / "bench" / "race-gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "STATIC_MANIFEST": "0",
                "LOG_LEVEL": "ERROR",
            }
        )
        command = [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            *("--bind", f"127.0.0.1:{self.port}"),
            *("--workers", str(self.workers)),
            *("--threads", str(self.threads)),
            *("--worker-class", "gthread"),
            *("--timeout", "120"),
            *("--backlog", "2048"),
            *("--error-logfile", str(self.log)),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                status, _headers, _body = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def request(self, method: str, path: str, *, cookies: dict | None = None, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = {"Host": f"127.0.0.1:{self.port}"}
            if cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()


def _set_cookies(headers) -> SimpleCookie:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return jar


def _messages(headers) -> list[str]:
    """The texts of the messages a response set in the `messages` cookie."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    jar = _set_cookies(headers)
    if "messages" not in jar or not jar["messages"].value:
        return []
    decoded = CookieStorage(HttpRequest())._decode(jar["messages"].value) or []
    return [str(m.message) for m in decoded]


# --- Setting up through the services -------------------------------------------------------


def _setup(data, people: int, log):
    """The quiz, the members with their open attempts (partly answered), their sessions."""
    import random
    from datetime import timedelta

    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.orgs.enums import PARTY_STATUSES, PersonStatus
    from grassroots.orgs.models import Organization, Person
    from grassroots.quizzes.enums import Audience, GradingRule, QuestionType, Selection
    from grassroots.quizzes.models import Question
    from grassroots.quizzes.services import attempts as attempt_services
    from grassroots.quizzes.services import quizzes as quiz_services

    rng = random.Random(7)
    officer = User.objects.get(pk=data.officer_id)
    root = Organization.objects.get(pk=data.root_id)
    bank = list(Question.objects.filter(organization=root, is_active=True).order_by("id")[:200])
    if len(bank) < QUESTIONS:
        from generate_study import make_bank

        bank = make_bank(root, 40)
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d%H%M%S")
    quiz = quiz_services.quiz_create(
        organization=root,
        actor=officer,
        title=f"并发交卷测试 {stamp}",
        audience=Audience.SUBTREE,
        audience_org=root,
        party_members_only=True,
        selection=Selection.FIXED,
        points_per_question=5,
        partial_credit=True,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=3),
        time_limit_minutes=120,
        max_attempts=1,
        grading_rule=GradingRule.HIGHEST,
        pass_score=60,
    )
    quiz_services.quiz_add_questions(
        quiz=quiz, questions=rng.sample(bank, QUESTIONS), actor=officer
    )
    quiz_services.quiz_publish(quiz=quiz, actor=officer)

    # Party members without an account yet, from all over the county.
    candidates = Person.objects.filter(
        status=PersonStatus.ACTIVE, political_status__in=PARTY_STATUSES, user__isnull=True
    ).order_by("id")
    total = candidates.count()
    offset = rng.randint(0, max(0, total - people * 3))
    chosen = list(candidates.select_related("primary_org")[offset : offset + people * 3 : 3])
    backend = "grassroots.accounts.backends.MobileOrStaffNumberBackend"
    members = []
    for i, person in enumerate(chosen):
        user = User(username=f"race{quiz.pk}_{i:03d}", person=person)
        user.set_unusable_password()
        user.save()
        attempt = attempt_services.attempt_start(quiz=quiz, actor=user)
        # Some right answers, some wrong, some left blank: the scores differ.
        for item in attempt.items.order_by("position"):
            r = rng.random()
            if r < 0.15:
                continue
            if item.qtype == QuestionType.FILL_BLANK:
                response = [a[0] for a in item.answer] if r < 0.7 else ["不知道"] * len(item.answer)
            elif item.qtype == QuestionType.TRUE_FALSE:
                response = [item.answer[0] if r < 0.7 else not item.answer[0]]
            elif r < 0.7:
                response = list(item.answer)
            else:
                response = [rng.randrange(len(item.options))]
            attempt_services.attempt_answer(
                attempt=attempt, position=item.position, response=response, actor=user
            )
        client = Client()
        client.force_login(user, backend=backend)
        members.append((user, attempt, client.cookies["sessionid"].value))
    assert len(members) == people, f"only {len(members)} people could take part"
    counts = dict(
        quiz.attempts.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    log(f"  race: quiz #{quiz.pk}, {len(members)} members with open attempts {counts}")
    return quiz, members


def _cleanup(quiz, members) -> None:
    from django.contrib.sessions.models import Session
    from django.urls import reverse

    from grassroots.accounts.models import User
    from grassroots.notifications.models import Notification
    from grassroots.quizzes.models import QuizResult

    Session.objects.filter(session_key__in=[key for _u, _a, key in members]).delete()
    Notification.objects.filter(url=reverse("quizzes:quiz", args=[quiz.pk])).delete()
    QuizResult.objects.filter(quiz=quiz).delete()
    quiz.delete()
    User.objects.filter(pk__in=[u.pk for u, _a, _k in members]).delete()


# --- The race ------------------------------------------------------------------------------


def _tokens(server: Gunicorn, members) -> dict[int, str]:
    """Each member reads their attempt page once, as a browser would: the CSRF token."""
    pattern = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def one(member):
        user, attempt, session_key = member
        status, headers, body = server.request(
            "GET", f"/quizzes/attempts/{attempt.pk}/", cookies={"sessionid": session_key}
        )
        if status != 200:
            raise RuntimeError(f"attempt page of #{attempt.pk}: HTTP {status}")
        jar = _set_cookies(headers)
        found = pattern.search(body)
        if "csrftoken" not in jar or not found:
            raise RuntimeError(f"attempt page of #{attempt.pk}: no CSRF token")
        return attempt.pk, (jar["csrftoken"].value, found.group(1).decode())

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(one, members))


def _submit(server: Gunicorn, shot: Shot, session_key: str, tokens, barrier=None) -> None:
    """POST the submission of one attempt, as the form of its page does."""
    cookie, token = tokens[shot.attempt_id]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    body = urlencode({"csrfmiddlewaretoken": token})
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Cookie": f"sessionid={session_key}; csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        conn.connect()
        if barrier is not None:
            barrier.wait(timeout=60)
        shot.sent = time.perf_counter()
        conn.request("POST", f"/quizzes/attempts/{shot.attempt_id}/submit/", body, headers)
        response = conn.getresponse()
        response.read()
        shot.ms = (time.perf_counter() - shot.sent) * 1000
        shot.status = response.status
        shot.location = response.getheader("Location", "")
        shot.messages = _messages(response.getheaders())
    except Exception as exc:  # noqa: BLE001  (reported as an error of this request)
        shot.error = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def _one_at_a_time(server: Gunicorn, members, tokens) -> list[Shot]:
    """Submissions with nothing else running: what one costs the server."""
    shots = []
    for _u, attempt, key in members:
        shot = Shot(attempt.pk)
        _submit(server, shot, key, tokens)
        shots.append(shot)
    return shots


def _fire(server: Gunicorn, members, tokens) -> list[Shot]:
    """Every attempt submitted twice, all requests released at the same instant."""
    shots = [Shot(attempt.pk) for _u, attempt, _k in members for _twice in range(2)]
    keys = {attempt.pk: key for _u, attempt, key in members}
    barrier = threading.Barrier(len(shots))

    def go(shot: Shot) -> None:
        _submit(server, shot, keys[shot.attempt_id], tokens, barrier)

    threads = [threading.Thread(target=go, args=(shot,)) for shot in shots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return shots


def _verify(quiz, members, shots: list[Shot], twice: set[int]) -> list[str]:
    """What is wrong in the database or in the answers (nothing, if graded exactly once)."""
    from collections import Counter

    from grassroots.quizzes.enums import AttemptStatus
    from grassroots.quizzes.grading import judge
    from grassroots.quizzes.models import Attempt, QuizResult

    problems = []
    attempts = {
        a.pk: a for a in Attempt.objects.filter(quiz=quiz).prefetch_related("items").order_by("pk")
    }
    results = list(QuizResult.objects.filter(quiz=quiz))
    by_person = Counter(r.person_id for r in results)
    expected_ids = {attempt.pk for _u, attempt, _k in members}
    if set(attempts) != expected_ids:
        problems.append(f"{len(attempts)} attempts in the quiz, {len(expected_ids)} expected")
    if len(results) != len(members) or any(n != 1 for n in by_person.values()):
        problems.append(f"{len(results)} results for {len(members)} people")
    result_of = {r.person_id: r for r in results}
    for attempt in attempts.values():
        if attempt.status != AttemptStatus.SUBMITTED or attempt.submitted_at is None:
            problems.append(f"attempt #{attempt.pk} is {attempt.status}")
            continue
        earned = sum(
            judge(
                i.qtype, i.answer, i.response or [], i.points, partial_credit=quiz.partial_credit
            ).score
            for i in attempt.items.all()
        )
        stored = sum(i.score or 0 for i in attempt.items.all())
        if not (attempt.score == earned == stored):
            problems.append(
                f"attempt #{attempt.pk}: score {attempt.score}, items {stored}, answers earn {earned}"
            )
        result = result_of.get(attempt.person_id)
        if result is None:
            problems.append(f"attempt #{attempt.pk}: no result")
        elif (
            result.attempts_submitted != 1
            or result.score != attempt.score
            or result.counted_attempt_id != attempt.pk
        ):
            problems.append(
                f"result of #{attempt.pk}: {result.attempts_submitted} submissions, score {result.score}"
            )
    per_attempt: dict[int, Counter] = {}
    for shot in shots:
        said = per_attempt.setdefault(shot.attempt_id, Counter())
        text = " ".join(shot.messages)
        said["graded" if GRADED in text else "already" if ALREADY in text else "none"] += 1
    for attempt_id, said in per_attempt.items():
        if said["graded"] != 1 or said["already"] != (1 if attempt_id in twice else 0):
            problems.append(f"attempt #{attempt_id}: answers {dict(said)}")
    bad = [s for s in shots if s.error or s.status != 302]
    if bad:
        problems.append(
            f"{len(bad)} requests failed, e.g. " + (bad[0].error or f"HTTP {bad[0].status}")
        )
    return problems


def run(
    data, *, people: int = 200, solo: int = 20, workers: int = 4, threads: int = 8, log=print
) -> RaceResult:
    from django.db import connections

    started = time.monotonic()
    quiz, members = _setup(data, people + solo, log)
    alone, burst = members[:solo], members[solo:]
    server = Gunicorn(workers, threads)
    try:
        connections.close_all()  # nothing of this process holds the database meanwhile
        server.start()
        log(f"  race: gunicorn on 127.0.0.1:{server.port} ({workers} workers × {threads} threads)")
        tokens = _tokens(server, members)
        solo_shots = _one_at_a_time(server, alone, tokens)
        shots = _fire(server, burst, tokens)
    finally:
        server.stop()
    try:
        twice = {attempt.pk for _u, attempt, _k in burst}
        problems = _verify(quiz, members, solo_shots + shots, twice)
    finally:
        _cleanup(quiz, members)
    solo_times = [s.ms for s in solo_shots if not s.error]
    times = [s.ms for s in shots if not s.error]
    said = " ".join(" ".join(s.messages) for s in shots)
    result = RaceResult(
        people=len(burst),
        requests=len(shots),
        solo=len(alone),
        solo_p50=statistics.median(solo_times) if solo_times else 0.0,
        ok=not problems,
        problems=problems,
        p50=statistics.median(times) if times else 0.0,
        p95=_percentile(times, 95),
        max=max(times, default=0.0),
        errors=sum(1 for s in solo_shots + shots if s.error or s.status != 302),
        graded_messages=said.count(GRADED),
        already_messages=said.count(ALREADY),
        workers=workers,
        threads=threads,
        burst_s=max((s.sent + s.ms / 1000 for s in shots if not s.error), default=0.0)
        - min((s.sent for s in shots if not s.error), default=0.0),
        seconds=time.monotonic() - started,
    )
    log(f"  race: {result.summary()} ({result.seconds:.0f} s)")
    return result


def main() -> None:
    import run as bench

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="generate a small county if needed")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument(
        "--solo", type=int, default=20, help="attempts submitted one at a time before the burst"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep a database generated here")
    args = parser.parse_args()

    bench.configure_environment()
    _label, where, cleanup = bench.prepare_database(
        argparse.Namespace(small=args.small, reuse=True)
    )
    import django

    django.setup()
    import generate
    from django.core.management import call_command

    print(f"Benchmark database: {where}")
    call_command("migrate", verbosity=0)
    data = generate.existing()
    fresh = data is None
    try:
        if fresh:
            size = generate.SMALL if args.small else generate.FULL
            print(f"Generating {size.people:,} people in {size.organizations:,} organizations…")
            data = generate.generate(size, log=print)
        result = run(
            data, people=args.people, solo=args.solo, workers=args.workers, threads=args.threads
        )
    finally:
        if fresh and not args.keep:
            cleanup()
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
