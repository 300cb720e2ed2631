"""Every page of a program has the same trail (首页 › 挂职锻炼 › the program › the page), and a
secondment's pages go through the program for its officers but through 我的挂职 for the cadre,
the host leader and the group leader, who may not open the program."""

import re

import pytest
from django.urls import reverse

from grassroots.cadres.enums import ProgramStatus

from . import builders

pytestmark = pytest.mark.django_db


def trail(response) -> list[tuple[str, str]]:
    """(label, link or "") of each crumb after 首页."""
    assert response.status_code == 200
    nav = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', response.content.decode(), re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)
    crumbs = []
    for item in items[1:]:
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', item)
        crumbs.append((link.group(2), link.group(1)) if link else (item.strip(), ""))
    return crumbs


PROGRAM_PAGES = [
    ("cadres:program_applications", "报名情况"),
    ("cadres:program_matching", "岗位匹配"),
    ("cadres:program_approval", "审批与公示"),
    ("cadres:program_objections", "公示与异议"),
    ("cadres:program_placement", "派出到岗"),
    ("cadres:program_dashboard", "挂职干部情况一览"),
    ("cadres:program_appraisal", "考核与归档"),
    ("cadres:leave_rules", "请假审批规则"),
]


def test_every_program_page_has_the_same_trail(client, county):
    program = builders.program(county, status=ProgramStatus.RUNNING)
    client.force_login(builders.officer(county))
    head = [
        ("挂职锻炼", reverse("cadres:program_list")),
        (program.title, reverse("cadres:program_detail", args=[program.pk])),
    ]
    for name, label in PROGRAM_PAGES:
        got = trail(client.get(reverse(name, args=[program.pk])))
        assert got == [*head, (label, "")], name


SECONDMENT_TABS = [
    ("cadres:secondment_work", "计划与报告"),
    ("cadres:secondment_leave", "请销假"),
    ("cadres:secondment_appraisal", "考核与总结"),
]


def test_secondment_pages_go_through_the_program_for_officers_only(client, county):
    placed = builders.secondment(county)
    s = placed.secondment
    person = (s.person.name, reverse("cadres:secondment_detail", args=[s.pk]))
    officer_head = [
        ("挂职锻炼", reverse("cadres:program_list")),
        (s.program.title, reverse("cadres:program_detail", args=[s.program.pk])),
        person,
    ]
    party_head = [("我的挂职", reverse("cadres:my_secondments")), person]
    for user, head in (
        (builders.officer(county), officer_head),
        (placed.cadre_user, party_head),
        (placed.host_user, party_head),
        (placed.group_user, party_head),
    ):
        client.force_login(user)
        assert trail(client.get(person[1])) == [*head[:-1], (person[0], "")], user
        for name, label in SECONDMENT_TABS:
            got = trail(client.get(reverse(name, args=[s.pk])))
            assert got == [*head, (label, "")], (name, user)
