"""The meetings pages in English: a member's, a secretary's and an officer's pages leave no
Chinese but the data. The test's own data (titles, places, people's names) is written in Latin
letters, so the Chinese left once the names of organizations and people are removed is interface
that was not translated."""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.core.tests.test_i18n import chinese_left_on, cjk_left, page_data
from grassroots.meetings.enums import AttendanceStatus
from grassroots.meetings.models import Activity, ComplianceRule, MeetingAttendance, MeetingKind
from grassroots.meetings.services import activities as activity_services
from grassroots.meetings.services import attendance as attendance_services
from grassroots.meetings.services import meetings as meeting_services
from grassroots.meetings.services import minutes as minutes_services
from grassroots.meetings.services import pairings as pairing_services
from grassroots.orgs.tests.factories import PersonFactory

from .test_activities_support import activity_of, png_file
from .test_attendance_support import png_bytes

pytestmark = pytest.mark.django_db


def person(organization, name):
    return PersonFactory(primary_org=organization, name=name)


def schedule(organization, actor, *, starts_at, code="general_meeting", **extra):
    values = {
        "title": "Quarterly branch assembly",
        "topic": "Budget review",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "place": "Room 101",
    }
    values.update(extra)
    return meeting_services.meeting_create(
        organization=organization,
        kind=MeetingKind.objects.get(code=code),
        actor=actor,
        **values,
    )


