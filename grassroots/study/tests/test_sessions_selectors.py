"""Selectors of the sessions part, each scoped to the user: a member sees their own records, a
secretary their branch, an officer the whole subtree below their grant, nobody what lies outside."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.selectors import hours as hours_selectors
from grassroots.study.selectors import sessions as selectors
from grassroots.study.tests.factories import (
    MakeUpFactory,
    SelfStudyFactory,
    StudyPlanFactory,
    StudySessionFactory,
    StudyYearFactory,
    member_with_account,
    session_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(county, make_user):
    """A member of branch 1 expected at one session of branch 1; sessions, make-ups and
    self-study in branch 1, branch 2 and the community branch."""
    member = member_with_account(make_user, county.branch1, "member")
    colleague = PersonFactory(primary_org=county.branch1)
    b2 = PersonFactory(primary_org=county.branch2)
    resident = PersonFactory(primary_org=county.community)
    yesterday = timezone.now() - timedelta(days=1)
    own = session_with([member.person], starts_at=yesterday, title="own")
    branch1 = session_with([colleague], starts_at=yesterday, title="branch1")
    branch2 = session_with([b2], starts_at=yesterday, title="branch2")
    community = session_with([resident], starts_at=yesterday, title="community")
    makeups = {
        s.title: MakeUpFactory(attendance=s.attendances.get())
        for s in (own, branch1, branch2, community)
    }
    selfs = {
        "own": SelfStudyFactory(person=member.person),
        "branch1": SelfStudyFactory(person=colleague),
        "branch2": SelfStudyFactory(person=b2),
        "community": SelfStudyFactory(person=resident),
    }
    plans = {
        "branch1": StudyPlanFactory(organization=county.branch1),
        "branch2": StudyPlanFactory(organization=county.branch2),
    }
    return {"member": member, "makeups": makeups, "selfs": selfs, "plans": plans}


def _titles(qs):
    return {s.title for s in qs}


CASES = [
    # role, granted on, sessions seen (besides the member's own for the member)
    ("branch_secretary", "branch1", {"own", "branch1"}),
    ("committee_admin", "justice", {"own", "branch1", "branch2"}),
    ("org_dept_admin", "root", {"own", "branch1", "branch2", "community"}),
    ("discipline_inspector", "justice", {"own", "branch1", "branch2"}),
    ("committee_admin", "town", {"community"}),
]


@pytest.mark.parametrize(("role", "on", "seen"), CASES)
def test_sessions_by_role(county, make_user, world, role, on, seen):
    user = make_user(role, getattr(county, on))
    assert _titles(selectors.sessions_for(user)) == seen
    every = {s.title: s for s in selectors.sessions_for(make_user("system_admin", county.root))}
    for title, session in every.items():
        if title in seen:
            assert selectors.access_session(user, session.pk) == session
        else:
            with pytest.raises(Http404):
                selectors.access_session(user, session.pk)


def test_member_sees_own_session_makeup_and_self_study_only(world):
    member = world["member"]
    assert _titles(selectors.sessions_for(member)) == {"own"}
    assert set(selectors.makeups_for(member)) == {world["makeups"]["own"]}
    assert set(selectors.self_studies_for(member)) == {world["selfs"]["own"]}
    with pytest.raises(Http404):
        selectors.access_makeup(member, world["makeups"]["branch1"].pk)
    with pytest.raises(Http404):
        selectors.access_self_study(member, world["selfs"]["branch1"].pk)
    assert not selectors.plans_for(member).exists()
    assert not selectors.makeup_queue(member).exists()


def test_review_queues_follow_the_subtree(county, make_user, world):
    secretary = make_user("branch_secretary", county.branch1)
    assert set(selectors.makeup_queue(secretary)) == {
        world["makeups"]["own"],
        world["makeups"]["branch1"],
    }
    assert set(selectors.self_study_queue(secretary)) == {
        world["selfs"]["own"],
        world["selfs"]["branch1"],
    }
    committee = make_user("committee_admin", county.justice)
    assert len(selectors.makeup_queue(committee)) == 3
    assert len(selectors.makeup_queue(committee, organization=county.branch2)) == 1
    assert selectors.waiting_reviews(committee) == 6
    inspector = make_user("discipline_inspector", county.justice)  # views, does not review
    assert not selectors.makeup_queue(inspector).exists()
    assert selectors.access_makeup(inspector, world["makeups"]["branch2"].pk)


def test_plans_and_choices_follow_the_scope(county, make_user, world):
    secretary = make_user("branch_secretary", county.branch1)
    assert set(selectors.plans_for(secretary)) == {world["plans"]["branch1"]}
    with pytest.raises(Http404):
        selectors.access_plan(secretary, world["plans"]["branch2"].pk)
    county_plan = StudyPlanFactory(organization=county.root)
    # A branch may run its sessions under the county's plan.
    assert set(selectors.plan_choices(secretary)) == {world["plans"]["branch1"], county_plan}
    people = selectors.people_choices(secretary, county.branch1)
    assert {p.primary_org_id for p in people} == {county.branch1.pk}
    assert not selectors.people_in_scope(secretary).filter(primary_org=county.branch2).exists()


def test_session_list_filters(county, make_user, world):
    officer = make_user("org_dept_admin", county.root)
    StudySessionFactory(organization=county.branch2, title="upcoming")
    flt = selectors.SessionFilter(when="upcoming")
    assert _titles(selectors.session_list(officer, flt)) == {"upcoming"}
    flt = selectors.SessionFilter(when="past", organization=county.justice)
    assert _titles(selectors.session_list(officer, flt)) == {"own", "branch1", "branch2"}
    flt = selectors.SessionFilter(when="all", mine=True)
    assert _titles(selectors.session_list(world["member"], flt)) == {"own"}
    mine = selectors.session_list(world["member"], flt).get()
    assert mine.my_status == "expected"


def test_ledger_and_compare_read_the_yearly_rows_of_the_subtree(county, make_user):
    inside = PersonFactory(primary_org=county.branch1)
    outside = PersonFactory(primary_org=county.community)
    year = timezone.localdate().year
    StudyYearFactory(person=inside, year=year)
    StudyYearFactory(person=outside, year=year)
    flt = hours_selectors.LedgerFilter(organization=county.justice, year=year)
    assert [line.person_id for line in hours_selectors.ledger(flt)] == [inside.pk]
    result = hours_selectors.compare(county.root, year)
    people = {row.name: row.people for row in result["rows"]}
    assert people[county.justice.display_name] == 1 and people[county.town.display_name] == 1
