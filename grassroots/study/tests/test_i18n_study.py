"""The study pages in English: a member's and a secretary's main pages leave no Chinese but the
data (names of people and organizations, titles and texts that people typed)."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from grassroots.core import checkin
from grassroots.core.tests.test_i18n import CJK, chinese_left_on, page_data
from grassroots.study import models as study_models
from grassroots.study.enums import MaterialKind, ReflectionStatus
from grassroots.study.models import Attendance
from grassroots.study.services.hours import current_targets
from grassroots.study.tests.factories import (
    MakeUpFactory,
    SelfStudyFactory,
    StudyPlanFactory,
    StudyYearFactory,
    member_with_account,
    pdf_file,
    session_with,
)
from grassroots.study.tests.library_factories import MaterialFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


def study_data(user) -> list[str]:
    """page_data and every text people typed into the study records."""
    data = page_data(user)
    for model in (
        study_models.StudyPlan,
        study_models.StudySession,
        study_models.Attendance,
        study_models.MakeUp,
        study_models.SelfStudy,
        study_models.Material,
        study_models.MaterialTag,
        study_models.Reflection,
        study_models.ReflectionEvent,
    ):
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields):
            data += [value for value in row if value]
    # The position keywords that make a leader are matched against Chinese titles: data.
    data.append(",".join(current_targets().keywords))
    # Texts are shown shortened, or one line at a time.
    for value in list(data):
        for width in (60, 80, 120, 140):
            data += Truncator(value).chars(width).splitlines()
        data += value.splitlines()
    return [value.strip() for value in data if CJK.search(value)]


@pytest.fixture
def branch(county, make_user):
    member = member_with_account(make_user, county.branch1, name="张三")
    colleague = member_with_account(make_user, county.branch1, name="李四")
    secretary = member_with_account(make_user, county.branch1, "branch_secretary", name="王书记")
    plan = StudyPlanFactory(organization=county.branch1)
    material = MaterialFactory(
        organization=county.branch1, title="党章学习辅导", kind=MaterialKind.LINK, body=""
    )
    material.link = "https://example.org/dangzhang"
    material.save()
    material.tags.create(name="党章")
    past = session_with(
        [member.person, colleague.person],
        starts_at=timezone.now() - timedelta(days=2),
        plan=plan,
        title="学习新修订的党章",
    )
    past.materials.add(material)
    Attendance.objects.filter(session=past, person=member.person).update(status="absent")
    Attendance.objects.filter(session=past, person=colleague.person).update(
        status="present", signed_in_at=past.starts_at
    )
    makeup = MakeUpFactory(
        attendance=Attendance.objects.get(session=past, person=member.person), file=pdf_file()
    )
    upcoming = session_with(
        [member.person, colleague.person], title="专题党课", teacher="赵老师", place="二楼会议室"
    )
    entry = SelfStudyFactory(person=member.person, file=pdf_file())
    reflection = ReflectionFactory(person=member.person, session=past)
    excellent = ReflectionFactory(
        person=colleague.person,
        status=ReflectionStatus.EXCELLENT,
        shared=True,
        reviewed_at=timezone.now(),
    )
    for user, total in ((member, "4"), (colleague, "30"), (secretary, "12")):
        StudyYearFactory(person=user.person, branch=Decimal(total), total=Decimal(total))
    return {
        "member": member,
        "secretary": secretary,
        "plan": plan,
        "material": material,
        "past": past,
        "upcoming": upcoming,
        "makeup": makeup,
        "entry": entry,
        "reflection": reflection,
        "excellent": excellent,
    }


def left_in_english(client, user, url, *, status=200) -> list[str]:
    client.force_login(user)
    return chinese_left_on(client, url, study_data(user), status=status)


def assert_english(client, user, urls) -> None:
    leftovers = {url: left for url in urls if (left := left_in_english(client, user, url))}
    assert leftovers == {}


def test_member_pages_in_english(english_client, branch):
    member = branch["member"]
    urls = [
        reverse("study:sessions"),
        reverse("study:sessions") + "?when=past",
        reverse("study:session_detail", args=[branch["past"].pk]),
        reverse("study:session_detail", args=[branch["upcoming"].pk]),
        reverse("study:leave_request", args=[branch["upcoming"].pk]),
        reverse("study:my_hours"),
        reverse("study:self_study_create"),
        reverse("study:self_study_detail", args=[branch["entry"].pk]),
        reverse("study:makeup_submit", args=[branch["makeup"].attendance_id]),
        reverse("study:makeup_detail", args=[branch["makeup"].pk]),
        reverse("study:material_list"),
        reverse("study:material_detail", args=[branch["material"].pk]),
        reverse("study:my_reflections"),
        reverse("study:reflection_create"),
        reverse("study:reflection_detail", args=[branch["reflection"].pk]),
        reverse("study:reflection_edit", args=[branch["reflection"].pk]),
        reverse("study:reflection_excellent"),
        reverse("core:home"),
        reverse("orgs:person_detail", args=[member.person_id]),
    ]
    assert_english(english_client, member, urls)


def test_a_check_in_in_english(english_client, branch):
    running = session_with(
        [branch["member"].person],
        starts_at=timezone.now() - timedelta(minutes=5),
        title="正在进行的学习",
    )
    token = quote(checkin.make_token("study", running.pk, "in"))
    url = reverse("study:checkin", args=[running.pk]) + f"?t={token}"
    member = branch["member"]
    assert left_in_english(english_client, member, url) == []
    assert Attendance.objects.get(session=running).status == "present"
    assert left_in_english(english_client, member, url) == []  # the second scan: already signed in
    assert left_in_english(english_client, member, url.replace("?t=", "?t=x"), status=400) == []


def test_secretary_pages_in_english(english_client, county, branch):
    urls = [
        reverse("study:sessions"),
        reverse("study:session_detail", args=[branch["past"].pk]),
        reverse("study:session_create"),
        reverse("study:session_edit", args=[branch["upcoming"].pk]),
        reverse("study:session_cancel", args=[branch["upcoming"].pk]),
        reverse("study:session_qr", args=[branch["upcoming"].pk]),
        reverse("study:plans"),
        reverse("study:plan_create"),
        reverse("study:plan_detail", args=[branch["plan"].pk]),
        reverse("study:review_queue"),
        reverse("study:review_queue") + "?tab=self",
        reverse("study:makeup_detail", args=[branch["makeup"].pk]),
        reverse("study:self_study_detail", args=[branch["entry"].pk]),
        reverse("study:ledger"),
        reverse("study:ledger") + "?show=behind",
        reverse("study:material_create"),
        reverse("study:material_edit", args=[branch["material"].pk]),
        reverse("study:material_delete", args=[branch["material"].pk]),
        reverse("study:reflection_queue"),
        reverse("study:reflection_detail", args=[branch["reflection"].pk]),
        reverse("core:home"),
    ]
    assert_english(english_client, branch["secretary"], urls)


def test_officer_pages_in_english(english_client, county, make_user, branch):
    urls = [
        reverse("study:ledger") + f"?org={county.root.pk}",
        reverse("study:compare") + f"?org={county.root.pk}",
        reverse("study:targets"),
    ]
    assert_english(english_client, make_user("org_dept_admin", county.root), urls)