def pdf_file(name="agenda.pdf"):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def world(county, make_user):
    branch = county.branch1
    secretary = make_user("branch_secretary", branch, person=person(branch, "Wang Wei"))
    member = make_user(person=person(branch, "Zhang Min"))
    colleague = person(branch, "Li Na")
    guests = [person(county.branch2, "Chen Jie"), person(county.branch2, "Liu Yang")]
    guest = guests[0]
    # The general branch's admin schedules the meetings that invite people of the next branch.
    scheduler = make_user("committee_admin", county.justice)
    officer = make_user("org_dept_admin", county.root, person=person(county.dept, "Zhao Lei"))
    now = timezone.now()

    # A meeting held two days ago, with its minutes published and revised, and two files.
    past = schedule(
        branch, scheduler, starts_at=now - timedelta(days=2), invited=guests, send_notice=False
    )
    meeting_services.meeting_mark_held(meeting=past, actor=secretary)
    rows = {a.person_id: a for a in MeetingAttendance.objects.filter(meeting=past)}
    attendance_services.attendance_mark(
        attendance=rows[member.person_id], status=AttendanceStatus.PRESENT, actor=secretary
    )
    attendance_services.attendance_mark(
        attendance=rows[colleague.pk],
        status=AttendanceStatus.LEAVE,
        reason="Travelling",
        actor=secretary,
    )
    attendance_services.attendance_mark(
        attendance=rows[guest.pk], status=AttendanceStatus.ABSENT, actor=secretary
    )
    minutes_services.minutes_publish(
        meeting=past, actor=secretary, text="Discussed the budget.", decisions="Approved."
    )
    minutes_services.minutes_revise(
        meeting=past,
        text="Discussed the budget of the year.",
        decisions="Approved.",
        reason="Typo",
        actor=secretary,
    )
    minutes_services.attachment_add(meeting=past, file=pdf_file(), actor=secretary)
    minutes_services.attachment_add(
        meeting=past,
        file=SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
        actor=secretary,
        caption="Group photo",
    )

    # A meeting going on now (the QR code, the check-in) and one next week with its notice.
    running = schedule(
        branch,
        secretary,
        starts_at=now - timedelta(minutes=10),
        title="Committee meeting",
        code="committee_meeting",
    )
    upcoming = schedule(
        branch,
        scheduler,
        starts_at=now + timedelta(days=7),
        invited=guests,
        send_notice=True,
        title="Theme day",
        code="theme_day",
    )
    cancelled = schedule(branch, secretary, starts_at=now + timedelta(days=9), title="Lecture")
    meeting_services.meeting_cancel(meeting=cancelled, actor=secretary, reason="Storm warning")

    # An open activity with one place taken and one person waiting; a volunteer activity held,
    # with check-ins, a photo and a report.
    sports = activity_of(
        branch, title="Sports day", place="Stadium", description="Relay race", capacity=1
    )
    activity_services.activity_sign_up(activity=sports, actor=member)
    activity_services.activity_sign_up_person(activity=sports, person=colleague, actor=secretary)
    cleanup = activity_of(
        branch,
        kind="volunteer",
        title="Park clean-up",
        place="East park",
        volunteer_hours=Decimal("2.5"),
        starts_at=now + timedelta(days=1),
    )
    activity_services.activity_sign_up(activity=cleanup, actor=member)
    activity_services.activity_sign_up_person(
        activity=cleanup, person=secretary.person, actor=secretary
    )
    Activity.objects.filter(pk=cleanup.pk).update(
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
        signup_deadline=now - timedelta(hours=4),
    )
    cleanup.refresh_from_db()
    signup = cleanup.signups.get(person=member.person)
    activity_services.activity_mark_checkin(signup=signup, present=True, actor=secretary)
    activity_services.activity_photo_add(
        activity=cleanup, actor=secretary, image=png_file("park.png"), caption="Volunteers"
    )
    activity_services.activity_mark_held(activity=cleanup, actor=secretary)
    activity_services.activity_report(
        activity=cleanup, actor=secretary, report="Twenty bags collected."
    )

    # A pairing of the organization department with the community, and one ended early.
    today = timezone.localdate()
    contacts = {
        "unit_contact": person(county.dept, "Sun Hao"),
        "partner_contact": person(county.community, "Zhou Yan"),
    }
    pairing = pairing_services.pairing_create(
        actor=officer,
        kind="cobuild",
        unit=county.dept,
        partner=county.community,
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year + 1, 12, 31),
        goals="Joint volunteer work every quarter",
        **contacts,
    )
    joint = activity_of(county.dept, title="Joint service", place="Community hall", pairing=pairing)
    ended = pairing_services.pairing_create(
        actor=officer,
        kind="contact",
        unit=county.dept,
        partner=county.branch2,
        starts_on=date(today.year - 1, 1, 1),
        ends_on=date(today.year + 1, 12, 31),
        goals="Visits",
        unit_contact=contacts["unit_contact"],
        partner_contact=guest,
    )
    pairing_services.pairing_end_early(pairing=ended, ended_on=today, actor=officer)
    return {
        "secretary": secretary,
        "member": member,
        "officer": officer,
        "past": past,
        "running": running,
        "upcoming": upcoming,
        "cancelled": cancelled,
        "sports": sports,
        "cleanup": cleanup,
        "joint": joint,
        "pairing": pairing,
        "ended": ended,
    }


def left_in_english(client, user, url, *, status=200) -> list[str]:
    client.force_login(user)
    return chinese_left_on(client, url, page_data(user), status=status)


def assert_english(client, user, urls) -> None:
    leftovers = {url: left for url in urls if (left := left_in_english(client, user, url))}
    assert leftovers == {}, "\n".join(f"{url}: {left}" for url, left in leftovers.items())


def meeting_urls(world) -> list[str]:
    return [
        reverse("meetings:meeting_list"),
        reverse("meetings:meeting_list") + "?status=held&period=year",
        reverse("meetings:my_meetings"),
        *(
            reverse("meetings:meeting_detail", args=[world[key].pk])
            for key in ("past", "running", "upcoming", "cancelled")
        ),
        reverse("meetings:minutes_revisions", args=[world["past"].pk]),
        reverse("meetings:minutes_revision_detail", args=[world["past"].pk, 1]),
        reverse("meetings:minutes_revision_detail", args=[world["past"].pk, 2]),
    ]


def activity_urls(world) -> list[str]:
    return [
        reverse("meetings:activity_list"),
        reverse("meetings:activity_list") + "?when=past&kind=volunteer",
        reverse("meetings:my_activities"),
        *(
            reverse("meetings:activity_detail", args=[world[key].pk])
            for key in ("sports", "cleanup")
        ),
        reverse("meetings:volunteer_mine"),
    ]


