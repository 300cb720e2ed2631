"""Minutes of a meeting: a draft only managers see, publishing once (with its refusals and the
notices), revisions that keep the earlier versions, and who may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.meetings.models import Meeting, Minutes, MinutesRevision
from grassroots.meetings.services import minutes as services
from grassroots.meetings.tests.test_attendance_support import login, meeting_of, member
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(county, make_user):
    return member(make_user, county.branch1, "branch_secretary")


@pytest.fixture
def meeting(county, alice, secretary):
    no_account = PersonFactory(primary_org=county.branch1)
    return meeting_of(county.branch1, [alice.person, secretary.person, no_account])


def detail_url(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def test_a_draft_is_seen_by_managers_only(client, meeting, secretary, alice):
    services.minutes_save_draft(
        meeting=meeting,
        text="  讨论了发展党员工作。 ",
        decisions="同意张三为积极分子\n\n",
        actor=secretary,
    )
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.text, minutes.decisions, minutes.revision) == (
        "讨论了发展党员工作。",
        "同意张三为积极分子",
        0,
    )
    body = login(client, secretary).get(detail_url(meeting)).content.decode()
    assert "讨论了发展党员工作" in body and 'data-testid="minutes-publish"' in body
    body = login(client, alice).get(detail_url(meeting)).content.decode()
    assert "讨论了发展党员工作" not in body and 'data-testid="minutes-empty"' in body
    assert not Notification.objects.exists()


def test_publishing_once_tells_the_list_and_freezes_the_draft(
    client, django_capture_on_commit_callbacks, meeting, secretary, alice
):
    services.minutes_save_draft(
        meeting=meeting, text="会议内容", decisions="决议一", actor=secretary
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(meeting=meeting, actor=secretary)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.revision == 1 and minutes.published_at is not None
    first = MinutesRevision.objects.get(minutes=minutes)
    assert (first.number, first.text, first.decisions, first.published_by) == (
        1,
        "会议内容",
        "决议一",
        secretary,
    )
    # Everyone on the list with an account, except the publisher.
    notices = list(Notification.objects.all())
    assert [n.recipient for n in notices] == [alice]
    assert "会议记录已发布" in notices[0].title and notices[0].url == detail_url(meeting)
    with pytest.raises(ValidationError) as error:
        services.minutes_save_draft(meeting=meeting, text="改", decisions="", actor=secretary)
    assert "不能直接修改" in str(error.value)
    with pytest.raises(ValidationError):
        services.minutes_publish(meeting=meeting, actor=secretary)
    assert MinutesRevision.objects.count() == 1
    # Now the member reads it.
    body = login(client, alice).get(detail_url(meeting)).content.decode()
    assert "会议内容" in body and "决议一" in body


def test_publish_refusals(county, meeting, secretary, alice):
    with pytest.raises(ValidationError) as error:  # nothing written
        services.minutes_publish(meeting=meeting, actor=secretary)
    assert "会议记录为空" in str(error.value)
    with pytest.raises(ValidationError):
        services.minutes_publish(meeting=meeting, actor=secretary, text="   ", decisions="")
    upcoming = meeting_of(
        county.branch1, [alice.person], starts_at=timezone.now() + timedelta(days=1)
    )
    services.minutes_save_draft(meeting=upcoming, text="预备", decisions="", actor=secretary)
    with pytest.raises(ValidationError) as error:
        services.minutes_publish(meeting=upcoming, actor=secretary)
    assert "会议召开后才能发布" in str(error.value)
    # Held early (marked held before its start time): publishing is allowed.
    Meeting.objects.filter(pk=upcoming.pk).update(status="held")
    services.minutes_publish(meeting=upcoming, actor=secretary)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as error:
        services.minutes_publish(meeting=meeting, actor=secretary, text="内容", decisions="")
    assert "已取消" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.minutes_publish(meeting=upcoming, actor=alice)
    assert MinutesRevision.objects.count() == 1


def test_a_revision_keeps_the_old_one(
    client, county, django_capture_on_commit_callbacks, meeting, secretary, alice
):
    services.minutes_publish(meeting=meeting, actor=secretary, text="原记录", decisions="甲")
    with pytest.raises(ValidationError) as error:
        services.minutes_revise(
            meeting=meeting, text="新记录", decisions="乙", reason=" ", actor=secretary
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.minutes_revise(
            meeting=meeting, text="原记录", decisions="甲", reason="无变化", actor=secretary
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_revise(
            meeting=meeting, text="新记录", decisions="乙\n丙", reason="补充决议", actor=secretary
        )
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.revision, minutes.text, minutes.decision_lines) == (2, "新记录", ["乙", "丙"])
    assert list(MinutesRevision.objects.values_list("number", "text", "reason")) == [
        (2, "新记录", "补充决议"),
        (1, "原记录", ""),
    ]
    assert "第 2 版" in Notification.objects.get(recipient=alice).title
    # Members list the versions and open the old one.
    login(client, alice)
    response = client.get(reverse("meetings:minutes_revisions", args=[meeting.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "补充决议" in body and "首次发布" in body
    response = client.get(reverse("meetings:minutes_revision_detail", args=[meeting.pk, 1]))
    assert response.status_code == 200 and "原记录" in response.content.decode()
    assert (
        client.get(reverse("meetings:minutes_revision_detail", args=[meeting.pk, 3])).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.minutes_revise(meeting=meeting, text="x", decisions="", reason="y", actor=alice)


def test_minutes_pages_refuse_members_and_other_branches(
    client, county, make_user, meeting, secretary, alice
):
    services.minutes_publish(meeting=meeting, actor=secretary, text="原记录", decisions="")
    login(client, alice)
    assert client.get(reverse("meetings:minutes_edit", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meetings:minutes_publish", args=[meeting.pk])).status_code == 403
    response = client.post(
        reverse("meetings:minutes_revise", args=[meeting.pk]),
        {"text": "篡改", "decisions": "", "reason": "想改"},
    )
    assert response.status_code == 403
    other = make_user("branch_secretary", county.branch2)
    login(client, other)
    for name in ("minutes_edit", "minutes_revise", "minutes_revisions"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    assert (
        client.get(reverse("meetings:minutes_revision_detail", args=[meeting.pk, 1])).status_code
        == 404
    )
    assert Minutes.objects.get(meeting=meeting).text == "原记录"


def test_the_minutes_pages_for_the_secretary(client, meeting, secretary):
    login(client, secretary)
    url = reverse("meetings:minutes_edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "草稿内容", "decisions": "", "save": "1"})
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).revision == 0
    response = client.post(url, {"text": "", "decisions": "", "publish": "1"})
    assert response.status_code == 200 and "会议记录为空" in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).revision == 0
    response = client.post(url, {"text": "正式内容", "decisions": "决议", "publish": "1"})
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).revision == 1
    # The draft page now leads to a revision.
    assert client.get(url).url == reverse("meetings:minutes_revise", args=[meeting.pk])
    revise = reverse("meetings:minutes_revise", args=[meeting.pk])
    response = client.post(revise, {"text": "更正内容", "decisions": "决议"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(revise, {"text": "更正内容", "decisions": "决议", "reason": "错别字"})
    assert response.status_code == 302
    body = client.get(detail_url(meeting)).content.decode()
    assert "更正内容" in body and "第 2 版" in body


def test_a_party_lecture_shows_its_lecturer_and_topic(client, county, secretary, alice):
    lecture = meeting_of(
        county.branch1,
        [alice.person],
        kind="party_lecture",
        lecturer="王书记",
        topic="学习贯彻党的二十届四中全会精神",
    )
    services.minutes_publish(meeting=lecture, actor=secretary, text="授课内容", decisions="")
    body = login(client, alice).get(detail_url(lecture)).content.decode()
    assert 'data-testid="lecture-info"' in body
    assert "王书记" in body and "学习贯彻党的二十届四中全会精神" in body
