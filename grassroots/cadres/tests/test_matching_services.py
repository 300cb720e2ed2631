"""Matching: the score and its reasons on crafted people, assigning with the places and the one
post per program rules, and unassigning."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.cadres.enums import (
    ApplicationKind,
    ApplicationStatus,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import Application, SecondmentEvent
from grassroots.cadres.services import matching as services
from grassroots.cadres.services.matching import score, split_fields
from grassroots.cadres.tests import builders
from grassroots.orgs.enums import Education, PoliticalStatus, Rank

pytestmark = pytest.mark.django_db


def applicant(county, program, org=None, *, expertise="", preferred_post=None, **person):
    someone = builders.person_with_user(org or county.branch1, **person)
    return Application.objects.create(
        program=program,
        person=someone,
        kind=ApplicationKind.VOLUNTARY,
        statement="愿意",
        expertise=expertise,
        preferred_post=preferred_post,
    )


@pytest.fixture
def selecting(county):
    return builders.program(county, status=ProgramStatus.SELECTING, starts_on=date(2026, 3, 1))


def texts(reasons):
    return {text: ok for ok, text in reasons}


def test_split_fields():
    assert split_fields("法律、调解，信访; 法律 ,党建") == ["法律", "调解", "信访", "党建"]


def test_a_candidate_meeting_every_requirement(county, selecting):
    post = builders.post(
        selecting,
        county.town,
        min_education=Education.BACHELOR,
        political_status=PoliticalStatus.PARTY_MEMBER,
        max_age=40,
        min_rank=Rank.CLERK_LEVEL1,
        max_rank=Rank.SECTION_CHIEF,
        expertise="法律、信访",
    )
    app = applicant(
        county,
        selecting,
        expertise="法律事务，调解",
        preferred_post=post,
        education=Education.MASTER,
        political_status=PoliticalStatus.PROBATIONARY,
        birth_date=date(1990, 3, 1),
        rank=Rank.SECTION_DEPUTY,
    )
    points, reasons = score(post, app.person, app)
    assert points == 100
    assert texts(reasons) == {
        "学历符合": True,
        "政治面貌符合": True,
        "年龄符合": True,
        "职级符合": True,
        "专业领域匹配：法律": True,
        "本人意向岗位": True,
    }


def test_a_candidate_failing_requirements(county, selecting):
    post = builders.post(
        selecting,
        county.town,
        min_education=Education.BACHELOR,
        political_status=PoliticalStatus.PARTY_MEMBER,
        max_age=35,
        min_rank=Rank.SECTION_DEPUTY,
        max_rank=Rank.SECTION_CHIEF,
        expertise="农业",
    )
    app = applicant(
        county,
        selecting,
        expertise="法律",
        education=Education.COLLEGE,
        political_status=PoliticalStatus.MASSES,
        birth_date=date(1990, 2, 28),  # 36 on the day the term starts
        rank=Rank.STAFF,
    )
    points, reasons = score(post, app.person, app)
    assert points == 0
    assert texts(reasons) == {
        "学历不符": False,
        "政治面貌不符": False,
        "年龄超限": False,
        "职级不在范围内": False,
        "专业领域不匹配": False,
    }


def test_age_on_the_start_date_and_rank_above_range(county, selecting):
    post = builders.post(selecting, county.town, max_age=35, max_rank=Rank.SECTION_CHIEF)
    app = applicant(
        county,
        selecting,
        birth_date=date(1990, 3, 1),  # exactly 36 on 2026-03-01
        rank=Rank.DIVISION_DEPUTY,
    )
    points, reasons = score(post, app.person, app)
    assert texts(reasons) == {"年龄超限": False, "职级不在范围内": False}
    young = applicant(county, selecting, birth_date=date(1990, 3, 2), rank=Rank.SECTION_CHIEF)
    points, reasons = score(post, young.person, young)
    assert texts(reasons) == {"年龄符合": True, "职级符合": True}
    assert points == 90


def test_partial_score(county, selecting):
    post = builders.post(selecting, county.town, min_education=Education.BACHELOR, max_age=40)
    app = applicant(county, selecting, education=Education.BACHELOR, birth_date=date(1970, 1, 1))
    points, reasons = score(post, app.person, app)
    assert points == 45
    assert texts(reasons) == {"学历符合": True, "年龄超限": False}


def test_assign_creates_a_matched_secondment(county, selecting):
    officer = builders.officer(county)
    leader = builders.person_with_user(county.town)
    post = builders.post(selecting, county.town, host_leader=leader, min_education="bachelor")
    app = applicant(county, selecting, education=Education.BACHELOR)
    secondment = services.secondment_assign(application=app, post=post, actor=officer)
    assert secondment.status == SecondmentStatus.MATCHED
    assert secondment.match_score == 90
    assert secondment.sending_org == county.branch1
    assert secondment.host_leader == leader
    assert (secondment.starts_on, secondment.ends_on) == (selecting.starts_on, selecting.ends_on)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ASSIGNED
    event = SecondmentEvent.objects.get(secondment=secondment)
    assert event.action == EventAction.MATCHED and event.actor == officer


def test_assign_respects_places(county, selecting):
    officer = builders.officer(county)
    post = builders.post(selecting, county.town, places=1)
    first, second = applicant(county, selecting), applicant(county, selecting)
    services.secondment_assign(application=first, post=post, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.secondment_assign(application=second, post=post, actor=officer)
    assert "该岗位名额已满" in " ".join(exc.value.messages)


def test_one_post_per_program(county, selecting):
    officer = builders.officer(county)
    post1 = builders.post(selecting, county.town, title="镇长助理")
    post2 = builders.post(selecting, county.community, title="书记助理")
    app = applicant(county, selecting)
    services.secondment_assign(application=app, post=post1, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.secondment_assign(application=app, post=post2, actor=officer)
    assert "只能挂职一个岗位" in " ".join(exc.value.messages)


def test_assign_refused_for_viewer_and_wrong_status(county, make_user):
    program = builders.program(county, status=ProgramStatus.RECRUITING)
    post = builders.post(program, county.town)
    app = applicant(county, program)
    officer = builders.officer(county)
    with pytest.raises(ValidationError):
        services.secondment_assign(application=app, post=post, actor=officer)
    viewer = make_user("committee_admin", county.root)
    with pytest.raises(PermissionDenied):
        services.secondment_assign(application=app, post=post, actor=viewer)


def test_unassign_frees_the_place(county, selecting):
    officer = builders.officer(county)
    post = builders.post(selecting, county.town, places=1)
    first, second = applicant(county, selecting), applicant(county, selecting)
    secondment = services.secondment_assign(application=first, post=post, actor=officer)
    secondment = services.secondment_unassign(secondment=secondment, actor=officer)
    assert secondment.status == SecondmentStatus.WITHDRAWN
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SUBMITTED
    services.secondment_assign(application=second, post=post, actor=officer)
    # and the first may be matched again elsewhere
    other = builders.post(selecting, county.community, title="书记助理")
    services.secondment_assign(application=first, post=other, actor=officer)


def test_unassign_refused_for_a_member(county, selecting, make_user):
    officer = builders.officer(county)
    post = builders.post(selecting, county.town)
    secondment = services.secondment_assign(
        application=applicant(county, selecting), post=post, actor=officer
    )
    with pytest.raises(PermissionDenied):
        services.secondment_unassign(secondment=secondment, actor=make_user())
