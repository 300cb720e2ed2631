#!/usr/bin/env python
"""Simultaneous anonymous ballots against gunicorn: every token counts once.

    .venv/bin/python bench/ballot_race.py [--small] [--tokens 100] [--workers 4] [--threads 8]

An open evaluation campaign of the county's root is made on the bench database with 10
subjects, four dimensions on the 好/较好/一般/差 grades and one anonymous group, and
`--tokens` single-use codes (one subject each, as a printed QR sheet gives). gunicorn serves the
project as in production. Each code's public page is read once, as a phone would, for its CSRF
cookie and token; then every code's sheet is posted twice at the same instant (200 requests
for 100 codes), released together by a barrier. Afterwards the database must hold exactly one
ballot, one receipt and four scores per code, every code spent, and of the two answers each
code got, one the thank-you redirect and the other the page saying the code is used. The
campaign is deleted at the end.

Alone it runs on the database of bench/run.py, like bench/quiz_submit_race.py; bench/run.py
runs it after the secondment pages unless --no-race.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))

from quiz_submit_race import Gunicorn, _percentile, _set_cookies  # noqa: E402

SUBJECTS = 10
USED = "已使用"  # the page a spent code gets


@dataclass
class Shot:
    code: str
    status: int = 0
    sent: float = 0.0
    ms: float = 0.0
    location: str = ""
    body: str = ""
    error: str = ""


@dataclass
class BallotRaceResult:
    tokens: int
    requests: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    p50: float = 0.0
    p95: float = 0.0
    max: float = 0.0
    thanked: int = 0
    refused_used: int = 0
    errors: int = 0
    burst_s: float = 0.0
    workers: int = 0
    threads: int = 0

    def summary(self) -> str:
        verdict = "ok" if self.ok else "**FAILED**"
        if self.problems:
            return f"{verdict}: " + "; ".join(self.problems[:10])
        return (
            f"{verdict}: {self.tokens} codes, {self.requests} sheets posted at once (each code "
            f"twice) against gunicorn ({self.workers} workers × {self.threads} threads), all "
            f"answered within {self.burst_s:.1f} s; latency p50 {self.p50:.0f} ms, p95 "
            f"{self.p95:.0f} ms, max {self.max:.0f} ms; {self.errors} errors; {self.thanked} "
            f"thanked, {self.refused_used} told the code was used; one ballot, one receipt and "
            f"four scores per code, every code spent"
        )


def _setup(data, tokens: int, log):
    from datetime import timedelta

    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.evaluations.services import campaigns as services
    from grassroots.orgs.models import Organization, Person

    officer = User.objects.get(pk=data.officer_id)
    root = Organization.objects.get(pk=data.root_id)
    now = timezone.now()
    campaign = services.campaign_create(
        organization=root,
        title=f"并发测评 {timezone.localtime(now):%Y%m%d%H%M%S}",
        subject_kind="person",
        scale_kind="grades",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
        dimensions=[("履行职责", 1), ("服务态度", 1), ("办事效率", 1), ("廉洁自律", 1)],
        groups=[("服务对象", 100, True)],
        actor=officer,
    )
    people = list(Person.objects.filter(status="active").order_by("id")[:SUBJECTS])
    services.subjects_add_people(campaign=campaign, people=people, actor=officer)
    subjects = list(campaign.subjects.order_by("id"))
    group = campaign.groups.get()
    issued = []
    per_subject = max(1, tokens // len(subjects))
    for subject in subjects:
        issued += services.tokens_issue(
            campaign=campaign, group=group, count=per_subject, subject=subject, actor=officer
        )
    services.campaign_open(campaign=campaign, actor=officer)
    log(f"  ballot race: campaign #{campaign.pk}, {len(issued)} codes")
    return campaign, issued


def _sheets(server: Gunicorn, campaign, issued) -> dict[str, tuple[str, dict]]:
    """Each code's page read once: its CSRF cookie and the form a voter would post."""
    from grassroots.evaluations.forms_ballots import field_name

    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    dimensions = list(campaign.dimensions.order_by("id"))
    levels = list(campaign.levels.order_by("sort_order"))

    def one(token):
        status, headers, body = server.request("GET", f"/evaluations/t/{token.code}/")
        if status != 200:
            raise RuntimeError(f"sheet of code {token.serial}: HTTP {status}")
        found = csrf.search(body)
        jar = _set_cookies(headers)
        if not found or "csrftoken" not in jar:
            raise RuntimeError(f"sheet of code {token.serial}: no CSRF token")
        form = {"csrfmiddlewaretoken": found.group(1).decode()}
        for i, dimension in enumerate(dimensions):
            level = levels[(token.serial + i) % len(levels)]
            form[field_name(token.subject_id, dimension.pk)] = str(level.pk)
        return token.code, (jar["csrftoken"].value, form)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(one, issued))


