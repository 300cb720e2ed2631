"""Activity pages: who sees and manages what (another branch's secretary gets 404, a member
cannot manage), signing up and cancelling from the page, the QR check-in, photos, the report,
and query budgets of the list and the sign-up table."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.core.testing import queries_of
from grassroots.meetings.models import Activity, ActivityPhoto, ActivitySignup
from grassroots.meetings.services import activities as services

from .test_activities_support import activity_of, member, png_file, running

pytestmark = pytest.mark.django_db


@pytest.fixture
def one(county, make_user):
    return member(make_user, county.branch1)


def detail(activity):
    return reverse("meetings:activity_detail", args=[activity.pk])


def checkin_url(activity, token=None):
    token = token or checkin.make_token("activity", activity.pk)
    return reverse("meetings:activity_checkin", args=[activity.pk]) + "?t=" + quote(token)


# --- Who sees what ------------------------------------------------------------------------


def test_member_list_shows_activities_on_their_path(client, county, one):
    activity_of(county.branch1, title="本支部活动")
    activity_of(county.justice, title="总支活动")
    activity_of(county.root, title="全县活动")
    activity_of(county.branch2, title="二支部活动")
    activity_of(county.community, title="社区活动")
    client.force_login(one)
    page = client.get(reverse("meetings:activity_list")).content.decode()
    assert "本支部活动" in page and "总支活动" in page and "全县活动" in page
    assert "二支部活动" not in page and "社区活动" not in page
    assert "发布活动" not in page


def test_secretary_list_is_their_subtree(client, county, secretary):
    activity_of(county.branch1, title="本支部活动")
    activity_of(county.branch2, title="二支部活动")
    client.force_login(secretary)
    page = client.get(reverse("meetings:activity_list")).content.decode()
    assert "本支部活动" in page and "二支部活动" not in page


def test_list_filters(client, county, secretary):
    activity_of(county.branch1, title="运动会")
    activity_of(county.branch1, title="义务植树", kind="volunteer", volunteer_hours=2)
    activity_of(county.branch1, title="已取消的", status="cancelled")
    client.force_login(secretary)
    url = reverse("meetings:activity_list")
    page = client.get(url, {"kind": "volunteer"}).content.decode()
    assert "义务植树" in page and "运动会" not in page
    page = client.get(url, {"status": "cancelled"}).content.decode()
    assert "已取消的" in page and "运动会" not in page


def test_other_branch_secretary_gets_404(client, county, make_user):
    activity = activity_of(county.branch1)
    client.force_login(make_user("branch_secretary", county.branch2))
    for name in ("activity_detail", "activity_edit", "activity_cancel", "activity_qr"):
        assert client.get(reverse(f"meetings:{name}", args=[activity.pk])).status_code == 404
    assert client.post(reverse("meetings:activity_held", args=[activity.pk])).status_code == 404


def test_member_cannot_manage(client, county, one):
    activity = activity_of(county.branch1)
    client.force_login(one)
    assert client.get(reverse("meetings:activity_create")).status_code == 403
    assert client.get(detail(activity)).status_code == 200
    for name in ("activity_edit", "activity_cancel", "activity_qr", "activity_report"):
        assert client.get(reverse(f"meetings:{name}", args=[activity.pk])).status_code == 404
    response = client.post(
        reverse("meetings:activity_signup_manage", args=[activity.pk]),
        {"person": one.person_id},
    )
    assert response.status_code == 404
    assert not ActivitySignup.objects.exists()


# --- Create, sign up, cancel -----------------------------------------------------------------


def test_create_from_the_form(client, county, secretary):
    client.force_login(secretary)
    starts = timezone.localtime() + timedelta(days=3)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "organization": county.branch1.pk,
        "kind": "volunteer",
        "title": "敬老院志愿服务",
        "starts_at": starts.strftime(fmt),
        "ends_at": (starts + timedelta(hours=3)).strftime(fmt),
        "signup_deadline": (starts - timedelta(days=1)).strftime(fmt),
        "place": "城关镇敬老院",
        "capacity": "10",
        "volunteer_hours": "",
        "description": "",
    }
    response = client.post(reverse("meetings:activity_create"), data)
    assert response.status_code == 200
    assert "志愿服务活动请填写每人计入的时长" in response.content.decode()
    assert not Activity.objects.exists()
    data["volunteer_hours"] = "3"
    response = client.post(reverse("meetings:activity_create"), data)
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == detail(activity)


def test_sign_up_and_cancel_from_the_page(client, county, one):
    activity = activity_of(county.branch1, capacity=1)
    client.force_login(one)
    page = client.get(detail(activity)).content.decode()
    assert "我要报名" in page
    client.post(reverse("meetings:activity_signup", args=[activity.pk]))
    signup = ActivitySignup.objects.get()
    assert signup.status == "confirmed"
    page = client.get(detail(activity)).content.decode()
    assert "取消报名" in page
    client.post(reverse("meetings:activity_signup_cancel", args=[activity.pk]))
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_waiting_member_sees_their_place_in_line(client, county, make_user):
    activity = activity_of(county.branch1, capacity=1)
    first, second = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=first)
    client.force_login(second)
    assert "报名候补" in client.get(detail(activity)).content.decode()
    client.post(reverse("meetings:activity_signup", args=[activity.pk]))
    page = client.get(detail(activity)).content.decode()
    assert "候补第 1 位" in page


def test_sign_up_after_deadline_shows_the_reason(client, county, one):
    activity = activity_of(county.branch1)
    Activity.objects.filter(pk=activity.pk).update(
        signup_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(one)
    response = client.post(reverse("meetings:activity_signup", args=[activity.pk]), follow=True)
    assert "报名已于" in response.content.decode()
    assert not ActivitySignup.objects.exists()


def test_manager_adds_and_removes_by_hand(client, county, secretary, one):
    activity = activity_of(county.branch1)
    client.force_login(secretary)
    url = reverse("meetings:activity_signup_manage", args=[activity.pk])
    client.post(url, {"person": one.person_id})
    signup = ActivitySignup.objects.get()
    assert signup.by_hand
    page = client.get(detail(activity)).content.decode()
    assert one.person.name in page
    client.post(url, {"remove": signup.pk})
    signup.refresh_from_db()
    assert signup.status == "cancelled"


# --- Check-in --------------------------------------------------------------------------------


def test_qr_screen_and_scan(client, county, secretary, one):
    activity = activity_of(county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    running(activity)
    client.force_login(secretary)
    screen = client.get(reverse("meetings:activity_qr", args=[activity.pk]))
    assert screen.status_code == 200 and b"<svg" in screen.content
    assert client.get(reverse("meetings:activity_qr_code", args=[activity.pk])).status_code == 200
    client.force_login(one)
    response = client.get(checkin_url(activity))
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    response = client.get(checkin_url(activity))
    assert "无需重复签到" in response.content.decode()
    activity.refresh_from_db()
    assert activity.present_count == 1


def test_scan_requires_login_and_a_valid_code(client, county, one):
    activity = running(activity_of(county.branch1))
    response = client.get(checkin_url(activity))
    assert response.status_code == 302 and "login" in response.url
    client.force_login(one)
    response = client.get(checkin_url(activity, token="forged"))
    assert response.status_code == 400
    other = activity_of(county.branch1)
    response = client.get(checkin_url(activity, checkin.make_token("activity", other.pk)))
    assert "另一场活动" in response.content.decode()
    study_token = checkin.make_token("study", activity.pk)
    assert client.get(checkin_url(activity, study_token)).status_code == 400


def test_scan_by_waiting_or_unregistered_person_is_told(client, county, make_user):
    activity = activity_of(county.branch1, capacity=1)
    first, second, third = (member(make_user, county.branch1) for _ in range(3))
    services.activity_sign_up(activity=activity, actor=first)
    services.activity_sign_up(activity=activity, actor=second)
    running(activity)
    client.force_login(second)
    response = client.get(checkin_url(activity))
    assert response.status_code == 400 and "候补名单" in response.content.decode()
    client.force_login(third)
    response = client.get(checkin_url(activity))
    assert response.status_code == 400 and "没有报名" in response.content.decode()


def test_manual_check_in_and_held(client, county, secretary, one):
    activity = activity_of(county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    running(activity)
    signup = ActivitySignup.objects.get()
    client.force_login(secretary)
    client.post(
        reverse("meetings:activity_checkin_mark", args=[activity.pk, signup.pk]), {"present": "1"}
    )
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    client.post(reverse("meetings:activity_held", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == "held"


# --- Photos and the report ---------------------------------------------------------------------


def test_photo_upload_and_gallery(client, county, secretary, one):
    activity = activity_of(county.branch1)
    client.force_login(secretary)
    url = reverse("meetings:activity_photo_upload", args=[activity.pk])
    response = client.post(url, {"image": png_file(), "caption": "合影"})
    assert response.status_code == 302
    photo = ActivityPhoto.objects.get()
    bad = client.post(url, {"image": png_file(name="合影.jpg")})
    assert bad.status_code == 400 and "扩展名不符" in bad.content.decode()
    client.force_login(one)  # a member who may see the activity sees its photos
    thumb = client.get(reverse("meetings:activity_photo_thumb", args=[activity.pk, photo.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert "sandbox" in thumb["Content-Security-Policy"]
    full = client.get(reverse("meetings:activity_photo", args=[activity.pk, photo.pk]))
    assert full["Content-Type"] == "image/png"
    assert client.post(url, {"image": png_file()}).status_code == 404


def test_photo_of_other_branch_is_404(client, county, make_user):
    activity = activity_of(county.branch1)
    photo = services.activity_photo_add(
        activity=activity, actor=make_user("branch_secretary", county.branch1), image=png_file()
    )
    client.force_login(member(make_user, county.branch2))
    url = reverse("meetings:activity_photo_thumb", args=[activity.pk, photo.pk])
    assert client.get(url).status_code == 404


def test_report_page(client, county, secretary):
    activity = running(activity_of(county.branch1))
    client.force_login(secretary)
    url = reverse("meetings:activity_report", args=[activity.pk])
    assert client.post(url, {"report": "共 30 人参加。"}).status_code == 302
    assert "共 30 人参加。" in client.get(detail(activity)).content.decode()


def test_my_activities(client, county, one):
    mine = activity_of(county.branch1, title="我报名的")
    activity_of(county.branch1, title="没报名的")
    services.activity_sign_up(activity=mine, actor=one)
    client.force_login(one)
    page = client.get(reverse("meetings:my_activities")).content.decode()
    assert "我报名的" in page and "没报名的" not in page


# --- Query budgets -----------------------------------------------------------------------------


def test_list_costs_the_same_for_many_rows(client, county, secretary, one):
    client.force_login(one)
    url = reverse("meetings:activity_list")
    for _i in range(2):
        services.activity_sign_up(activity=activity_of(county.branch1), actor=one)
    few = queries_of(client, url)
    for _i in range(10):
        services.activity_sign_up(activity=activity_of(county.branch1), actor=one)
        activity_of(county.root)
    assert queries_of(client, url) == few
    client.force_login(secretary)
    few = queries_of(client, url)
    activity_of(county.branch1)
    activity_of(county.branch1, kind="volunteer", volunteer_hours=1)
    assert queries_of(client, url) == few


def test_my_activities_costs_the_same_for_many_sign_ups(client, county, one):
    client.force_login(one)
    url = reverse("meetings:my_activities")
    for _i in range(2):
        services.activity_sign_up(activity=activity_of(county.branch1), actor=one)
    few = queries_of(client, url)
    for _i in range(10):
        services.activity_sign_up(activity=activity_of(county.justice), actor=one)
    assert queries_of(client, url) == few
    page = client.get(url).content.decode()
    assert page.count('data-testid="my-activity-row"') == 12


def test_detail_costs_the_same_for_many_sign_ups(client, county, secretary, make_user):
    activity = activity_of(county.branch1, capacity=3)
    client.force_login(secretary)
    for _i in range(2):
        services.activity_sign_up(activity=activity, actor=member(make_user, county.branch1))
    services.activity_photo_add(activity=activity, actor=secretary, image=png_file())
    few = queries_of(client, detail(activity))
    for _i in range(10):
        services.activity_sign_up(activity=activity, actor=member(make_user, county.branch1))
    services.activity_photo_add(activity=activity, actor=secretary, image=png_file())
    assert queries_of(client, detail(activity)) == few


def test_manager_pages_render(client, county, secretary):
    activity = activity_of(county.branch1)
    client.force_login(secretary)
    for name in ("activity_edit", "activity_cancel", "activity_report", "activity_photo_upload"):
        response = client.get(reverse(f"meetings:{name}", args=[activity.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("meetings:activity_create")).status_code == 200
    response = client.post(
        reverse("meetings:activity_cancel", args=[activity.pk]),
        {"reason": "场地维修", "confirm": "on"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "cancelled"
    # A cancelled activity cannot be edited any more.
    response = client.get(reverse("meetings:activity_edit", args=[activity.pk]))
    assert response.status_code == 302


def test_account_without_person(client, county, make_user):
    user = make_user()
    client.force_login(user)
    assert "未关联人员" in client.get(reverse("meetings:volunteer_mine")).content.decode()
    assert "未关联人员" in client.get(reverse("meetings:my_activities")).content.decode()
    assert client.get(reverse("meetings:activity_list")).status_code == 200


def test_joint_activity_is_open_to_both_sides(client, county, make_user):
    from grassroots.meetings.models import Pairing
    from grassroots.orgs.tests.factories import PersonFactory

    today = timezone.localdate()
    pairing = Pairing.objects.create(
        kind="cobuild",
        unit=county.dept,
        partner=county.community,
        unit_contact=PersonFactory(primary_org=county.dept),
        partner_contact=PersonFactory(primary_org=county.community),
        starts_on=today,
        ends_on=today + timedelta(days=365),
    )
    activity = activity_of(county.dept, title="共建志愿活动", pairing=pairing)
    resident = member(make_user, county.community)
    client.force_login(resident)
    assert "共建志愿活动" in client.get(reverse("meetings:activity_list")).content.decode()
    client.post(reverse("meetings:activity_signup", args=[activity.pk]))
    assert ActivitySignup.objects.get().person == resident.person
    # The partner side's secretary sees the joint activity, but manages only their own.
    client.force_login(make_user("branch_secretary", county.community))
    assert client.get(detail(activity)).status_code == 200
    assert client.get(reverse("meetings:activity_edit", args=[activity.pk])).status_code == 404
    client.force_login(make_user("branch_secretary", county.branch2))
    assert client.get(detail(activity)).status_code == 404


def test_sign_up_list_shows_the_waiting_order(client, county, secretary, make_user):
    activity = activity_of(county.branch1, capacity=1)
    people = [member(make_user, county.branch1) for _ in range(3)]
    for user in people:
        services.activity_sign_up(activity=activity, actor=user)
    client.force_login(secretary)
    page = client.get(detail(activity)).content.decode()
    assert "第 1 位" in page and "第 2 位" in page
    assert page.index(people[1].person.name) < page.index(people[2].person.name)
    page = client.get(detail(activity), {"status": "waiting"}).content.decode()
    assert "第 1 位" in page and people[0].person.name not in page.split('id="signup-table"')[1]
