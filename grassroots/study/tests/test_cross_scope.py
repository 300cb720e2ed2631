"""Crafted addresses: every page of the study app that names a record, asked for by the secretary
of another branch and by another member of the same branch, answers 403 or 404 and changes
nothing; the same addresses work for those whose record it is (so the probe reaches the pages)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.study.enums import MaterialKind
from grassroots.study.models import (
    Attendance,
    HoursCredit,
    MakeUp,
    Material,
    Reflection,
    SelfStudy,
    StudyPlan,
    StudySession,
)
from grassroots.study.tests.factories import (
    MakeUpFactory,
    SelfStudyFactory,
    StudyPlanFactory,
    member_with_account,
    pdf_file,
    session_with,
)
from grassroots.study.tests.library_factories import MaterialFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row the probed pages could change, as plain values."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            StudyPlan,
            StudySession,
            Attendance,
            MakeUp,
            SelfStudy,
            HoursCredit,
            Material,
            Reflection,
        )
    ]


@pytest.fixture
def branch1(county, make_user):
    """Records of the first branch: a member's past session with a make-up (and its file), a
    self-study entry with a file, a reflection, a plan, a running session, a material."""
    member = member_with_account(make_user, county.branch1)
    past = session_with([member.person], starts_at=timezone.now() - timedelta(days=1))
    attendance = past.attendances.get()
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    makeup = MakeUpFactory(attendance=attendance, file=pdf_file())
    running = session_with(
        [member.person],
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    material = MaterialFactory(organization=county.branch1, kind=MaterialKind.DOCUMENT, body="")
    material.file = pdf_file()
    material.file_kind = "pdf"
    material.save()
    return {
        "member": member,
        "past": past,
        "running": running,
        "attendance": attendance,
        "running_attendance": running.attendances.get(),
        "makeup": makeup,
        "entry": SelfStudyFactory(person=member.person, status="returned", file=pdf_file()),
        "reflection": ReflectionFactory(person=member.person),
        "plan": StudyPlanFactory(organization=county.branch1),
        "material": material,
    }


def probes(r):
    """(method, url, data) of every page naming one of the records."""
    past, running = r["past"].pk, r["running"].pk
    mark = reverse("study:attendance_mark", args=[running, r["running_attendance"].pk])
    return [
        ("get", reverse("study:session_edit", args=[running]), None),
        ("post", reverse("study:session_edit", args=[running]), {"title": "改了"}),
        ("post", reverse("study:session_cancel", args=[running]), {"confirm": "on"}),
        ("post", reverse("study:session_close", args=[past]), {}),
        ("get", reverse("study:session_qr", args=[running]), None),
        ("get", reverse("study:session_qr_code", args=[running]), None),
        ("post", mark, {"status": "present"}),
        ("post", reverse("study:leave_request", args=[running]), {"reason": "代请假"}),
        ("post", reverse("study:leave_withdraw", args=[running]), {}),
        ("get", reverse("study:plan_detail", args=[r["plan"].pk]), None),
        ("post", reverse("study:plan_edit", args=[r["plan"].pk]), {"title": "改了"}),
        ("get", reverse("study:makeup_submit", args=[r["attendance"].pk]), None),
        ("post", reverse("study:makeup_submit", args=[r["attendance"].pk]), {"note": "代补"}),
        ("get", reverse("study:makeup_detail", args=[r["makeup"].pk]), None),
        ("post", reverse("study:makeup_detail", args=[r["makeup"].pk]), {"decision": "approve"}),
        ("get", reverse("study:makeup_file", args=[r["makeup"].pk]), None),
        ("get", reverse("study:self_study_detail", args=[r["entry"].pk]), None),
        ("post", reverse("study:self_study_edit", args=[r["entry"].pk]), {"title": "改了"}),
        ("post", reverse("study:self_study_withdraw", args=[r["entry"].pk]), {}),
        ("get", reverse("study:self_study_file", args=[r["entry"].pk]), None),
        ("get", reverse("study:reflection_detail", args=[r["reflection"].pk]), None),
        ("post", reverse("study:reflection_edit", args=[r["reflection"].pk]), {"title": "改"}),
        (
            "post",
            reverse("study:reflection_review", args=[r["reflection"].pk]),
            {"action": "accepted"},
        ),
        ("post", reverse("study:reflection_share", args=[r["reflection"].pk]), {"shared": "1"}),
        ("post", reverse("study:material_edit", args=[r["material"].pk]), {"title": "改了"}),
        ("post", reverse("study:material_delete", args=[r["material"].pk]), {}),
        ("get", reverse("study:ledger_export") + f"?org={r['plan'].organization_id}", None),
        ("get", reverse("study:compare") + f"?org={r['plan'].organization_id}", None),
    ]


def test_the_secretary_of_another_branch_gets_nothing(client, county, make_user, branch1):
    outsider = make_user("branch_secretary", county.branch2)
    client.force_login(outsider)
    before = snapshot()
    for method, url, data in probes(branch1):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    # Objects the library and ledger would also hand out through a crafted address.
    for url in (
        reverse("study:material_detail", args=[branch1["material"].pk]),
        reverse("study:material_download", args=[branch1["material"].pk]),
        reverse("study:ledger") + f"?org={county.branch1.pk}",
        reverse("study:session_detail", args=[branch1["running"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert snapshot() == before


def test_another_member_of_the_branch_gets_nothing_of_a_colleague(
    client, county, make_user, branch1
):
    colleague = member_with_account(make_user, county.branch1)
    client.force_login(colleague)
    before = snapshot()
    for method, url, data in probes(branch1):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    # The colleague cannot sign in to a session they are not expected at, by a valid code.
    token = quote(checkin.make_token("study", branch1["running"].pk, "in"))
    response = client.get(reverse("study:checkin", args=[branch1["running"].pk]) + f"?t={token}")
    assert response.status_code == 400
    assert snapshot() == before


def test_the_probed_pages_answer_their_owners(client, county, make_user, branch1):
    """The same addresses, read by those whose records they are: the probe is not a typo."""
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)
    for name, pk in (
        ("study:session_edit", branch1["running"].pk),
        ("study:session_qr", branch1["running"].pk),
        ("study:plan_detail", branch1["plan"].pk),
        ("study:makeup_detail", branch1["makeup"].pk),
        ("study:makeup_file", branch1["makeup"].pk),
        ("study:self_study_file", branch1["entry"].pk),
        ("study:reflection_detail", branch1["reflection"].pk),
        ("study:material_edit", branch1["material"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
    client.force_login(branch1["member"])
    for name, pk in (
        ("study:makeup_submit", branch1["attendance"].pk),
        ("study:self_study_edit", branch1["entry"].pk),
        ("study:reflection_edit", branch1["reflection"].pk),
        ("study:material_download", branch1["material"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
