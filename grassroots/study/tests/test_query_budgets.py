"""List pages of the study app answer in as many queries for many rows as for a few."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.study.tests.factories import (
    MakeUpFactory,
    SelfStudyFactory,
    StudyPlanFactory,
    StudySessionFactory,
    member_with_account,
    session_with,
)

pytestmark = pytest.mark.django_db


def test_plan_list_and_plan_page(client, county, make_user):
    officer = make_user("org_dept_admin", county.root)
    plan = StudyPlanFactory(organization=county.branch1)
    client.force_login(officer)
    this_year = timezone.localdate().year
    others = iter(
        (org, year)
        for org in (county.branch2, county.community, county.justice, county.town)
        for year in range(this_year - 5, this_year + 1)
    )

    def add(n):
        for _i in range(n):
            StudySessionFactory(organization=county.branch1, plan=plan)
            org, year = next(others)
            StudyPlanFactory(organization=org, year=year)

    plans = reverse("study:plans")
    detail = reverse("study:plan_detail", args=[plan.pk])
    add(1)
    few = (queries_of(client, plans), queries_of(client, detail))
    add(10)
    assert (queries_of(client, plans), queries_of(client, detail)) == few


@pytest.mark.parametrize("tab", ["makeup", "self"])
def test_review_queue(client, county, make_user, tab):
    committee = make_user("committee_admin", county.justice)
    client.force_login(committee)

    def add(n):
        for i in range(n):
            user = member_with_account(make_user, (county.branch1, county.branch2)[i % 2])
            session = session_with([user.person], starts_at=timezone.now() - timedelta(days=1))
            MakeUpFactory(attendance=session.attendances.get())
            SelfStudyFactory(person=user.person)

    url = reverse("study:review_queue") + f"?tab={tab}"
    add(1)
    few = queries_of(client, url)
    add(10)
    assert queries_of(client, url) == few


def test_session_list(client, county, make_user):
    officer = make_user("org_dept_admin", county.root)
    client.force_login(officer)
    orgs = (county.branch1, county.branch2, county.community)

    def add(n):
        for i in range(n):
            member = member_with_account(make_user, orgs[i % 3])
            session_with([member.person], organization=orgs[i % 3])

    url = reverse("study:sessions")
    add(1)
    assert "专题学习" in client.get(url).content.decode()
    few = queries_of(client, url)
    add(10)
    assert queries_of(client, url) == few
