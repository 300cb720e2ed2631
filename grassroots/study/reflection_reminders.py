"""The daily reminder of reflections (心得体会) waiting for review more than five working days.

Who is told: the reviewers nearest to the author, that is the holders of study.review_reflection
granted on the author's own organization or, when nobody there holds it, on the closest
organization above that has someone (never the author). A branch's reflections thus reach the
branch secretary, not every county officer whose scope also covers them. Each reviewer is told
once per submission: a returned reflection submitted again starts a new wait.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import Role, RoleGrant
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once
from grassroots.orgs.models import Organization

from .selectors.reflections import REVIEW_CODENAME, REVIEW_WORKING_DAYS, overdue_reflections

JOB_KEY = "study.reflections_waiting"


def _chain(path: str) -> list[str]:
    """The path and every path above it, deepest first."""
    step = Organization.steplen
    return [path[: i * step] for i in range(len(path) // step, 0, -1)]


def reviewers_on(paths: set[str]) -> dict[str, list]:
    """{organization path: active users granted a role holding study.review_reflection there}.
    Two queries: the roles (a handful, read whole since codenames is a JSON list), the grants."""
    role_ids = [
        pk
        for pk, codenames in Role.objects.values_list("pk", "codenames")
        if REVIEW_CODENAME in (codenames or [])
    ]
    if not role_ids or not paths:
        return {}
    found: dict[str, dict[int, object]] = defaultdict(dict)
    grants = RoleGrant.objects.filter(
        role_id__in=role_ids, organization__path__in=paths, user__is_active=True
    ).select_related("user", "organization")
    for grant in grants:
        found[grant.organization.path][grant.user.pk] = grant.user
    return {path: list(users.values()) for path, users in found.items()}


def nearest_reviewers(reflection, by_path: dict[str, list]) -> list:
    for path in _chain(reflection.person.primary_org.path):
        users = [u for u in by_path.get(path, []) if u.person_id != reflection.person_id]
        if users:
            return users
    return []


@reminders.register(JOB_KEY)
def remind_waiting_reflections(today: date) -> int:
    waiting = list(overdue_reflections(today))
    if not waiting:
        return 0
    paths = {p for r in waiting for p in _chain(r.person.primary_org.path)}
    by_path = reviewers_on(paths)
    sent = 0
    for reflection in waiting:
        submitted = timezone.localtime(reflection.submitted_at)
        title = _("有心得体会等待审阅：%(t)s") % {"t": reflection.title}
        body = _("%(name)s（%(org)s）于 %(date)s 提交的心得体会已等待审阅超过 %(n)d 个工作日。") % {
            "name": reflection.person.name,
            "org": reflection.person.primary_org.name,
            "date": formats.date_format(submitted.date(), "DATE_FORMAT"),
            "n": REVIEW_WORKING_DAYS,
        }
        url = reverse("study:reflection_detail", args=[reflection.pk])
        for user in nearest_reviewers(reflection, by_path):
            key = f"{JOB_KEY}:{reflection.pk}:{int(submitted.timestamp())}:{user.pk}"
            if remind_once(
                key=key,
                recipients=[user],
                kind="study.reflection_waiting",
                title=title,
                body=body,
                url=url,
            ):
                sent += 1
    return sent
