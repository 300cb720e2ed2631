"""A branch secretary schedules a 支部委员会 on the desktop and puts its QR code up; a member
signs in with a phone, the secretary marks the meeting held and publishes the minutes, the
member reads them on the phone, and the month's compliance turns green for the branch."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.meetings.enums import AttendanceStatus, MeetingStatus
from grassroots.meetings.kinds import ensure_defaults
from grassroots.meetings.models import Meeting, MeetingAttendance, MeetingKind
from grassroots.orgs.enums import PoliticalStatus
from grassroots.orgs.tests.factories import PersonFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes


def _meeting_times():
    """A start a few minutes ago and an end in an hour, in Shanghai time to the minute; at the
    very start of a month the meeting starts now, so it counts in this month."""
    now = timezone.now().astimezone(SHANGHAI).replace(second=0, microsecond=0)
    starts = now - timedelta(minutes=5)
    if (starts.year, starts.month) != (now.year, now.month):
        starts = now
    return starts, now + timedelta(hours=1)


def test_secretary_holds_a_committee_meeting_member_checks_in_and_reads_the_minutes(
    page, phone_page, live_server, county, make_user
):
    ensure_defaults()  # a transactional test starts from an empty database: kinds and rules
    branch = county.branch1
    committee = MeetingKind.objects.get(code="committee_meeting")
    make_user(
        "branch_secretary",
        branch,
        username="sj01",
        person=PersonFactory(primary_org=branch, name="王书记"),
    )
    member = make_user(
        None,
        None,
        username="dy01",
        person=PersonFactory(
            primary_org=branch, name="李党员", political_status=PoliticalStatus.PARTY_MEMBER
        ),
    )
    starts, ends = _meeting_times()
    month_key = f"{starts.year}-{starts.month:02d}"
    compliance_url = f"{live_server.url}/meetings/compliance/?period=month&at={month_key}"
    cell = page.locator(
        f"[data-testid=compliance-table] a[data-status][href*='org={branch.pk}&kind={committee.pk}&']"
    )

    # The secretary schedules the meeting from the meetings list.
    log_in(page, live_server, "sj01", PASSWORD)
    page.goto(f"{live_server.url}/meetings/")
    page.click("[data-testid=meeting-create]")
    form = page.locator("[data-testid=meeting-form]")
    form.wait_for()
    form.locator("#id_organization").select_option(str(branch.pk))
    form.locator("#id_kind").select_option(label="支部委员会")
    form.locator("#id_title").fill("本月支部委员会")
    form.locator("#id_starts_at").fill(starts.strftime(LOCAL_INPUT))
    form.locator("#id_ends_at").fill(ends.strftime(LOCAL_INPUT))
    form.locator("#id_place").fill("三楼会议室")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=meeting-title]")
    assert "本月支部委员会" in page.inner_text("[data-testid=meeting-title]")
    assert "已安排会议" in page.inner_text(".alert-success")
    meeting = Meeting.objects.get(title="本月支部委员会")
    assert page.url == f"{live_server.url}/meetings/{meeting.pk}/"
    assert meeting.organization_id == branch.pk and meeting.kind_id == committee.pk
    assert timezone.localtime(meeting.starts_at, SHANGHAI) == starts
    assert meeting.expected_count == 2  # the secretary and the member, both of the branch

    # The QR screen for the room; its code holds the check-in link.
    page.click("[data-testid=qr-link]")
    qr = page.locator("[data-testid=qr-code]")
    qr.wait_for()
    assert qr.locator("svg").count() == 1
    checkin_url = qr.get_attribute("data-checkin-url")
    assert checkin_url and "t=" in checkin_url
    if checkin_url.startswith("/"):
        checkin_url = live_server.url + checkin_url

    # The member scans it: the phone asks to log in, then signs the member in, once.
    phone_page.goto(checkin_url)
    assert "/accounts/login/" in phone_page.url
    phone_page.fill("#id_username", "dy01")
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    message = phone_page.locator("[data-testid=checkin-message]")
    message.wait_for()
    assert "签到成功" in message.inner_text()
    phone_page.goto(checkin_url)
    message.wait_for()
    assert "无需重复签到" in message.inner_text()
    rows = MeetingAttendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT)
    assert [row.person_id for row in rows] == [member.person_id]
    meeting.refresh_from_db()
    assert meeting.present_count == 1

    # Before the meeting is marked held the month's cell is not green.
    page.goto(compliance_url)
    cell.wait_for()
    assert cell.get_attribute("data-status") in {"pending", "missing"}

    # The secretary marks the meeting held, then writes and publishes the minutes.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert "1" in page.inner_text("[data-testid=present-count]")
    with page.expect_navigation():
        page.click("[data-testid=mark-held]")
    page.wait_for_selector("[data-testid=minutes-edit]")
    assert "已召开" in page.inner_text(".alert-success")
    assert page.locator("[data-testid=mark-held]").count() == 0
    page.click("[data-testid=minutes-edit]")
    page.wait_for_selector("#id_text")
    page.fill("#id_text", "传达学习上级会议精神，研究本月党员发展工作。")
    page.fill("#id_decisions", "同意确定张三为入党积极分子")
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    state = page.locator("[data-testid=minutes-state]")
    state.wait_for()
    assert "已发布" in state.inner_text()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    # The member's phone shows the published minutes on the meeting's page.
    phone_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    phone_page.wait_for_selector("[data-testid=minutes-text]")
    assert "研究本月党员发展工作" in phone_page.inner_text("[data-testid=minutes-text]")
    assert "同意确定张三为入党积极分子" in phone_page.inner_text("[data-testid=minutes-decisions]")
    assert phone_page.locator("[data-testid=minutes-edit]").count() == 0

    # The month's 支部委员会 is now held for the branch.
    page.goto(compliance_url)
    cell.wait_for()
    assert cell.get_attribute("data-status") == "held"
    assert "text-bg-success" in (cell.get_attribute("class") or "")
