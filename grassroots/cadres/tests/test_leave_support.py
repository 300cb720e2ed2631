"""Helpers of the leave tests: a secondment whose term spans today, working-day spans of a given
length, and files to attach; with the checks of the rules themselves (levels by days and rank)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.cadres.enums import Approver, ProgramStatus
from grassroots.cadres.models import LeaveRule
from grassroots.cadres.services import leave as services
from grassroots.cadres.tests import builders
from grassroots.core import calendar

HOST, GROUP, ORG = Approver.HOST_LEADER, Approver.GROUP_LEADER, Approver.ORGANIZER


def placed(county, **fields) -> builders.Placed:
    """A placed secondment in a running program whose term runs from two months ago to ten
    months ahead."""
    today = timezone.localdate()
    program = builders.program(
        county,
        status=ProgramStatus.RUNNING,
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=300),
    )
    return builders.secondment(county, program_obj=program, **fields)


def span(days: int, *, after: int = 7) -> tuple[date, date]:
    """A leave of exactly `days` working days starting on a working day `after` days ahead."""
    start = calendar.next_working_day(timezone.localdate() + timedelta(days=after))
    end = calendar.add_working_days(start, days - 1)
    assert calendar.working_days_between(start, end) == days
    return start, end


def ask(p: builders.Placed, days: int = 1, *, after: int = 7, **fields):
    start, end = span(days, after=after)
    values = {
        "secondment": p.secondment,
        "kind": "personal",
        "starts_on": start,
        "ends_on": end,
        "reason": "家中有事",
        "actor": p.cadre_user,
    }
    values.update(fields)
    return services.leave_request(**values)


def pdf_file(name="病假证明.pdf", size: int | None = None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        body += b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def html_as_pdf(name="证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        b"<html><script>alert(document.cookie)</script></html>",
        content_type="application/pdf",
    )


# --- The rules -----------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "levels"),
    [
        (1, [HOST]),
        (2, [HOST]),
        (3, [HOST, GROUP]),
        (5, [HOST, GROUP]),
        (6, [HOST, GROUP, ORG]),
        (20, [HOST, GROUP, ORG]),
    ],
)
def test_default_levels_by_working_days(county, days, levels):
    p = placed(county)
    assert services.levels_for(p.secondment, days) == levels


def test_a_rank_rule_replaces_the_general_rule_of_its_level(county):
    p = placed(county)
    program = p.secondment.program
    services.leave_rules_copy_defaults(program=program, actor=builders.officer(county))
    # 县处级正职: the group leader from the first day; the organizing body only beyond 10 days.
    LeaveRule.objects.create(
        program=program, level=2, approver=GROUP, above_days=0, rank="division_chief"
    )
    LeaveRule.objects.create(
        program=program, level=3, approver=ORG, above_days=10, rank="division_chief"
    )
    assert services.levels_for(p.secondment, 1) == [HOST]  # the cadre has no rank: general rules
    assert services.levels_for(p.secondment, 6) == [HOST, GROUP, ORG]
    p.cadre.rank = "division_chief"
    p.cadre.save(update_fields=["rank"])
    assert services.levels_for(p.secondment, 1) == [HOST, GROUP]
    assert services.levels_for(p.secondment, 6) == [HOST, GROUP]
    assert services.levels_for(p.secondment, 11) == [HOST, GROUP, ORG]
    p.cadre.rank = "section_chief"  # another rank: the general rules
    assert services.levels_for(p.secondment, 1) == [HOST]


def test_a_program_with_rules_of_its_own_ignores_the_defaults(county):
    p = placed(county)
    LeaveRule.objects.create(program=p.secondment.program, level=1, approver=ORG, above_days=0)
    assert services.levels_for(p.secondment, 1) == [ORG]
    assert services.levels_for(p.secondment, 10) == [ORG]
    other = placed(county)  # another program still uses the defaults
    assert services.levels_for(other.secondment, 10) == [HOST, GROUP, ORG]


def test_a_request_always_has_one_level_at_least(county):
    p = placed(county)
    LeaveRule.objects.create(program=p.secondment.program, level=1, approver=GROUP, above_days=3)
    assert services.levels_for(p.secondment, 1) == [HOST]
    assert services.levels_for(p.secondment, 4) == [GROUP]


def test_levels_are_fixed_when_the_request_is_made(county):
    p = placed(county)
    leave = ask(p, 3)
    assert leave.levels == [HOST, GROUP] and leave.current_level == 0
    LeaveRule.objects.create(program=p.secondment.program, level=1, approver=ORG, above_days=0)
    leave.refresh_from_db()
    assert leave.levels == [HOST, GROUP]


def test_a_cadre_who_leads_their_own_group_is_approved_by_the_organizing_body(county):
    p = placed(county)
    group = p.secondment.group
    group.leader = p.cadre
    group.save(update_fields=["leader"])
    leave = ask(p, 3)
    assert leave.levels == [HOST, ORG]
