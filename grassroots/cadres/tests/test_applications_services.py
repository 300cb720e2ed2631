"""Applications: a person applies to an open call, a unit admin recommends, eligibility refused
with its message, and withdrawal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.cadres.enums import ApplicationKind, ApplicationStatus, ProgramStatus
from grassroots.cadres.models import Application
from grassroots.cadres.services import applications as services
from grassroots.cadres.tests import builders
from grassroots.notifications.models import Notification
from grassroots.orgs.enums import PersonStatus

pytestmark = pytest.mark.django_db


def open_program(county, **extra):
    now = timezone.now()
    program = builders.program(
        county,
        status=ProgramStatus.RECRUITING,
        call_opens_at=now - timedelta(days=1),
        call_closes_at=now + timedelta(days=5),
        **extra,
    )
    builders.post(program, county.town)
    return program


def apply(program, person, **extra):
    values = {"statement": "愿意到基层锻炼。", "expertise": "法律、调解"}
    values.update(extra)
    return services.application_submit(program=program, person=person, actor=person.user, **values)


def test_an_eligible_person_applies(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    application = apply(program, person, preferred_post=program.posts.first())
    assert application.kind == ApplicationKind.VOLUNTARY
    assert application.status == ApplicationStatus.SUBMITTED


def test_only_for_oneself(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    other = builders.person_with_user(county.branch1)
    with pytest.raises(PermissionDenied):
        services.application_submit(program=program, person=person, statement="x", actor=other.user)


def test_outside_the_sending_units_is_refused(county):
    program = open_program(county)
    person = builders.person_with_user(county.town)
    with pytest.raises(ValidationError) as exc:
        apply(program, person)
    assert "选派范围" in " ".join(exc.value.messages)
    assert not Application.objects.exists()


def test_a_person_no_longer_active_is_refused(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1, status=PersonStatus.LEFT)
    with pytest.raises(ValidationError) as exc:
        apply(program, person)
    assert "不在册" in " ".join(exc.value.messages)


def test_outside_the_window_is_refused(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    with pytest.raises(ValidationError) as exc:
        apply(program, person, now=timezone.now() + timedelta(days=6))
    assert "报名时间" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        apply(program, person, now=timezone.now() - timedelta(days=2))


def test_twice_is_refused_and_after_withdrawal_allowed(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    first = apply(program, person)
    with pytest.raises(ValidationError) as exc:
        apply(program, person)
    assert "重复报名" in " ".join(exc.value.messages)
    services.application_withdraw(application=first, actor=person.user)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN
    assert apply(program, person).status == ApplicationStatus.SUBMITTED


def test_program_not_recruiting_is_refused(county):
    program = open_program(county)
    program.status = ProgramStatus.SELECTING
    program.save(update_fields=["status"])
    person = builders.person_with_user(county.branch1)
    with pytest.raises(ValidationError) as exc:
        apply(program, person)
    assert "不在报名阶段" in " ".join(exc.value.messages)


def test_a_statement_is_required(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    with pytest.raises(ValidationError) as exc:
        apply(program, person, statement="  ")
    assert "statement" in exc.value.message_dict


def test_overlapping_secondment_is_refused(county):
    program = open_program(county)
    placed = builders.secondment(county)  # running program, same term
    placed.cadre.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        apply(program, placed.cadre)
    assert "时间重叠" in " ".join(exc.value.messages)


def test_recommend_by_the_unit_admin(county, make_user, django_capture_on_commit_callbacks):
    program = open_program(county)
    person = builders.person_with_user(county.branch2)
    secretary = make_user("committee_admin", county.justice)  # orgs.manage_person there
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_recommend(
            program=program,
            person=person,
            recommending_org=county.justice,
            reason="业务骨干，表现突出。",
            actor=secretary,
        )
    assert application.kind == ApplicationKind.RECOMMENDED
    assert application.recommending_org == county.justice
    assert Notification.objects.filter(recipient=person.user, kind="cadres.recommended").exists()


def test_recommend_refused_outside_scope_or_without_reason(county, make_user):
    program = open_program(county)
    person = builders.person_with_user(county.branch2)
    other_secretary = make_user("branch_secretary", county.branch1)
    with pytest.raises(PermissionDenied):
        services.application_recommend(
            program=program, person=person, reason="x", actor=other_secretary
        )
    secretary = make_user("branch_secretary", county.branch2)
    with pytest.raises(ValidationError) as exc:
        services.application_recommend(program=program, person=person, reason="", actor=secretary)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.application_recommend(
            program=program,
            person=person,
            recommending_org=county.justice,  # above the secretary's scope
            reason="x",
            actor=secretary,
        )
    assert "recommending_org" in exc.value.message_dict


def test_recommend_outside_sending_units_is_refused(county, make_user):
    program = open_program(county)
    person = builders.person_with_user(county.community)
    admin = make_user("committee_admin", county.town)
    with pytest.raises(ValidationError):
        services.application_recommend(program=program, person=person, reason="x", actor=admin)


def test_withdraw_refused_for_others_and_once_assigned(county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    other = builders.person_with_user(county.branch1)
    application = apply(program, person)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, actor=other.user)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.ASSIGNED)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, actor=person.user)