def _post(server: Gunicorn, shot: Shot, cookie: str, form: dict, barrier) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        conn.connect()
        barrier.wait(timeout=60)
        shot.sent = time.perf_counter()
        conn.request("POST", f"/evaluations/t/{shot.code}/", urlencode(form), headers)
        response = conn.getresponse()
        shot.body = response.read().decode("utf-8", "replace")
        shot.ms = (time.perf_counter() - shot.sent) * 1000
        shot.status = response.status
        shot.location = response.getheader("Location", "")
    except Exception as exc:  # noqa: BLE001  (reported as an error of this request)
        shot.error = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def _verify(campaign, issued, shots: list[Shot]) -> list[str]:
    from collections import Counter

    from grassroots.evaluations.models import Ballot, Receipt, Score, Token

    problems = []
    n = len(issued)
    ballots = Ballot.objects.filter(campaign=campaign).count()
    receipts = Receipt.objects.filter(campaign=campaign).count()
    scores = Score.objects.filter(campaign=campaign).count()
    spent = Token.objects.filter(campaign=campaign, used=True).count()
    dims = campaign.dimensions.count()
    for label, found, expected in (
        ("ballots", ballots, n),
        ("receipts", receipts, n),
        ("scores", scores, n * dims),
        ("spent codes", spent, n),
    ):
        if found != expected:
            problems.append(f"{found} {label}, {expected} expected")
    per_subject = Counter(
        Receipt.objects.filter(campaign=campaign).values_list("subject_id", flat=True)
    )
    tokens_per_subject = Counter(t.subject_id for t in issued)
    if per_subject != tokens_per_subject:
        problems.append("receipts per subject differ from codes per subject")
    by_code: dict[str, list[Shot]] = {}
    for shot in shots:
        by_code.setdefault(shot.code, []).append(shot)
    for code, pair in by_code.items():
        thanked = [s for s in pair if s.status == 302 and s.location.endswith("/t/done/")]
        used = [s for s in pair if s.status == 200 and USED in s.body]
        if len(thanked) != 1 or len(used) != 1:
            kinds = [(s.status, s.location, s.error) for s in pair]
            problems.append(f"code …{code[-4:]}: answers {kinds}")
    return problems


def run(data, *, tokens: int = 100, workers: int = 4, threads: int = 8, log=print):
    campaign, issued = _setup(data, tokens, log)
    server = Gunicorn(workers, threads)
    try:
        server.start()
        sheets = _sheets(server, campaign, issued)
        shots = [Shot(t.code) for t in issued for _twice in range(2)]
        barrier = threading.Barrier(len(shots))
        started = time.perf_counter()
        workers_ = [
            threading.Thread(target=_post, args=(server, s, *sheets[s.code], barrier))
            for s in shots
        ]
        for t in workers_:
            t.start()
        for t in workers_:
            t.join()
        burst = time.perf_counter() - started
        problems = _verify(campaign, issued, shots)
        times = [s.ms for s in shots if not s.error]
        result = BallotRaceResult(
            tokens=len(issued),
            requests=len(shots),
            ok=not problems,
            problems=problems,
            p50=statistics.median(times) if times else 0.0,
            p95=_percentile(times, 95),
            max=max(times, default=0.0),
            thanked=sum(1 for s in shots if s.status == 302),
            refused_used=sum(1 for s in shots if s.status == 200 and USED in s.body),
            errors=sum(1 for s in shots if s.error or s.status >= 500),
            burst_s=burst,
            workers=workers,
            threads=threads,
        )
        log(f"  {result.summary()}")
        return result
    finally:
        server.stop()
        from grassroots.evaluations.models import Score

        Score.objects.filter(campaign=campaign).delete()  # scores protect the scale's levels
        campaign.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--tokens", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    import run as bench_run

    bench_run.configure_environment()

    class Reuse:
        reuse = True

    _label, _where, cleanup = bench_run.prepare_database(Reuse())
    import django

    django.setup()
    import generate

    data = generate.existing()
    generated = data is None
    if generated:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        data = generate.generate(generate.SMALL if args.small else generate.FULL)
    try:
        result = run(data, tokens=args.tokens, workers=args.workers, threads=args.threads)
    finally:
        if generated:
            cleanup()
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
