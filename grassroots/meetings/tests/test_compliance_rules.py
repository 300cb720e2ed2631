"""The rules page: who may see and change the rules, the validation of a rule, the audit of
each change, and a switched-off rule no longer checked."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.meetings.compliance import compliance
from grassroots.meetings.models import ComplianceRule, MeetingKind
from grassroots.meetings.periods import period_of
from grassroots.meetings.services.rules import rule_create, rule_set_active, rule_update
from grassroots.orgs.models import OrganizationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(county, make_user):
    return make_user("org_dept_admin", county.root)


def committee_rule():
    return ComplianceRule.objects.get(
        org_kind__code="branch", meeting_kind__code="committee_meeting"
    )


def test_rules_page_lists_every_rule_and_offers_changes_to_root_managers(client, county, admin):
    client.force_login(admin)
    response = client.get(reverse("meetings:rules"))
    assert response.status_code == 200
    assert len(response.context["rules"]) == ComplianceRule.objects.count() >= 7
    assert response.context["can_manage"]
    assert reverse("meetings:rule_create") in response.content.decode()


@pytest.mark.parametrize(
    "role, org_attr", [("branch_secretary", "branch1"), ("org_dept_admin", "town")]
)
def test_others_see_the_rules_but_cannot_change_them(client, county, make_user, role, org_attr):
    # An org_dept_admin of one township holds manage_rules, but not over the whole tree.
    user = make_user(role, getattr(county, org_attr))
    client.force_login(user)
    response = client.get(reverse("meetings:rules"))
    assert response.status_code == 200 and not response.context["can_manage"]
    assert reverse("meetings:rule_create") not in response.content.decode()
    rule = committee_rule()
    assert client.get(reverse("meetings:rule_create")).status_code == 403
    assert client.get(reverse("meetings:rule_edit", args=[rule.pk])).status_code == 403
    post = client.post(reverse("meetings:rule_toggle", args=[rule.pk]), {"active": "0"})
    assert post.status_code == 403
    assert committee_rule().is_active
    with pytest.raises(PermissionDenied):
        rule_set_active(rule=rule, active=False, actor=user)


def test_a_member_without_a_role_cannot_see_the_rules(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("meetings:rules")).status_code == 403


def test_add_a_rule(client, county, admin):
    client.force_login(admin)
    kind = MeetingKind.objects.get(code="party_lecture")
    general_branch = OrganizationKind.objects.get(code="general_branch")
    response = client.post(
        reverse("meetings:rule_create"),
        {"org_kind": general_branch.pk, "meeting_kind": kind.pk, "period": "year", "min_count": 2},
    )
    assert response.status_code == 302
    rule = ComplianceRule.objects.get(org_kind=general_branch, meeting_kind=kind)
    assert (rule.period, rule.min_count, rule.is_active) == ("year", 2, True)
    entry = LogEntry.objects.get_for_object(rule).get()
    assert entry.actor == admin
    # The general branch is checked now.
    (row,) = compliance([county.justice], period_of(date(2026, 1, 1), "year"), date(2027, 1, 5))
    assert [c.rule.pk for c in row.checks] == [rule.pk]


def test_a_duplicate_or_a_count_below_one_is_refused_and_nothing_saved(client, county, admin):
    client.force_login(admin)
    rule = committee_rule()
    before = ComplianceRule.objects.count()
    response = client.post(
        reverse("meetings:rule_create"),
        {
            "org_kind": rule.org_kind_id,
            "meeting_kind": rule.meeting_kind_id,
            "period": "quarter",
            "min_count": 1,
        },
    )
    assert response.status_code == 200
    assert "该组织类别已有这一会议类别的规则。" in response.context["form"].errors["meeting_kind"]
    zero = client.post(
        reverse("meetings:rule_edit", args=[rule.pk]),
        {
            "org_kind": rule.org_kind_id,
            "meeting_kind": rule.meeting_kind_id,
            "period": "month",
            "min_count": 0,
            "is_active": "on",
        },
    )
    assert zero.status_code == 200 and zero.context["form"].errors["min_count"]
    assert ComplianceRule.objects.count() == before
    assert committee_rule().min_count == 1
    # The service says the same to any caller.
    with pytest.raises(ValidationError) as caught:
        rule_update(
            rule=rule,
            org_kind=rule.org_kind,
            meeting_kind=rule.meeting_kind,
            period="month",
            min_count=0,
            is_active=True,
            actor=admin,
        )
    assert "min_count" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        rule_create(
            org_kind=rule.org_kind,
            meeting_kind=rule.meeting_kind,
            period="weekly",
            min_count=1,
            actor=admin,
        )
    assert set(caught.value.message_dict) == {"period", "meeting_kind"}


def test_edit_a_rule(client, county, admin):
    client.force_login(admin)
    rule = committee_rule()
    response = client.post(
        reverse("meetings:rule_edit", args=[rule.pk]),
        {
            "org_kind": rule.org_kind_id,
            "meeting_kind": rule.meeting_kind_id,
            "period": "quarter",
            "min_count": 2,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.period, rule.min_count) == ("quarter", 2)
    assert LogEntry.objects.get_for_object(rule).filter(actor=admin).exists()


def test_deactivate_and_activate_a_rule(client, county, admin):
    client.force_login(admin)
    rule = committee_rule()
    client.post(reverse("meetings:rule_toggle", args=[rule.pk]), {"active": "0"})
    assert not committee_rule().is_active
    (row,) = compliance([county.branch1], period_of(date(2026, 3, 1), "month"), date(2026, 6, 1))
    assert "committee_meeting" not in {c.rule.meeting_kind.code for c in row.checks}
    client.post(reverse("meetings:rule_toggle", args=[rule.pk]), {"active": "1"})
    assert committee_rule().is_active
    assert LogEntry.objects.get_for_object(rule).count() == 2
    assert client.get(reverse("meetings:rule_toggle", args=[rule.pk])).status_code == 405
