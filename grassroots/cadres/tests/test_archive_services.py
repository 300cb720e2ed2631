"""Archiving secondments (归档) and the record of people with a secondment experience."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.cadres.enums import (
    AppraisalResult,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import SecondmentEvent
from grassroots.cadres.selectors.archive import people_with_secondment_q
from grassroots.cadres.services.archive import program_archive_all, secondment_archive
from grassroots.orgs.models import Person

from . import builders

pytestmark = pytest.mark.django_db


def completed(county, *, result=AppraisalResult.GOOD, summary=True, **fields):
    return builders.secondment(
        county,
        status=SecondmentStatus.COMPLETED,
        result=result,
        final_summary="挂职一年，收获很大。" if summary else "",
        summary_submitted_at=timezone.now() if summary else None,
        **fields,
    )


def test_archive_refused_without_result_and_summary(county):
    placed = completed(county, result="", summary=False)
    officer = builders.officer(county)
    with pytest.raises(ValidationError) as info:
        secondment_archive(secondment=placed.secondment, actor=officer)
    text = " ".join(info.value.messages)
    assert "考核结果" in text and "挂职总结" in text
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.COMPLETED


def test_archive_refused_without_summary_only(county):
    placed = completed(county, summary=False)
    with pytest.raises(ValidationError, match="挂职总结"):
        secondment_archive(secondment=placed.secondment, actor=builders.officer(county))


def test_archive_refused_without_result_only(county):
    placed = completed(county, result="")
    with pytest.raises(ValidationError, match="考核结果"):
        secondment_archive(secondment=placed.secondment, actor=builders.officer(county))


def test_archive_refused_to_who_may_not_approve(county):
    placed = completed(county)
    for actor in (placed.cadre_user, placed.host_user, builders.officer(county, "committee_admin")):
        with pytest.raises(PermissionDenied):
            secondment_archive(secondment=placed.secondment, actor=actor)


def test_archive_refused_while_on_post(county):
    placed = builders.secondment(county, result=AppraisalResult.GOOD)
    with pytest.raises(ValidationError, match="不能变为"):
        secondment_archive(secondment=placed.secondment, actor=builders.officer(county))


def test_archive(county):
    placed = completed(county)
    officer = builders.officer(county)
    secondment = secondment_archive(secondment=placed.secondment, actor=officer)
    assert secondment.status == SecondmentStatus.ARCHIVED
    assert secondment.archived_at is not None
    event = SecondmentEvent.objects.get(secondment=secondment, action=EventAction.ARCHIVED)
    assert (event.from_status, event.to_status, event.actor) == (
        SecondmentStatus.COMPLETED,
        SecondmentStatus.ARCHIVED,
        officer,
    )


def test_program_archive_all_archives_the_ready_and_lists_the_others(county):
    program = builders.program(county, status=ProgramStatus.FINISHED)
    ready = completed(county, program_obj=program)
    not_ready = completed(county, program_obj=program, summary=False, title="副镇长")
    outcome = program_archive_all(program=program, actor=builders.officer(county))
    assert [s.pk for s in outcome.archived] == [ready.secondment.pk]
    assert [(s.pk, len(p)) for s, p in outcome.skipped] == [(not_ready.secondment.pk, 1)]
    ready.secondment.refresh_from_db()
    not_ready.secondment.refresh_from_db()
    assert ready.secondment.status == SecondmentStatus.ARCHIVED
    assert not_ready.secondment.status == SecondmentStatus.COMPLETED


def test_program_archive_all_refused_before_the_program_ends(county):
    program = builders.program(county, status=ProgramStatus.RUNNING)
    completed(county, program_obj=program)
    with pytest.raises(ValidationError, match="结束后"):
        program_archive_all(program=program, actor=builders.officer(county))


def test_program_archive_all_refused_to_a_cadre(county):
    program = builders.program(county, status=ProgramStatus.FINISHED)
    placed = completed(county, program_obj=program)
    with pytest.raises(PermissionDenied):
        program_archive_all(program=program, actor=placed.cadre_user)


def test_people_with_secondment_q(county):
    archived = completed(county)
    archived.secondment.status = SecondmentStatus.ARCHIVED
    archived.secondment.save()
    on_post = builders.secondment(county)
    withdrawn = builders.secondment(county, status=SecondmentStatus.WITHDRAWN)
    matched = builders.secondment(county, status=SecondmentStatus.MATCHED)
    found = set(Person.objects.filter(people_with_secondment_q()).values_list("pk", flat=True))
    assert found == {archived.cadre.pk, on_post.cadre.pk}
    assert withdrawn.cadre.pk not in found and matched.cadre.pk not in found
    # Through a prefix: the users of those people.
    from grassroots.accounts.models import User

    users = set(User.objects.filter(people_with_secondment_q("person__")))
    assert users == {archived.cadre_user, on_post.cadre_user}


def test_secondment_summaries_for_an_export_column(county):
    from grassroots.cadres.selectors.archive import secondment_summaries

    placed = completed(county)
    other = builders.person_with_user(county.branch1)
    found = secondment_summaries([placed.cadre.pk, other.pk], user=builders.officer(county))
    assert list(found) == [placed.cadre.pk]
    # Someone who may not see the program gets nothing, the cadre their own.
    assert secondment_summaries([placed.cadre.pk], user=other.user) == {}
    assert list(secondment_summaries([placed.cadre.pk], user=placed.cadre_user)) == [
        placed.cadre.pk
    ]
    assert "城关镇党委镇长助理" in found[placed.cadre.pk]
    assert "良好" in found[placed.cadre.pk]