def test_member_pages_in_english(english_client, world):
    urls = [*meeting_urls(world), *activity_urls(world), reverse("core:home")]
    assert_english(english_client, world["member"], urls)


def test_a_check_in_in_english(english_client, world):
    member = world["member"]
    running = world["running"]
    url = reverse("meetings:meeting_checkin", args=[running.pk])
    token = "?t=" + quote(checkin.make_token("meeting", running.pk))
    assert left_in_english(english_client, member, url + token) == []
    assert left_in_english(english_client, member, url + token) == []  # already signed in
    assert left_in_english(english_client, member, url + "?t=x", status=400) == []
    # An activity going on now.
    sports = world["sports"]

    now = timezone.now()
    Activity.objects.filter(pk=sports.pk).update(
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        signup_deadline=now - timedelta(hours=1),
    )
    url = reverse("meetings:activity_checkin", args=[sports.pk])
    token = "?t=" + quote(checkin.make_token("activity", sports.pk))
    assert left_in_english(english_client, member, url + token) == []
    assert left_in_english(english_client, member, url + token) == []


def test_secretary_pages_in_english(english_client, world):
    past, running, upcoming = world["past"], world["running"], world["upcoming"]
    sports, cleanup = world["sports"], world["cleanup"]
    urls = [
        *meeting_urls(world),
        reverse("meetings:meeting_create"),
        reverse("meetings:meeting_edit", args=[upcoming.pk]),
        reverse("meetings:meeting_cancel", args=[upcoming.pk]),
        reverse("meetings:meeting_qr", args=[running.pk]),
        reverse("meetings:attendance_add_extra", args=[running.pk]),
        reverse("meetings:attendance_add_extra", args=[running.pk]) + "?q=Chen",
        reverse("meetings:minutes_edit", args=[running.pk]),
        reverse("meetings:minutes_revise", args=[past.pk]),
        reverse("meetings:attachment_upload", args=[past.pk]),
        reverse("meetings:compliance"),
        reverse("meetings:compliance") + "?period=quarter",
        reverse("meetings:compliance") + "?period=year&missing=1",
        *activity_urls(world),
        reverse("meetings:activity_create"),
        reverse("meetings:activity_edit", args=[sports.pk]),
        reverse("meetings:activity_cancel", args=[sports.pk]),
        reverse("meetings:activity_qr", args=[sports.pk]),
        reverse("meetings:activity_photo_upload", args=[cleanup.pk]),
        reverse("meetings:activity_report", args=[cleanup.pk]),
        reverse("meetings:volunteer_ledger"),
        reverse("meetings:pairing_list"),
        reverse("core:home"),
    ]
    assert_english(english_client, world["secretary"], urls)


