"""The leave pages: the 请销假 tab (the cadre's form, the levels, the approver's buttons, 销假),
the approver's inbox, the attachment download, the rules page; who sees and does what, and the
query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import LeaveStatus, SecondmentStatus
from grassroots.cadres.models import LeaveRequest, LeaveRule
from grassroots.cadres.services import leave as services
from grassroots.cadres.tests import builders
from grassroots.cadres.tests.test_leave_support import GROUP, ORG, ask, pdf_file, placed, span
from grassroots.core.testing import queries_of

pytestmark = pytest.mark.django_db


def tab(p) -> str:
    return reverse("cadres:secondment_leave", args=[p.secondment.pk])


INBOX = reverse("cadres:leave_inbox")


def rules_url(program) -> str:
    return reverse("cadres:leave_rules", args=[program.pk])


# --- The tab -------------------------------------------------------------------------------------


def test_the_cadre_asks_for_leave_on_the_tab(client, county):
    p = placed(county)
    client.force_login(p.cadre_user)
    page = client.get(tab(p))
    assert page.status_code == 200 and b'data-testid="leave-request-form"' in page.content
    start, end = span(3)
    response = client.post(
        tab(p),
        {
            "kind": "sick",
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "reason": "住院治疗",
            "attachment": pdf_file(),
        },
    )
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#leave-{leave.pk}")
    assert leave.days == 3 and leave.attachment_name == "病假证明.pdf"
    html = client.get(tab(p)).content.decode()
    assert "第1级：接收单位领导审批中" in html
    assert "下一级：挂职干部组长" in html
    assert reverse("cadres:leave_attachment", args=[leave.pk]) in html
    assert 'data-testid="leave-cancel"' in html and 'data-testid="leave-approve"' not in html


def test_a_refused_request_stays_on_the_form_with_the_message(client, county):
    p = placed(county)
    first = ask(p, 2)
    client.force_login(p.cadre_user)
    response = client.post(
        tab(p),
        {
            "kind": "personal",
            "starts_on": first.starts_on.isoformat(),
            "ends_on": first.ends_on.isoformat(),
            "reason": "再次请假",
        },
    )
    assert response.status_code == 400
    assert "日期重叠" in response.content.decode()
    assert LeaveRequest.objects.count() == 1


def test_only_the_cadre_gets_the_form(client, county):
    p = placed(county)
    for user in (p.host_user, p.group_user, builders.officer(county)):
        client.force_login(user)
        page = client.get(tab(p))
        assert page.status_code == 200 and b"leave-request-form" not in page.content
        assert client.post(tab(p), {"kind": "personal"}).status_code == 403
    assert b"leave-rules-link" in page.content  # the officer's way to the program's rules
    done = placed(county, status=SecondmentStatus.COMPLETED)
    client.force_login(done.cadre_user)
    assert b"leave-request-form" not in client.get(tab(done)).content


def test_strangers_do_not_see_the_tab_or_the_attachment(client, county):
    p = placed(county)
    leave = ask(p, 1, attachment=pdf_file())
    other = placed(county)
    download = reverse("cadres:leave_attachment", args=[leave.pk])
    for user in (UserFactory(), other.cadre_user, other.host_user):
        client.force_login(user)
        assert client.get(tab(p)).status_code == 404
        assert client.get(download).status_code == 404
    client.force_login(p.host_user)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_approvers_decide_in_turn_from_the_tab(client, county):
    p = placed(county)
    leave = ask(p, 3)
    client.force_login(p.group_user)
    assert b'data-testid="leave-approve"' not in client.get(tab(p)).content
    client.force_login(p.host_user)
    page = client.get(tab(p)).content
    assert b'data-testid="leave-approve"' in page and b"leave-rules-link" not in page
    decide = reverse("cadres:leave_decide", args=[leave.pk])
    response = client.post(decide, {"approve": "1", "level": "0", "comment": "同意"})
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.current_level == 1
    # The same button pressed again (a second tab): refused with a message, nothing changes.
    again = client.post(decide, {"approve": "1", "level": "0"}, follow=True)
    assert "已经审批过了" in again.content.decode() or again.status_code == 403
    leave.refresh_from_db()
    assert leave.current_level == 1
    client.force_login(p.group_user)
    html = client.get(tab(p)).content.decode()
    assert "第2级：挂职干部组长审批中" in html and "同意" in html
    client.post(decide, {"refuse": "1", "level": "1", "comment": "请调整时间"})
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.REJECTED


def test_a_wrong_approver_gets_403(client, county):
    p = placed(county)
    leave = ask(p, 3)
    client.force_login(p.group_user)
    response = client.post(
        reverse("cadres:leave_decide", args=[leave.pk]), {"approve": "1", "level": "0"}
    )
    assert response.status_code == 403
    client.force_login(p.cadre_user)
    response = client.post(
        reverse("cadres:leave_decide", args=[leave.pk]), {"approve": "1", "level": "0"}
    )
    assert response.status_code == 403


def test_return_and_overdue_on_the_tab(client, county):
    p = placed(county)
    today = timezone.localdate()
    leave = ask(p, starts_on=today - timedelta(days=5), ends_on=today - timedelta(days=2))
    LeaveRequest.objects.filter(pk=leave.pk).update(status=LeaveStatus.APPROVED)
    client.force_login(p.cadre_user)
    html = client.get(tab(p)).content.decode()
    assert 'data-testid="leave-return-form"' in html and 'data-testid="leave-overdue"' in html
    response = client.post(
        reverse("cadres:leave_return", args=[leave.pk]),
        {"returned_on": today.isoformat()},
        follow=True,
    )
    assert "晚 2 天" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.RETURNED and leave.returned_on == today
    assert "超期 2 天" in client.get(tab(p)).content.decode()


def test_the_cadre_withdraws_from_the_tab(client, county):
    p = placed(county)
    leave = ask(p, 1)
    client.force_login(p.host_user)
    assert client.post(reverse("cadres:leave_cancel", args=[leave.pk])).status_code == 403
    client.force_login(p.cadre_user)
    client.post(reverse("cadres:leave_cancel", args=[leave.pk]))
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.CANCELLED


def _many_requests(p, count: int) -> None:
    """`count` requests on separate weeks, at every stage."""
    for index in range(count):
        leave = ask(p, 3, after=7 + index * 10)
        if index % 3 == 1:
            services.leave_decide(request=leave, approve=True, comment="好", actor=p.host_user)
        elif index % 3 == 2:
            services.leave_decide(request=leave, approve=False, comment="否", actor=p.host_user)


def test_the_tab_costs_the_same_for_few_and_many_requests(client, county):
    few, many = placed(county), placed(county)
    _many_requests(few, 2)
    _many_requests(many, 12)
    for user_of in (lambda p: p.cadre_user, lambda p: p.host_user):
        client.force_login(user_of(few))
        small = queries_of(client, tab(few))
        client.force_login(user_of(many))
        assert queries_of(client, tab(many)) == small


# --- The inbox -----------------------------------------------------------------------------------


def test_the_inbox_holds_what_is_the_users_turn(client, county):
    p = placed(county)
    officer = builders.officer(county)
    short, long_ = ask(p, 3), ask(p, 6, after=30)
    client.force_login(p.host_user)
    html = client.get(INBOX).content.decode()
    assert html.count('data-testid="leave-card"') == 2
    client.force_login(p.group_user)
    assert 'data-testid="inbox-empty"' in client.get(INBOX).content.decode()
    for leave in (short, long_):
        services.leave_decide(request=leave, approve=True, actor=p.host_user)
    assert client.get(INBOX).content.decode().count('data-testid="leave-card"') == 2
    client.force_login(officer)
    assert 'data-testid="inbox-empty"' in client.get(INBOX).content.decode()
    long_.refresh_from_db()
    services.leave_decide(request=long_, approve=True, actor=p.group_user)
    html = client.get(INBOX).content.decode()
    assert html.count('data-testid="leave-card"') == 1 and "第3级：组织单位审批中" in html
    client.force_login(p.cadre_user)
    assert 'data-testid="inbox-empty"' in client.get(INBOX).content.decode()


def test_approving_from_the_inbox_comes_back_to_it(client, county):
    p = placed(county)
    leave = ask(p, 1)
    client.force_login(p.host_user)
    response = client.post(
        reverse("cadres:leave_decide", args=[leave.pk]),
        {"approve": "1", "level": "0", "next": INBOX},
    )
    assert response["Location"] == INBOX
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED


def test_the_inbox_costs_the_same_for_few_and_many_requests(client, county):
    officer = builders.officer(county)
    few = [placed(county)]
    for p in few:
        ask(p, 1)
    client.force_login(officer)
    LeaveRequest.objects.update(levels=[ORG])
    small = queries_of(client, INBOX)
    many = [placed(county) for _ in range(8)]
    for p in many:
        ask(p, 3)
        ask(p, 1, after=30)
    LeaveRequest.objects.update(levels=[ORG, GROUP])
    assert queries_of(client, INBOX) == small
    assert client.get(INBOX).content.decode().count('data-testid="leave-card"') == 17


# --- The rules page ------------------------------------------------------------------------------


def test_officers_see_the_defaults_and_set_the_programs_own_rules(client, county):
    p = placed(county)
    program = p.secondment.program
    officer = builders.officer(county)
    client.force_login(officer)
    html = client.get(rules_url(program)).content.decode()
    assert 'data-testid="uses-defaults"' in html and html.count('data-testid="rule-row"') == 3
    create = reverse("cadres:leave_rule_create", args=[program.pk])
    response = client.post(
        create, {"level": "1", "approver": "organizer", "above_days": "0", "rank": ""}
    )
    assert response.status_code == 302
    rule = LeaveRule.objects.get(program=program)
    assert services.levels_for(p.secondment, 10) == [ORG]
    duplicate = client.post(
        create, {"level": "1", "approver": "host_leader", "above_days": "0", "rank": ""}
    )
    assert duplicate.status_code == 400 and "已有" in duplicate.content.decode()
    edit = reverse("cadres:leave_rule_edit", args=[program.pk, rule.pk])
    client.post(edit, {"level": "1", "approver": "host_leader", "above_days": "0", "rank": ""})
    rule.refresh_from_db()
    assert rule.approver == "host_leader"
    client.post(reverse("cadres:leave_rule_delete", args=[program.pk, rule.pk]))
    assert not LeaveRule.objects.filter(program=program).exists()
    client.post(reverse("cadres:leave_rules_copy", args=[program.pk]))
    assert LeaveRule.objects.filter(program=program).count() == 3
    html = client.get(rules_url(program)).content.decode()
    assert 'data-testid="own-rules"' in html and 'data-testid="uses-defaults"' not in html
    assert "恢复使用默认规则吗" in html
    client.post(reverse("cadres:leave_rules_reset", args=[program.pk]))
    assert not LeaveRule.objects.filter(program=program).exists()


def test_the_default_rules_are_not_edited_here(client, county):
    p = placed(county)
    program = p.secondment.program
    default = LeaveRule.objects.filter(program__isnull=True).first()
    client.force_login(builders.officer(county))
    edit = reverse("cadres:leave_rule_edit", args=[program.pk, default.pk])
    assert client.get(edit).status_code == 404
    delete = reverse("cadres:leave_rule_delete", args=[program.pk, default.pk])
    assert client.post(delete).status_code == 404
    assert LeaveRule.objects.filter(program__isnull=True).count() == 3


def test_who_may_see_and_change_the_rules(client, county, make_user):
    p = placed(county)
    program = p.secondment.program
    viewer = make_user("committee_admin", county.root)
    client.force_login(viewer)
    page = client.get(rules_url(program))
    assert page.status_code == 200 and b'data-testid="rule-create"' not in page.content
    create = reverse("cadres:leave_rule_create", args=[program.pk])
    assert client.get(create).status_code == 403
    data = {"level": "1", "approver": "organizer", "above_days": "0", "rank": ""}
    assert client.post(create, data).status_code == 403
    assert client.post(reverse("cadres:leave_rules_copy", args=[program.pk])).status_code == 403
    LeaveRule.objects.create(program=program, level=1, approver="organizer", above_days=0)
    assert client.post(reverse("cadres:leave_rules_reset", args=[program.pk])).status_code == 403
    assert LeaveRule.objects.filter(program=program).count() == 1
    LeaveRule.objects.filter(program=program).delete()
    for user in (p.cadre_user, p.host_user):
        client.force_login(user)
        assert client.get(rules_url(program)).status_code == 404
    assert not LeaveRule.objects.filter(program=program).exists()


# --- English -------------------------------------------------------------------------------------


def test_the_pages_render_in_english(english_client, county):
    p = placed(county)
    leave = ask(p, 3, attachment=pdf_file())
    services.leave_decide(request=leave, approve=True, comment="ok", actor=p.host_user)
    officer = builders.officer(county)
    pages = [
        (p.cadre_user, tab(p)),
        (p.group_user, tab(p)),
        (p.group_user, INBOX),
        (officer, rules_url(p.secondment.program)),
        (officer, reverse("cadres:leave_rule_create", args=[p.secondment.program.pk])),
    ]
    for user, url in pages:
        english_client.force_login(user)
        response = english_client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()


def test_days_late_agree_with_their_number_in_english(english_client, county):
    """超期 1 天 reads "1 day late", 超期 3 天 "3 days late"."""
    p = placed(county)
    today = timezone.localdate()
    for late, ends_on in ((1, today - timedelta(days=20)), (3, today - timedelta(days=10))):
        leave = ask(p, after=7 + late * 5)
        LeaveRequest.objects.filter(pk=leave.pk).update(
            status=LeaveStatus.RETURNED,
            starts_on=ends_on - timedelta(days=1),
            ends_on=ends_on,
            returned_on=ends_on + timedelta(days=late),
        )
    english_client.force_login(p.cadre_user)
    html = english_client.get(tab(p)).content.decode()
    assert 'data-testid="leave-overdue">1 day late</span>' in html
    assert 'data-testid="leave-overdue">3 days late</span>' in html
