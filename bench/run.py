#!/usr/bin/env python
"""Benchmark of the main pages on county-scale data, in a database of its own.

    .venv/bin/python bench/run.py [--small] [--keep] [--reuse] [--requests 50] [--explain]
                                  [--no-roster] [--no-study] [--no-race]

SQLite: a file under var/bench/. PostgreSQL when DATABASE_URL is set: the same server, but a
database named grassroots_bench (BENCH_DATABASE_NAME), created if needed and dropped afterwards
unless --keep. The development database is never opened. Every page is requested through
Django's test Client with the real middleware and templates, logged in with a session; each is
compared with a bare view that reads the same 50 rows in one query and renders no template.
After the county come a year of study sessions with ~7 million attendance rows, the hours
ledger and a county-wide quiz with ~3 million answers (bench/generate_study.py), their pages,
and 200 quiz submissions sent twice at once to gunicorn (bench/quiz_submit_race.py).
Results are printed and written to bench/results/<date>-<db>[-small].md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))

TARGET_P95_MS = 150.0
TARGET_RATIO = 3.0
COMPLIANCE_P95_MS = 300.0  # a county-wide compliance view counts six years of meetings
TALLY_P95_MS = 1000.0  # the tally of 1,000 subjects and 100,000 ballots
ROSTER_ROWS = 10_000


# --- The database of the benchmark ------------------------------------------------------


def _pg_bench_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _pg_admin(url: str):
    """A connection to the server's maintenance database, to create or drop the bench one."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        user=parts.username or None,
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def prepare_database(args) -> tuple[str, str, callable]:
    """Point DATABASE_URL at the bench database; return (label, url, cleanup)."""
    dev_url = os.environ.get("DATABASE_URL", "")
    if dev_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        name = os.environ.get("BENCH_DATABASE_NAME", "grassroots_bench")
        if urlsplit(dev_url).path.lstrip("/") == name:
            sys.exit(
                "DATABASE_URL already names the bench database; point it at any other database."
            )
        url = _pg_bench_url(dev_url, name)
        with _pg_admin(dev_url) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not args.reuse:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

        def cleanup():
            from django.db import connections

            connections.close_all()
            with _pg_admin(dev_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        os.environ["DATABASE_URL"] = url
        return "postgresql", f"postgresql://…/{name}", cleanup
    if dev_url and not dev_url.startswith("sqlite"):
        sys.exit(f"bench/run.py supports SQLite and PostgreSQL, not {dev_url.split(':')[0]}")
    var = BASE_DIR / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    # BENCH_DATABASE_NAME names the file too, so that two runs on one checkout stay apart.
    stem = os.environ.get("BENCH_DATABASE_NAME", "bench")
    path = var / (f"{stem}-small.sqlite3" if args.small else f"{stem}.sqlite3")
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    if not args.reuse:
        for f in files:
            f.unlink(missing_ok=True)

    def cleanup():
        from django.db import connections

        connections.close_all()
        for f in files:
            f.unlink(missing_ok=True)

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "sqlite", str(path.relative_to(BASE_DIR)), cleanup


def configure_environment() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["GRASSROOTS_VAR_DIR"] = str(
        BASE_DIR / "var" / "bench"
    )  # keeps var/ of the dev server apart
    os.environ["DJANGO_DEBUG"] = "0"  # production settings: cached templates, no query log
    os.environ["STATIC_MANIFEST"] = "0"  # no collectstatic needed
    os.environ["STATIC_ROOT"] = str(BASE_DIR / "var" / "bench" / "staticfiles")
    (BASE_DIR / "var" / "bench" / "staticfiles").mkdir(parents=True, exist_ok=True)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["HUEY_IMMEDIATE"] = "1"


# --- Measuring -----------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Case:
    def __init__(
        self, label: str, scope: str, call, check: str = "", target: float = TARGET_P95_MS
    ):
        self.label, self.scope, self.call, self.check = label, scope, call, check
        self.target = target  # p95 in ms
        self.times: list[float] = []
        self.queries = 0
        self.slowest: list[tuple[float, str]] = []


def measure(case: Case, requests: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = case.call()
    assert response.status_code == 200, f"{case.label}: HTTP {response.status_code}"
    if case.check:
        assert case.check in response.content.decode(), (
            f"{case.label}: {case.check!r} not in the page"
        )
    for _ in range(4):  # warm-up: template loaders, the session row, the database's caches
        case.call()
    # As config/wsgi.py does in a worker: what is loaded stays out of the collector's scans.
    gc.collect()
    gc.freeze()
    for _ in range(requests):
        started = time.perf_counter()
        case.call()
        case.times.append((time.perf_counter() - started) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        case.call()
    case.queries = len(ctx.captured_queries)
    case.slowest = sorted(
        ((retime(q["sql"]), q["sql"]) for q in ctx.captured_queries), reverse=True
    )[:3]


def retime(sql: str) -> float:
    """A read query's time with its rows fetched: SQLite does the work while rows are fetched,
    after the time that the query log records."""
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return 0.0
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def explain(sql_with_params: str) -> str:
    from django.db import connection

    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql_with_params)
        rows = cursor.fetchall()
    return "\n".join(" | ".join(str(c) for c in row) for row in rows)


def bare_people(request, prefix: str):
    """What the people page must at least do: 50 people of the scope, one query, no template."""
    from django.http import JsonResponse

    from grassroots.orgs.models import Person

    rows = list(
        Person.objects.filter(primary_org__path__startswith=prefix, status="active")
        .order_by("name_pinyin", "id")
        .values(
            "id",
            "name",
            "gender",
            "political_status",
            "primary_org__name",
            "job_title",
            "mobile",
            "birth_date",
        )[:50]
    )
    return JsonResponse(rows, safe=False)


def bare_ledger(request, prefix: str, year: int):
    """What a ledger page must at least do: 50 ledger lines of the scope, one query."""
    from django.http import JsonResponse

    from grassroots.study.models import StudyYear

    rows = list(
        StudyYear.objects.filter(
            year=year, person__status="active", person__primary_org__path__startswith=prefix
        )
        .order_by("-progress", "person_id")
        .values(
            "person_id",
            "person__name",
            "person__primary_org__name",
            "concentrated",
            "branch",
            "training",
            "self_study",
            "total",
            "target",
            "progress",
        )[:50]
    )
    return JsonResponse(rows, safe=False)


def bare_board(request, quiz_id: int):
    """What a leaderboard page must at least do: the first 50 results, one query."""
    from django.http import JsonResponse

    from grassroots.quizzes.models import QuizResult

    rows = list(
        QuizResult.objects.filter(quiz_id=quiz_id)
        .order_by("-score", "time_used_seconds", "id")
        .values(
            "id",
            "score",
            "best_score",
            "time_used_seconds",
            "attempts_submitted",
            "person__name",
            "person__primary_org__name",
        )[:50]
    )
    return JsonResponse(rows, safe=False)


def build_cases(data) -> list[Case]:
    from django.test import Client, RequestFactory
    from django.urls import reverse

    from grassroots.accounts.models import User
    from grassroots.orgs.models import Organization

    backend = "grassroots.accounts.backends.MobileOrStaffNumberBackend"
    secretary, officer = Client(), Client()
    secretary.force_login(User.objects.get(pk=data.secretary_id), backend=backend)
    officer.force_login(User.objects.get(pk=data.officer_id), backend=backend)
    subtree = Organization.objects.get(pk=data.subtree_id)
    root = Organization.objects.get(pk=data.root_id)
    factory = RequestFactory()
    people = reverse("orgs:people")

    def get(client, url, **extra):
        return lambda: client.get(url, **extra)

    return [
        Case(
            "bare: 50 people, subtree",
            "subtree",
            lambda: bare_people(factory.get("/bare/"), subtree.path),
        ),
        Case(
            "bare: 50 people, county",
            "county",
            lambda: bare_people(factory.get("/bare/"), root.path),
        ),
        Case(
            "people list, subtree (~2,000)",
            "subtree",
            get(secretary, people),
            f"共 {data.subtree_people} 人",
        ),
        Case(
            "people list, one branch",
            "subtree",
            get(secretary, people + f"?org={data.branch_id}"),
        ),
        Case("people list, county", "county", get(officer, people)),
        Case("people search zh, county", "county", get(officer, people + "?q=zh")),
        Case(
            "people table htmx page 3, county",
            "county",
            get(officer, people + "?page=3", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-table"),
        ),
        Case("tree page, county", "county", get(officer, reverse("orgs:tree"))),
        Case(
            "tree children of the root",
            "county",
            get(officer, reverse("orgs:tree_children", args=[root.pk])),
        ),
        Case(
            "organization page, subtree root",
            "subtree",
            get(secretary, reverse("orgs:detail", args=[subtree.pk])),
        ),
        Case(
            "organization page, general branch",
            "subtree",
            get(secretary, reverse("orgs:detail", args=[data.organization_id])),
        ),
        Case(
            "organization page, county root",
            "county",
            get(officer, reverse("orgs:detail", args=[root.pk])),
        ),
        Case(
            "person page",
            "subtree",
            get(secretary, reverse("orgs:person_detail", args=[data.person_id])),
        ),
    ]


def build_study_cases(data, study) -> list[Case]:
    """The hours ledger, the comparison of branches and the county quiz's results."""
    from django.test import Client, RequestFactory
    from django.urls import reverse

    from grassroots.accounts.models import User
    from grassroots.orgs.models import Organization, Person

    backend = "grassroots.accounts.backends.MobileOrStaffNumberBackend"
    secretary, officer, member = Client(), Client(), Client()
    secretary.force_login(User.objects.get(pk=data.secretary_id), backend=backend)
    officer.force_login(User.objects.get(pk=data.officer_id), backend=backend)
    member.force_login(User.objects.get(pk=study.member_id), backend=backend)
    subtree = Organization.objects.get(pk=data.subtree_id)
    root = Organization.objects.get(pk=data.root_id)
    branch = Organization.objects.get(pk=data.branch_id)
    factory = RequestFactory()
    ledger, compare = reverse("study:ledger"), reverse("study:compare")
    results = reverse("quizzes:results", args=[study.quiz_id])

    def active(path: str) -> int:
        return Person.objects.filter(primary_org__path__startswith=path, status="active").count()

    county_people = active(root.path)
    deep_ledger = max(2, county_people // 100)  # the middle of the county's ledger
    deep_board = max(2, study.results // 100)

    def get(client, url, **extra):
        return lambda: client.get(url, **extra)

    return [
        Case(
            "bare: 50 ledger lines, subtree",
            "ledger subtree",
            lambda: bare_ledger(factory.get("/bare/"), subtree.path, study.year),
        ),
        Case(
            "bare: 50 ledger lines, county",
            "ledger county",
            lambda: bare_ledger(factory.get("/bare/"), root.path, study.year),
        ),
        Case(
            "bare: 50 leaderboard lines",
            "quiz county",
            lambda: bare_board(factory.get("/bare/"), study.quiz_id),
        ),
        Case(
            "hours ledger, one branch",
            "ledger subtree",
            get(secretary, ledger + f"?org={branch.pk}"),
            f"共 {active(branch.path)} 人",
        ),
        Case(
            "hours ledger, subtree (~2,000)",
            "ledger subtree",
            get(secretary, ledger + f"?org={subtree.pk}"),
            f"共 {data.subtree_people} 人",
        ),
        Case(
            "hours ledger, county",
            "ledger county",
            get(officer, ledger + f"?org={root.pk}"),
            f"共 {county_people} 人",
        ),
        Case(
            f"hours ledger, county, page {deep_ledger:,}",
            "ledger county",
            get(officer, ledger + f"?org={root.pk}&page={deep_ledger}"),
        ),
        Case(
            "hours ledger, county, behind schedule",
            "ledger county",
            get(officer, ledger + f"?org={root.pk}&show=behind"),
        ),
        Case(
            "hours ledger htmx page 3, county",
            "ledger county",
            get(
                officer,
                ledger + f"?org={root.pk}&page=3",
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="ledger-table",
            ),
        ),
        Case(
            "branch ranking, county",
            "ledger county",
            get(officer, compare + f"?org={root.pk}"),
        ),
        Case(
            "branch ranking, subtree",
            "ledger subtree",
            get(secretary, compare + f"?org={subtree.pk}"),
        ),
        Case(
            "quiz leaderboard, page 1",
            "quiz county",
            get(officer, results),
            f"共 {study.results} 人交卷",
        ),
        Case(
            f"quiz leaderboard, page {deep_board:,}",
            "quiz county",
            get(officer, results + f"?page={deep_board}"),
        ),
        Case("quiz results by branch", "quiz county", get(officer, results + "?tab=branches")),
        Case(
            "quiz results by committee",
            "quiz county",
            get(officer, results + "?tab=branches&level=unit"),
        ),
        Case("quiz leaderboard, a participant", "quiz county", get(member, results)),
        Case("quiz leaderboard, subtree secretary", "quiz county", get(secretary, results)),
    ]


def _as_response(compute):
    """A selector as a case: its rows computed and counted (no template, no middleware)."""
    from django.http import HttpResponse

    def call():
        return HttpResponse(str(compute()))

    return call


def bare_branch_meetings(request, org_id: int):
    """What a branch's meeting list must at least do: its 20 latest meetings, one query."""
    from django.http import JsonResponse

    from grassroots.meetings.models import Meeting

    rows = list(
        Meeting.objects.filter(organization_id=org_id)
        .order_by("-starts_at", "-id")
        .values(
            "id",
            "title",
            "kind__name",
            "starts_at",
            "status",
            "expected_count",
            "present_count",
            "leave_count",
        )[:20]
    )
    return JsonResponse(rows, safe=False)


def bare_compliance(request, path: str, view):
    """What a compliance view must at least do: one grouped count of the held meetings of the
    subtree in the period, per organization."""
    from django.db.models import Count
    from django.http import JsonResponse

    from grassroots.core.permissions import subtree_q
    from grassroots.meetings.models import Meeting

    rows = list(
        Meeting.objects.filter(
            subtree_q("organization__path", path),
            status="held",
            starts_at__gte=view.start_at,
            starts_at__lt=view.end_at,
        )
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
        .order_by()
    )
    return JsonResponse({"organizations": len(rows)})


def build_meeting_cases(data) -> list[Case]:
    """The compliance of the whole county for a quarter and a year, and a branch's meetings."""
    from django.test import Client, RequestFactory
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.meetings.enums import Period
    from grassroots.meetings.periods import period_of
    from grassroots.meetings.selectors import compliance_for, meetings_for
    from grassroots.orgs.models import Organization

    backend = "grassroots.accounts.backends.MobileOrStaffNumberBackend"
    secretary_user = User.objects.get(pk=data.secretary_id)
    officer_user = User.objects.get(pk=data.officer_id)
    secretary, officer = Client(), Client()
    secretary.force_login(secretary_user, backend=backend)
    officer.force_login(officer_user, backend=backend)
    root = Organization.objects.get(pk=data.root_id)
    branch = Organization.objects.get(pk=data.branch_id)
    factory = RequestFactory()
    today = timezone.localdate()
    quarter, year = period_of(today, Period.QUARTER), period_of(today, Period.YEAR)

    def get(client, url, **extra):
        return lambda: client.get(url, **extra)

    def county_compliance(view):
        # A fresh user object per call: the permission scopes are cached on it per request.
        def compute():
            user = User.objects.get(pk=data.officer_id)
            rows = compliance_for(user, root, view, today)
            return len(rows)

        return compute

    def branch_meetings():
        user = User.objects.get(pk=data.secretary_id)
        return len(list(meetings_for(user, branch)[:20]))

    cases = [
        Case(
            f"bare: held meetings per organization, county, {quarter.key}",
            "compliance county",
            lambda: bare_compliance(factory.get("/bare/"), root.path, quarter),
        ),
        Case(
            "bare: 20 meetings of a branch",
            "meetings branch",
            lambda: bare_branch_meetings(factory.get("/bare/"), branch.pk),
        ),
        Case(
            f"compliance_for, county, quarter {quarter.key}",
            "compliance county",
            _as_response(county_compliance(quarter)),
            target=COMPLIANCE_P95_MS,
        ),
        Case(
            f"compliance_for, county, year {year.key}",
            "compliance county",
            _as_response(county_compliance(year)),
            target=COMPLIANCE_P95_MS,
        ),
        Case(
            "meetings_for, one branch, first 20",
            "meetings branch",
            _as_response(branch_meetings),
        ),
    ]
    try:
        compliance_url = reverse("meetings:compliance")
    except NoReverseMatch:
        compliance_url = None
    if compliance_url:
        for view in (quarter, year):
            cases.append(
                Case(
                    f"compliance page, county, {view.period} {view.key}",
                    "compliance county",
                    get(
                        officer,
                        f"{compliance_url}?org={root.pk}&period={view.period}&at={view.key}",
                    ),
                    target=COMPLIANCE_P95_MS,
                )
            )
    try:
        list_url = reverse("meetings:meeting_list")
    except NoReverseMatch:
        list_url = None
    if list_url:
        cases += [
            Case(
                "meeting list, one branch",
                "meetings branch",
                get(secretary, f"{list_url}?org={branch.pk}"),
            ),
            Case("meeting list, county", "meetings branch", get(officer, list_url)),
        ]
    return cases


def build_cadre_cases(data, cadres) -> list[Case]:
    """The tally of a 1,000-subject evaluation with 100,000 ballots (selector and pages), and the
    dashboard of a program with 500 cadres."""
    from django.test import Client
    from django.urls import reverse

    from grassroots.accounts.models import User
    from grassroots.evaluations.models import Campaign
    from grassroots.evaluations.selectors.results import tally

    backend = "grassroots.accounts.backends.MobileOrStaffNumberBackend"
    officer = Client()
    officer.force_login(User.objects.get(pk=data.officer_id), backend=backend)

    def get(url):
        return lambda: officer.get(url)

    def tally_once():
        campaign = Campaign.objects.get(pk=cadres.campaign_id)
        return len(tally(campaign).subjects)

    results = reverse("evaluations:campaign_results", args=[cadres.campaign_id])
    dashboard = reverse("cadres:program_dashboard", args=[cadres.program_id])
    return [
        Case(
            f"bare: {cadres.cadres} cadres of a program",
            "cadres program",
            lambda: bare_cadres(cadres.program_id),
        ),
        Case(
            f"program dashboard, {cadres.cadres} cadres",
            "cadres program",
            get(dashboard),
        ),
        Case(
            "program dashboard, late reports only",
            "cadres program",
            get(dashboard + "?late=1"),
        ),
        Case(
            "bare: points per subject, one grouped query",
            "evaluation tally",
            lambda: bare_tally(cadres.campaign_id),
        ),
        Case(
            f"tally(), {cadres.subjects:,} subjects, {cadres.ballots:,} ballots",
            "evaluation tally",
            _as_response(tally_once),
            target=TALLY_P95_MS,
        ),
        Case(
            f"results page, {cadres.subjects:,} subjects",
            "evaluation tally",
            get(results),
            target=TALLY_P95_MS,
        ),
        Case(
            "results Excel export",
            "evaluation tally",
            get(reverse("evaluations:campaign_results_xlsx", args=[cadres.campaign_id])),
            target=TALLY_P95_MS,
        ),
    ]


def bare_tally(campaign_id: int):
    """The sum of points per subject of a campaign in one grouped query, no template."""
    from django.db.models import Sum
    from django.http import HttpResponse

    from grassroots.evaluations.models import Score

    rows = list(
        Score.objects.filter(campaign_id=campaign_id)
        .values("subject_id")
        .annotate(points=Sum("points"))
        .values_list("subject_id", "points")
    )
    return HttpResponse(str(len(rows)))


def bare_cadres(program_id: int):
    """The program's cadres with their person and post, in one query, no template."""
    from django.http import HttpResponse

    from grassroots.cadres.models import Secondment

    rows = list(
        Secondment.objects.filter(program_id=program_id)
        .select_related("person", "post__host")
        .values_list("person__name", "post__title", "post__host__name", "status")
    )
    return HttpResponse(str(len(rows)))


# --- Roster import -------------------------------------------------------------------------


def roster_import(data, log) -> tuple[str, str]:
    """Time the dry run and the confirmation of a 10,000-row roster, if the roster package has them."""
    try:
        from grassroots.orgs.roster import services as roster_services  # noqa: F401
    except ImportError as exc:
        return "skipped", f"grassroots.orgs.roster.services is not importable ({exc})"
    import roster_import as step

    return step.run(data, ROSTER_ROWS, log)


# --- Report ----------------------------------------------------------------------------------


def table(cases: list[Case]) -> list[str]:
    bare = {c.scope: percentile(c.times, 95) for c in cases if c.label.startswith("bare")}
    lines = [
        "| page | p50 ms | p95 ms | p95 / bare p95 | queries | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for c in cases:
        if not c.times:
            continue
        p50, p95 = statistics.median(c.times), percentile(c.times, 95)
        if c.label.startswith("bare"):
            ratio, verdict = "1.0", ""
        else:
            r = p95 / bare[c.scope]
            ratio = f"{r:.1f}"
            ok = p95 <= c.target and r <= TARGET_RATIO
            verdict = (
                "ok" if ok else ("**slow**" if p95 > c.target else f"over {TARGET_RATIO:.0f}× bare")
            )
            if c.target != TARGET_P95_MS:
                verdict += f" (≤ {c.target:.0f} ms)"
        lines.append(f"| {c.label} | {p50:.1f} | {p95:.1f} | {ratio} | {c.queries} | {verdict} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="10,000 people and 500 organizations")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept with --keep again"
    )
    parser.add_argument(
        "--requests", type=int, default=50, help="timed requests per page (default 50)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the slowest queries with their plans"
    )
    parser.add_argument("--no-roster", action="store_true", help="skip the roster import")
    parser.add_argument(
        "--no-study", action="store_true", help="no study and quiz data, pages or race"
    )
    parser.add_argument(
        "--no-race", action="store_true", help="skip the concurrent quiz submissions"
    )
    parser.add_argument(
        "--no-meetings", action="store_true", help="no meetings and attendance, no their pages"
    )
    parser.add_argument(
        "--no-cadres", action="store_true", help="no secondment program, evaluation or ballot race"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    configure_environment()
    db_label, db_where, cleanup = prepare_database(args)

    import django

    django.setup()
    import generate
    import generate_cadres
    import generate_meetings
    import generate_study
    from django.core.management import call_command
    from django.db import connection

    size = generate.SMALL if args.small else generate.FULL
    log = print
    log(f"Benchmark database: {db_where}")
    try:
        call_command("migrate", verbosity=0)
        data = generate.existing() if args.reuse else None
        if data is None:
            log(f"Generating {size.people:,} people in {size.organizations:,} organizations…")
            data = generate.generate(size, seed=args.seed, log=log)
            log(f"  done in {data.seconds:.1f} s")
        study, checks = None, {}
        if not args.no_study:
            study = generate_study.existing() if args.reuse else None
            if study is None:
                study_size = generate_study.SMALL if args.small else generate_study.FULL
                log("Generating study sessions, attendance, the ledger and the county quiz…")
                study = generate_study.generate(study_size, data, seed=args.seed, log=log)
                log(f"  done in {study.seconds:.1f} s")
                checks = generate_study.check(study.quiz_id, log)
        meetings, meeting_checks, meeting_share = None, {}, ""
        if not args.no_meetings:
            meetings = generate_meetings.existing() if args.reuse else None
            if meetings is None:
                meeting_size = generate_meetings.SMALL if args.small else generate_meetings.FULL
                log("Generating meetings and their attendance…")
                meetings = generate_meetings.generate(meeting_size, seed=args.seed, log=log)
                log(f"  done in {meetings.seconds:.1f} s")
                meeting_checks = generate_meetings.check(log)
            meeting_share = generate_meetings.compliance_share(log)
        cadres = None
        if not args.no_cadres:
            cadres = generate_cadres.existing() if args.reuse else None
            if cadres is None:
                cadre_size = generate_cadres.SMALL if args.small else generate_cadres.FULL
                log("Generating a secondment program and a county-wide evaluation…")
                cadres = generate_cadres.generate(cadre_size, data, seed=args.seed, log=log)
                log(f"  done in {cadres.seconds:.1f} s")
        cases = build_cases(data)
        study_cases = build_study_cases(data, study) if study else []
        meeting_cases = build_meeting_cases(data) if meetings else []
        cadre_cases = build_cadre_cases(data, cadres) if cadres else []
        for case in cases + study_cases + meeting_cases + cadre_cases:
            measure(case, args.requests)
            log(f"  {case.label}: p95 {percentile(case.times, 95):.1f} ms, {case.queries} queries")
        roster_status, roster_note = (
            ("skipped", "--no-roster") if args.no_roster else roster_import(data, log)
        )
        race = None
        if study and not args.no_race:
            import quiz_submit_race

            log("Quiz submissions, 200 at once, each twice, against gunicorn…")
            race = quiz_submit_race.run(data, log=log)
        ballot_race = None
        if cadres and not args.no_race:
            import ballot_race as ballot_race_step

            log("Anonymous ballots, 100 codes at once, each twice, against gunicorn…")
            ballot_race = ballot_race_step.run(data, log=log)

        if db_label == "sqlite":
            version = connection.Database.sqlite_version
        else:
            version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        import django as dj

        lines = [
            f"# Benchmark {date.today():%Y-%m-%d}, {db_label}{' (small)' if args.small else ''}",
            "",
            f"- data: {data.people:,} people, {data.organizations:,} organizations; subtree of {data.subtree_people:,} active people"
            + (f"; generated in {data.seconds:.1f} s" if data.seconds else ""),
            f"- database: {db_label} {version}; Django {dj.get_version()}; Python {platform.python_version()}; "
            f"{platform.machine()}, {os.cpu_count()} CPUs",
            f"- {args.requests} timed requests per page after 5 warm-up ones; test Client with the real middleware, "
            "templates and a database session; DEBUG off",
            f"- targets: p95 ≤ {TARGET_P95_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}× the bare view of the same scope",
            "",
            *table(cases),
            "",
            f"Roster import of {ROSTER_ROWS:,} rows: {roster_status}. {roster_note}",
        ]
        if study:
            lines += [
                "",
                "## Study and quizzes",
                "",
                f"- data: {study.sessions:,} study sessions, {study.attendances:,} attendance rows, "
                f"{study.credits:,} hours credits, {study.study_years:,} ledger rows; "
                f"{study.questions:,} questions, a county quiz with {study.expected:,} people expected, "
                f"{study.attempts:,} attempts, {study.answers:,} answers, {study.results:,} results"
                + (f"; generated in {study.seconds:.1f} s" if study.seconds else ""),
            ]
            if checks:
                lines.append(
                    "- aggregates checked against their rows: "
                    + ", ".join(f"{name}: {n}" for name, n in checks.items())
                    + (" (ok)" if not any(checks.values()) else " (**MISMATCH**)")
                )
            lines += ["", *table(study_cases)]
            if race:
                lines += ["", f"Quiz submission race: {race.summary()}."]
        if meetings:
            lines += [
                "",
                "## Meetings",
                "",
                f"- data: {meetings.meetings:,} meetings since {meetings.first_year} "
                f"({meetings.held:,} held, {meetings.cancelled:,} cancelled, "
                f"{meetings.scheduled:,} scheduled), {meetings.attendances:,} attendance rows"
                + (f"; generated in {meetings.seconds:.1f} s" if meetings.seconds else ""),
                f"- compliance of the data: {meeting_share}",
            ]
            if meeting_checks:
                lines.append(
                    "- counters checked against their rows: "
                    + ", ".join(f"{name}: {n}" for name, n in meeting_checks.items())
                    + (" (ok)" if not any(meeting_checks.values()) else " (**MISMATCH**)")
                )
            lines += ["", *table(meeting_cases)]
        if cadres:
            lines += [
                "",
                "## Secondment and evaluations",
                "",
                f"- data: a program of {cadres.cadres} placed cadres with {cadres.reports:,} "
                f"reports ({cadres.late_reports:,} late) and {cadres.leave_requests:,} leave "
                f"requests; an evaluation of {cadres.subjects:,} subjects with "
                f"{cadres.ballots:,} ballots and {cadres.scores:,} scores"
                + (f"; generated in {cadres.seconds:.1f} s" if cadres.seconds else ""),
                "",
                *table(cadre_cases),
            ]
            if ballot_race:
                lines += ["", f"Ballot race: {ballot_race.summary()}."]
        if args.explain:
            lines += ["", "## Slowest queries", ""]
            for case in cases + study_cases + meeting_cases + cadre_cases:
                for ms, sql in case.slowest[:1]:
                    lines += [
                        f"### {case.label}: {ms:.1f} ms",
                        "",
                        "```sql",
                        sql,
                        "```",
                        "",
                        "```",
                        explain(sql),
                        "```",
                        "",
                    ]
        report = "\n".join(lines)
        print()
        print(report)
        results = BENCH_DIR / "results"
        results.mkdir(exist_ok=True)
        out = results / f"{date.today():%Y-%m-%d}-{db_label}{'-small' if args.small else ''}.md"
        out.write_text(report + "\n", encoding="utf-8")
        print(f"\nWritten to {out.relative_to(BASE_DIR)}")
    finally:
        if args.keep:
            print(f"Kept the bench database: {db_where}")
        else:
            cleanup()


if __name__ == "__main__":
    main()