def test_officer_pages_in_english(english_client, county, world):
    past = world["past"]
    quarter = timezone.localdate()
    at = f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
    rule = ComplianceRule.objects.filter(org_kind=county.branch1.kind).first()
    drill = f"?org={county.branch1.pk}&kind={past.kind_id}"
    urls = [
        reverse("meetings:meeting_list"),
        reverse("meetings:meeting_detail", args=[past.pk]),
        reverse("meetings:compliance"),
        reverse("meetings:compliance") + f"?period=quarter&at={at}",
        reverse("meetings:compliance") + f"?period=year&org={county.root.pk}",
        reverse("meetings:compliance") + f"?period=quarter&at={at}&missing=1",
        reverse("meetings:compliance_drill") + drill + f"&period=quarter&at={at}",
        reverse("meetings:compliance_drill") + drill + "&period=year",
        reverse("meetings:compliance_drill")
        + f"?org={county.branch1.pk}&kind={world['running'].kind_id}",
        reverse("meetings:rules"),
        reverse("meetings:rule_create"),
        reverse("meetings:rule_edit", args=[rule.pk]),
        reverse("meetings:activity_list"),
        reverse("meetings:activity_detail", args=[world["joint"].pk]),
        reverse("meetings:volunteer_ledger") + f"?org={county.root.pk}",
        reverse("meetings:pairing_list"),
        reverse("meetings:pairing_list") + "?state=ended&idle=1",
        reverse("meetings:pairing_create"),
        reverse("meetings:pairing_detail", args=[world["pairing"].pk]),
        reverse("meetings:pairing_detail", args=[world["ended"].pk]),
        reverse("meetings:pairing_edit", args=[world["pairing"].pk]),
        reverse("meetings:pairing_end", args=[world["pairing"].pk]),
        reverse("core:home"),
    ]
    assert_english(english_client, world["officer"], urls)
    options = english_client.get(
        reverse("meetings:pairing_contact_options") + f"?side=unit&unit={county.dept.pk}"
    )
    assert "Sun Hao" in options.content.decode()
    assert cjk_left(options.content.decode(), page_data(world["officer"])) == []
    # Labels that differ in English although they are one word in Chinese.
    ended = english_client.get(reverse("meetings:pairing_detail", args=[world["ended"].pk]))
    assert "Ended early" in ended.content.decode()
    form = english_client.get(reverse("meetings:pairing_end", args=[world["pairing"].pk]))
    assert "End early</button>" in form.content.decode()


def test_the_invited_names_are_listed_with_an_english_separator(english_client, world):
    english_client.force_login(world["secretary"])
    page = english_client.get(reverse("meetings:meeting_detail", args=[world["past"].pk]))
    assert "Chen Jie, Liu Yang" in page.content.decode()


def test_refused_input_is_explained_in_english(english_client, county, world):
    """Forms sent back with the services' and the forms' messages."""
    secretary, officer = world["secretary"], world["officer"]
    upcoming, past = world["upcoming"], world["past"]
    posts = [
        (secretary, reverse("meetings:meeting_create"), {"title": ""}),
        (
            secretary,
            reverse("meetings:meeting_create"),
            {
                "organization": county.branch1.pk,
                "kind": upcoming.kind_id,
                "title": "Evening meeting",
                "starts_at": "2026-12-01T20:00",
                "ends_at": "2026-12-01T19:00",
                "place": "Room 1",
            },
        ),
        (secretary, reverse("meetings:meeting_cancel", args=[upcoming.pk]), {"reason": ""}),
        (secretary, reverse("meetings:minutes_revise", args=[past.pk]), {"text": "x"}),
        (secretary, reverse("meetings:attachment_upload", args=[past.pk]), {"caption": "x"}),
        (secretary, reverse("meetings:activity_create"), {"title": "Picnic"}),
        (secretary, reverse("meetings:activity_cancel", args=[world["sports"].pk]), {"x": ""}),
        (
            secretary,
            reverse("meetings:activity_report", args=[world["cleanup"].pk]),
            {"report": "x" * 5001},
        ),
        (officer, reverse("meetings:pairing_create"), {"goals": "More"}),
        (officer, reverse("meetings:pairing_end", args=[world["pairing"].pk]), {"ended_on": ""}),
        (officer, reverse("meetings:rule_create"), {"min_count": "0"}),
    ]
    leftovers = {}
    for user, url, data in posts:
        english_client.force_login(user)
        response = english_client.post(url, data)
        assert response.status_code in (200, 400), url
        html = response.content.decode()
        assert "invalid-feedback" in html or "alert-danger" in html, url
        if left := cjk_left(html, page_data(user)):
            leftovers[url] = left
    assert leftovers == {}, "\n".join(f"{url}: {left}" for url, left in leftovers.items())


def test_the_joint_activity_form_in_english(english_client, world):
    pairing, joint = world["pairing"], world["joint"]
    urls = [
        reverse("meetings:activity_create") + f"?pairing={pairing.pk}",
        reverse("meetings:activity_edit", args=[joint.pk]),
    ]
    assert_english(english_client, world["officer"], urls)
