"""The meeting pages: who sees which meetings, the list's filters and its query budget, the
form with its refusals, the meeting's page with the member's answer and the manager's actions,
and a member's own meetings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.meetings.enums import AttendanceStatus, MeetingStatus, Rsvp
from grassroots.meetings.models import Meeting, MeetingAttendance, MeetingKind
from grassroots.meetings.services import meetings as services
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST = reverse("meetings:meeting_list")
CREATE = reverse("meetings:meeting_create")
MINE = reverse("meetings:my_meetings")


def detail(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def person_with_account(make_user, organization, role=None):
    someone = PersonFactory(primary_org=organization)
    if role:
        return make_user(role, organization, person=someone)
    return make_user(person=someone)


@pytest.fixture
def kind():
    return MeetingKind.objects.get(code="committee_meeting")


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def member(county, make_user):
    return person_with_account(make_user, county.branch1, "member")


def schedule(organization, actor, kind=None, *, days=3, **extra):
    kind = kind or MeetingKind.objects.get(code="committee_meeting")
    starts = timezone.now() + timedelta(days=days)
    values = {
        "title": "支委会",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "place": "党员活动室",
    }
    values.update(extra)
    return services.meeting_create(organization=organization, kind=kind, actor=actor, **values)


@pytest.fixture
def admin(county, make_user):
    return make_user("org_dept_admin", county.root)


def titles(response):
    return {m.title for m in response.context["page_obj"]}


# --- Who sees what -------------------------------------------------------------------------------


def test_the_list_is_scoped_to_the_subtree(client, county, make_user, admin):
    schedule(county.branch1, admin, title="一支部")
    schedule(county.branch2, admin, title="二支部")
    schedule(county.community, admin, title="社区")
    client.force_login(make_user("committee_admin", county.justice))
    assert titles(client.get(LIST)) == {"一支部", "二支部"}
    client.force_login(make_user("branch_secretary", county.branch2))
    assert titles(client.get(LIST)) == {"二支部"}
    client.force_login(make_user("discipline_inspector", county.town))
    assert titles(client.get(LIST)) == {"社区"}


def test_a_member_sees_only_the_meetings_that_concern_them(
    client, county, make_user, admin, member
):
    own = schedule(county.branch1, admin, title="本支部")
    guest = PersonFactory(primary_org=county.community)
    invited_to = schedule(county.community, admin, title="列席的", invited=[member.person])
    other = schedule(county.branch2, admin, title="二支部")
    earlier = schedule(county.branch1, admin, title="入党前的")
    MeetingAttendance.objects.filter(meeting=earlier, person=member.person).delete()
    client.force_login(member)
    assert titles(client.get(LIST)) == {"本支部", "列席的", "入党前的"}
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(invited_to)).status_code == 200
    assert client.get(detail(earlier)).status_code == 200  # of their own organization
    assert client.get(detail(other)).status_code == 404
    assert guest.pk  # (a person of the community; the member does not see them)
    # Not a manager: no forms, no actions.
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("meetings:meeting_edit", args=[own.pk])).status_code == 404
    assert client.post(reverse("meetings:meeting_notice", args=[own.pk])).status_code == 404
    assert client.post(reverse("meetings:meeting_held", args=[own.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting_cancel", args=[own.pk])).status_code == 404


def test_another_branchs_secretary_gets_404(client, county, make_user, secretary):
    meeting = schedule(county.branch1, secretary)
    client.force_login(make_user("branch_secretary", county.branch2))
    for name in ("meeting_detail", "meeting_edit", "meeting_cancel"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    for name in ("meeting_notice", "meeting_held", "meeting_rsvp"):
        assert client.post(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_someone_without_any_role_or_person_is_refused(client, make_user):
    client.force_login(make_user())
    assert client.get(LIST).status_code == 403


# --- The list's filters and its cost ---------------------------------------------------------------


def test_the_filters(client, county, admin):
    lecture = MeetingKind.objects.get(code="party_lecture")
    schedule(county.branch1, admin, title="一支部支委会")
    schedule(county.branch2, admin, lecture, title="二支部党课")
    past = schedule(county.branch2, admin, title="去年的会", days=-400)
    held = schedule(county.community, admin, title="社区已开", days=-1)
    services.meeting_mark_held(meeting=held, actor=admin)
    client.force_login(admin)
    assert titles(client.get(LIST, {"org": county.justice.pk})) == {
        "一支部支委会",
        "二支部党课",
        "去年的会",
    }
    assert titles(client.get(LIST, {"kind": lecture.pk})) == {"二支部党课"}
    assert titles(client.get(LIST, {"status": "held"})) == {"社区已开"}
    assert titles(client.get(LIST, {"q": "党课"})) == {"二支部党课"}
    assert "去年的会" not in titles(client.get(LIST, {"period": "year"}))
    day = timezone.localdate(past.starts_at)
    assert titles(client.get(LIST, {"start": day, "end": day})) == {"去年的会"}
    # A subtree outside the scope is ignored, not an error.
    secretary_page = client.get(LIST, {"org": "abc", "kind": "999", "status": "x"})
    assert secretary_page.status_code == 200
    # htmx asks for the table only.
    table = client.get(LIST, {"q": "党课"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="meeting-table")
    assert b"<html" not in table.content and "二支部党课" in table.content.decode()


def test_the_list_costs_the_same_for_many_rows(client, county, make_user, admin):
    member = person_with_account(make_user, county.branch1)
    officer = make_user("committee_admin", county.justice)

    def add(n):
        for i in range(n):
            meeting = schedule((county.branch1, county.branch2)[i % 2], admin, days=i - 5)
            if i % 3 == 0:
                services.meeting_mark_held(meeting=meeting, actor=admin)

    add(2)
    few = {}
    for user in (officer, member):
        client.force_login(user)
        few[user.pk] = (queries_of(client, LIST), queries_of(client, MINE))
    add(10)
    for user in (officer, member):
        client.force_login(user)
        assert (queries_of(client, LIST), queries_of(client, MINE)) == few[user.pk]


def test_the_meeting_page_costs_the_same_for_a_longer_list(client, county, make_user, admin):
    meeting = schedule(county.branch1, admin, invited=[PersonFactory(primary_org=county.town)])
    client.force_login(admin)
    few = queries_of(client, detail(meeting))
    for _i in range(10):
        person = PersonFactory(primary_org=county.branch1)
        MeetingAttendance.objects.create(meeting=meeting, person=person)
    services.meeting_update(
        meeting=meeting,
        actor=admin,
        invited=[PersonFactory(primary_org=county.town) for _i in range(5)],
    )
    assert queries_of(client, detail(meeting)) == few


# --- Scheduling and editing -----------------------------------------------------------------------


def form_data(organization, kind, **extra):
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    data = {
        "organization": organization.pk,
        "kind": kind.pk,
        "title": "十二月支委会",
        "topic": "研究年终工作",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "三楼会议室",
        "link": "",
        "agenda": "一、传达文件\n二、讨论",
        "lecturer": "",
    }
    data.update(extra)
    return data


def test_scheduling_through_the_form(client, county, make_user, secretary, kind):
    members = [person_with_account(make_user, county.branch1) for _i in range(2)]
    client.force_login(secretary)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert [o.pk for o in page.context["form"].fields["organization"].queryset] == [
        county.branch1.pk
    ]
    response = client.post(
        CREATE,
        form_data(county.branch1, kind, invited=[members[0].person_id], send_notice="on"),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == detail(meeting)
    assert meeting.expected_count == 2 and meeting.notified_at is not None
    assert Notification.objects.filter(kind="meetings.meeting_notice").count() == 2
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute) == (14, 30)


def test_form_errors_keep_nothing_saved(client, county, secretary, kind):
    stranger = PersonFactory(primary_org=county.community)
    client.force_login(secretary)
    data = form_data(county.branch1, kind)
    bad = [
        ({"ends_at": data["starts_at"]}, "ends_at", "结束时间应晚于开始时间。"),
        ({"place": ""}, "place", "请填写地点或线上链接。"),
        ({"title": "  "}, "title", None),
        ({"starts_at": "明天下午"}, "starts_at", None),
        ({"invited": [stranger.pk]}, "invited", None),  # not within the secretary's view
        ({"organization": county.branch2.pk}, "organization", None),
    ]
    for override, field, message in bad:
        response = client.post(CREATE, {**data, **override})
        assert response.status_code == 200, override
        assert field in response.context["form"].errors, override
        if message:
            assert message in response.content.decode()
    assert not Meeting.objects.exists()
    assert not MeetingAttendance.objects.exists()


def test_the_people_picker_searches_and_keeps_those_chosen(client, county, make_user, admin, kind):
    chosen = PersonFactory(primary_org=county.town, name="王立新")
    found = PersonFactory(primary_org=county.community, name="李晓明")
    PersonFactory(primary_org=county.community, name="赵大海")
    client.force_login(admin)
    response = client.get(
        CREATE,
        {"people_q": "李晓", "invited": [chosen.pk]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="people-options",
    )
    html = response.content.decode()
    assert b"<html" not in response.content
    assert "王立新" in html and "李晓明" in html and "赵大海" not in html
    assert f'value="{chosen.pk}" id="invited-{chosen.pk}" checked' in html
    assert f'value="{found.pk}" id="invited-{found.pk}">' in html


def test_the_picker_leaves_out_the_chosen_organizations_own_people(client, county, admin, kind):
    own = PersonFactory(primary_org=county.branch1, name="钱本支")
    other = PersonFactory(primary_org=county.branch2, name="孙列席")
    client.force_login(admin)

    def offered(organization):
        response = client.get(
            CREATE,
            {"organization": organization.pk},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="people-options",
        )
        return response.content.decode()

    html = offered(county.branch1)  # branch1's people are expected anyway
    assert "钱本支" not in html and "孙列席" in html
    html = offered(county.branch2)
    assert "钱本支" in html and "孙列席" not in html
    assert own.pk and other.pk


def test_editing_changes_the_invited_people(client, county, make_user, admin, kind):
    meeting = schedule(county.branch1, admin)
    guest = PersonFactory(primary_org=county.town)
    client.force_login(admin)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "organization" not in page.context["form"].fields
    data = form_data(county.branch1, kind, title="改了名", invited=[guest.pk])
    data.pop("organization")
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "改了名" and meeting.expected_count == 1
    assert MeetingAttendance.objects.filter(meeting=meeting, person=guest).exists()


# --- A meeting's page ------------------------------------------------------------------------------


def test_the_page_shows_the_meeting_and_the_lecturer_of_a_lecture(client, county, admin, member):
    lecture = schedule(
        county.branch1,
        admin,
        MeetingKind.objects.get(code="party_lecture"),
        title="专题党课",
        lecturer="张书记",
    )
    client.force_login(member)
    response = client.get(detail(lecture))
    html = response.content.decode()
    assert "专题党课" in html and "张书记" in html and "党员活动室" in html
    assert 'data-testid="my-rsvp"' in html
    assert 'data-testid="manager-actions"' not in html


def test_rsvp_from_the_page(client, county, admin, member):
    meeting = schedule(county.branch1, admin)
    client.force_login(member)
    url = reverse("meetings:meeting_rsvp", args=[meeting.pk])
    # Leave without a reason: the card says why, nothing changes.
    response = client.post(url, {"answer": "leave", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "请假须填写事由。" in response.content.decode()
    row = MeetingAttendance.objects.get(meeting=meeting, person=member.person)
    assert row.status == AttendanceStatus.EXPECTED
    response = client.post(url, {"answer": "leave", "reason": "外出公务"}, HTTP_HX_REQUEST="true")
    assert "已请假。" in response.content.decode()
    row.refresh_from_db()
    assert (row.rsvp, row.status, row.leave_reason) == (Rsvp.LEAVE, "leave", "外出公务")
    # Without htmx: back to the page with a message.
    response = client.post(url, {"answer": "attending"})
    assert response.status_code == 302 and response.url == detail(meeting)
    row.refresh_from_db()
    assert (row.rsvp, row.status) == (Rsvp.ATTENDING, "expected")
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 0


def test_the_managers_actions(client, county, secretary, member):
    meeting = schedule(county.branch1, secretary, days=0, title="今天的会")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    client.force_login(secretary)
    html = client.get(detail(meeting)).content.decode()
    assert 'data-testid="send-notice"' in html and "尚未发送" in html
    response = client.post(reverse("meetings:meeting_notice", args=[meeting.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=member, kind="meetings.meeting_notice").exists()
    html = client.get(detail(meeting)).content.decode()
    assert "最近一次发送于" in html and "再次发送通知" in html
    client.post(reverse("meetings:meeting_held", args=[meeting.pk]))
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    # Held is final: cancelling is refused on the form.
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_cancelling_asks_for_a_reason(client, county, secretary, member):
    meeting = schedule(county.branch1, secretary)
    client.force_login(secretary)
    url = reverse("meetings:meeting_cancel", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "", "confirm": "on"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    response = client.post(url, {"reason": "与上级会议冲突", "confirm": "on"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "与上级会议冲突")
    assert Notification.objects.filter(recipient=member, kind="meetings.meeting_cancelled").exists()
    html = client.get(detail(meeting)).content.decode()
    assert "与上级会议冲突" in html and 'data-testid="manager-actions"' not in html


# --- My meetings ----------------------------------------------------------------------------------


def test_my_meetings_with_the_years_rate(client, county, admin, member):
    this_year = timezone.localdate().year
    meetings = [schedule(county.branch1, admin, title=f"第{i}次", days=-1 - i) for i in range(4)]
    if any(timezone.localdate(m.starts_at).year != this_year for m in meetings):
        pytest.skip("the first days of January: the meetings would fall in last year")
    statuses = ["present", "present", "leave", "expected"]
    for meeting, status in zip(meetings, statuses, strict=True):
        MeetingAttendance.objects.filter(meeting=meeting, person=member.person).update(
            status=status
        )
        services.meeting_mark_held(meeting=meeting, actor=admin)
    schedule(county.branch1, admin, title="下周的会", days=7)
    schedule(county.branch2, admin, title="二支部的会")
    client.force_login(member)
    response = client.get(MINE)
    summary = response.context["summary"]
    assert (summary.held, summary.present, summary.leave, summary.absent) == (4, 2, 1, 1)
    assert summary.rate == 0.5
    shown = {a.meeting.title for a in response.context["page_obj"]}
    assert "下周的会" in shown and "第0次" in shown and "二支部的会" not in shown
    assert "50%" in response.content.decode()
