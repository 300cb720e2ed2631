"""Helpers of the activity tests (no tests here): activities, members with accounts, photos."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.meetings.models import Activity
from grassroots.orgs.tests.factories import PersonFactory


def member(make_user, organization, role=None, role_org=None):
    """A person of `organization` with an account (and `role` on `role_org`, if given)."""
    person = PersonFactory(primary_org=organization)
    if role:
        return make_user(role, role_org or organization, person=person)
    return make_user(person=person)


def activity_of(organization, **extra) -> Activity:
    """An open activity tomorrow (sign-up until an hour before), saved directly."""
    now = timezone.now()
    starts = extra.pop("starts_at", now + timedelta(days=1))
    values = {
        "kind": "culture",
        "title": "职工趣味运动会",
        "place": "县体育馆",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "signup_deadline": starts - timedelta(hours=1),
        "volunteer_hours": Decimal("0"),
    }
    values.update(extra)
    return Activity.objects.create(organization=organization, **values)


def volunteer_activity(organization, hours="2.5", **extra) -> Activity:
    extra.setdefault("title", "社区环境整治志愿服务")
    return activity_of(organization, kind="volunteer", volunteer_hours=Decimal(hours), **extra)


def running(activity: Activity) -> Activity:
    """Move an activity so that it is going on now (check-in open)."""
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        signup_deadline=now - timedelta(hours=1),
    )
    activity.refresh_from_db()
    return activity


def png_file(name="合影.png", size=(64, 48)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
