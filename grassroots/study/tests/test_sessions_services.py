"""Services of plans, sessions, attendance and make-up study: each move, the refused ones, and
the hours each move credits or takes back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.notifications.models import Notification
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.enums import Audience, ReviewStatus, StudyKind, StudyMode
from grassroots.study.models import Attendance, HoursCredit, MakeUp, StudySession, StudyYear
from grassroots.study.services import sessions as services
from grassroots.study.tests.factories import (
    MakeUpFactory,
    StudyPlanFactory,
    fake_pdf,
    member_with_account,
    pdf_file,
    session_with,
)

pytestmark = pytest.mark.django_db


def hours_of(person, year=None) -> Decimal:
    year = year or timezone.localdate().year
    row = StudyYear.objects.filter(person=person, year=year).first()
    return row.total if row else Decimal("0")


def session_fields(**overrides):
    starts = overrides.pop("starts_at", timezone.now() + timedelta(days=2))
    fields = {
        "title": "学习党的二十大报告",
        "kind": StudyKind.BRANCH,
        "mode": StudyMode.IN_PERSON,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "党员活动室",
        "hours": Decimal("2"),
        "audience": Audience.MEMBERS,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def people(county):
    return {
        "a": PersonFactory(primary_org=county.branch1),
        "b": PersonFactory(primary_org=county.branch1),
        "left": PersonFactory(primary_org=county.branch1, status=PersonStatus.LEFT),
        "branch2": PersonFactory(primary_org=county.branch2),
        "justice": PersonFactory(primary_org=county.justice),
    }


# --- Plans ----------------------------------------------------------------------------------


def test_plan_create_and_once_a_year(county, secretary):
    plan = services.plan_create(
        organization=county.branch1,
        actor=secretary,
        year=timezone.localdate().year,
        title=" 年度学习计划 ",
        topics="党章\n党史",
        required_hours=Decimal("32"),
    )
    assert plan.title == "年度学习计划" and plan.created_by == secretary
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            organization=county.branch1,
            actor=secretary,
            year=plan.year,
            title="第二份",
            required_hours=Decimal("32"),
        )
    assert "已经存在" in str(exc.value.message_dict["year"])


def test_plan_refused_outside_scope_and_bad_hours(county, secretary):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            organization=county.branch2,
            actor=secretary,
            year=timezone.localdate().year,
            title="越权",
            required_hours=Decimal("32"),
        )
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            organization=county.branch1,
            actor=secretary,
            year=timezone.localdate().year,
            title="计划",
            required_hours=Decimal("0"),
        )
    assert "required_hours" in exc.value.message_dict


def test_plan_update(county, secretary):
    plan = StudyPlanFactory(organization=county.branch1)
    services.plan_update(plan=plan, actor=secretary, title="新标题", required_hours=Decimal("40"))
    plan.refresh_from_db()
    assert (plan.title, plan.required_hours) == ("新标题", Decimal("40"))


# --- Sessions: audience and counts -------------------------------------------------------------


def test_create_for_members_expects_the_active_people_of_the_organization(
    county, secretary, people
):
    session = services.session_create(
        organization=county.branch1, actor=secretary, **session_fields()
    )
    expected = set(session.attendances.values_list("person_id", flat=True))
    assert expected == {people["a"].pk, people["b"].pk}
    assert session.expected_count == 2 and session.present_count == 0
    assert set(session.attendances.values_list("status", flat=True)) == {"expected"}


def test_create_for_the_subtree(county, make_user, people):
    admin = make_user("committee_admin", county.justice)
    session = services.session_create(
        organization=county.justice,
        actor=admin,
        **session_fields(audience=Audience.SUBTREE, kind=StudyKind.TRAINING),
    )
    expected = set(session.attendances.values_list("person_id", flat=True))
    assert expected == {people[k].pk for k in ("a", "b", "branch2", "justice")}
    assert StudySession.objects.get(pk=session.pk).expected_count == 4


def test_create_for_hand_picked_people_within_scope_only(county, secretary, people):
    session = services.session_create(
        organization=county.branch1,
        actor=secretary,
        people=[people["a"]],
        **session_fields(audience=Audience.SELECTED),
    )
    assert list(session.attendances.values_list("person_id", flat=True)) == [people["a"].pk]
    for outside in (people["branch2"], people["left"]):
        with pytest.raises(ValidationError) as exc:
            services.session_create(
                organization=county.branch1,
                actor=secretary,
                people=[people["a"], outside],
                **session_fields(audience=Audience.SELECTED),
            )
        assert "people" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.session_create(
            organization=county.branch1,
            actor=secretary,
            people=[],
            **session_fields(audience=Audience.SELECTED),
        )


def test_create_refused_outside_scope_and_for_bad_input(county, secretary, make_user):
    member = member_with_account(make_user, county.branch1, "member")
    with pytest.raises(PermissionDenied):
        services.session_create(organization=county.branch1, actor=member, **session_fields())
    with pytest.raises(PermissionDenied):
        services.session_create(organization=county.branch2, actor=secretary, **session_fields())
    starts = timezone.now() + timedelta(days=1)
    bad = [
        ({"ends_at": starts - timedelta(hours=1), "starts_at": starts}, "ends_at"),
        ({"hours": Decimal("0")}, "hours"),
        ({"place": ""}, "place"),
        ({"mode": StudyMode.ONLINE, "place": "", "link": ""}, "link"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"title": "  "}, "title"),
    ]
    for overrides, field in bad:
        with pytest.raises(ValidationError) as exc:
            services.session_create(
                organization=county.branch1, actor=secretary, **session_fields(**overrides)
            )
        assert field in exc.value.message_dict, overrides
    assert not StudySession.objects.exists()


def test_plan_of_another_branch_cannot_be_linked(county, secretary):
    other = StudyPlanFactory(organization=county.branch2)
    county_plan = StudyPlanFactory(organization=county.root)
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            organization=county.branch1, actor=secretary, **session_fields(plan=other)
        )
    assert "plan" in exc.value.message_dict
    session = services.session_create(
        organization=county.branch1, actor=secretary, **session_fields(plan=county_plan)
    )
    assert session.plan == county_plan


def test_update_changes_the_audience_and_keeps_who_attended(county, secretary, people):
    session = services.session_create(
        organization=county.branch1,
        actor=secretary,
        people=[people["a"], people["b"]],
        **session_fields(audience=Audience.SELECTED, starts_at=timezone.now() - timedelta(hours=1)),
    )
    attendance_a = session.attendances.get(person=people["a"])
    services.attendance_mark(attendance=attendance_a, status="present", actor=secretary)
    extra = PersonFactory(primary_org=county.branch1)
    services.session_update(
        session=session, actor=secretary, people=[people["b"], extra], audience=Audience.SELECTED
    )
    session.refresh_from_db()
    # a attended and stays; b stays; the new person is expected.
    assert set(session.attendances.values_list("person_id", flat=True)) == {
        people["a"].pk,
        people["b"].pk,
        extra.pk,
    }
    assert (session.expected_count, session.present_count) == (3, 1)
    services.session_update(session=session, actor=secretary, people=[people["a"]])
    session.refresh_from_db()
    assert set(session.attendances.values_list("person_id", flat=True)) == {people["a"].pk}
    assert (session.expected_count, session.present_count) == (1, 1)


def test_update_of_hours_and_kind_moves_the_credited_hours(county, secretary, people):
    session = services.session_create(
        organization=county.branch1,
        actor=secretary,
        **session_fields(starts_at=timezone.now() - timedelta(hours=1)),
    )
    attendance = session.attendances.get(person=people["a"])
    services.attendance_mark(attendance=attendance, status="present", actor=secretary)
    assert hours_of(people["a"]) == Decimal("2")
    services.session_update(
        session=session, actor=secretary, hours=Decimal("3.5"), kind=StudyKind.TRAINING
    )
    row = StudyYear.objects.get(person=people["a"])
    assert (row.total, row.training, row.branch) == (Decimal("3.5"), Decimal("3.5"), Decimal("0"))
    assert HoursCredit.objects.filter(person=people["a"]).count() == 1


def test_cancel_notifies_the_expected_people_and_is_final(
    county, secretary, make_user, django_capture_on_commit_callbacks
):
    user = member_with_account(make_user, county.branch1)
    PersonFactory(primary_org=county.branch1)  # no account: nobody to tell
    session = services.session_create(
        organization=county.branch1, actor=secretary, **session_fields()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, actor=secretary, reason="与县委会议冲突")
    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancel_reason == "与县委会议冲突"
    note = Notification.objects.get(recipient=user)
    assert "已取消" in note.title and "与县委会议冲突" in note.body
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, actor=secretary)
    with pytest.raises(ValidationError):
        services.session_update(session=session, actor=secretary, title="再改")


def test_cancel_refused_once_someone_attended(county, secretary, people):
    session = services.session_create(
        organization=county.branch1,
        actor=secretary,
        **session_fields(starts_at=timezone.now() - timedelta(minutes=5)),
    )
    services.attendance_mark(
        attendance=session.attendances.get(person=people["a"]), status="present", actor=secretary
    )
    with pytest.raises(ValidationError) as exc:
        services.session_cancel(session=session, actor=secretary)
    assert "不能取消" in exc.value.messages[0]


# --- Signing in and out ------------------------------------------------------------------------


@pytest.fixture
def running(county, make_user):
    """A session that started 10 minutes ago, expecting a member with an account."""
    user = member_with_account(make_user, county.branch1)
    session = session_with(
        [user.person],
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    return session, user


def test_sign_in_counts_once_and_credits_once(running):
    session, user = running
    first = services.attendance_sign_in(session=session, actor=user)
    second = services.attendance_sign_in(session=session, actor=user)
    assert first.counted and not second.counted
    assert second.attendance.status == "present" and second.attendance.signed_in_at
    session.refresh_from_db()
    assert session.present_count == 1
    assert hours_of(user.person) == Decimal("2")
    assert HoursCredit.objects.filter(person=user.person).count() == 1


def test_sign_in_window(running):
    session, user = running
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(
            session=session, actor=user, now=session.starts_at - timedelta(minutes=31)
        )
    assert exc.value.code == "too_early"
    # 30 minutes before the start is already open.
    assert services.attendance_sign_in(
        session=session, actor=user, now=session.starts_at - timedelta(minutes=30)
    ).counted


def test_sign_in_after_the_end_is_refused(running):
    session, user = running
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(
            session=session, actor=user, now=session.ends_at + timedelta(seconds=1)
        )
    assert exc.value.code == "too_late" and "补学" in exc.value.messages[0]
    assert Attendance.objects.get(session=session).status == "expected"


def test_sign_in_refused_for_strangers_cancelled_sessions_and_accounts_without_person(
    running, county, make_user
):
    session, user = running
    stranger = member_with_account(make_user, county.branch1)
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(session=session, actor=stranger)
    assert exc.value.code == "not_expected"
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(session=session, actor=make_user())
    assert exc.value.code == "no_person"
    StudySession.objects.filter(pk=session.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(session=session, actor=user)
    assert exc.value.code == "cancelled"
    assert not HoursCredit.objects.exists()


def test_sign_in_from_leave_and_refused_when_marked_absent(running, county, make_user):
    session, user = running
    Attendance.objects.filter(session=session).update(status="leave", leave_reason="出差")
    result = services.attendance_sign_in(session=session, actor=user)
    assert result.counted and result.attendance.leave_reason == ""
    other = member_with_account(make_user, county.branch1)
    Attendance.objects.create(session=session, person=other.person, status="absent")
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(session=session, actor=other)
    assert exc.value.code == "marked_absent"


def test_sign_out_after_sign_in_once(running):
    session, user = running
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_out(session=session, actor=user)
    assert exc.value.code == "not_signed_in"
    services.attendance_sign_in(session=session, actor=user)
    assert services.attendance_sign_out(session=session, actor=user).counted
    again = services.attendance_sign_out(session=session, actor=user)
    assert not again.counted and again.attendance.signed_out_at
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_out(
            session=session, actor=user, now=session.ends_at + timedelta(hours=2)
        )
    assert exc.value.code == "too_late"


def test_a_stale_read_still_counts_once(running):
    """The second scan read the row as 'expected' before the first one wrote: the conditional
    UPDATE decides, not what was read."""
    session, user = running
    stale = Attendance.objects.get(session=session)
    services.attendance_sign_in(session=session, actor=user)
    changed = Attendance.objects.filter(pk=stale.pk, status="expected").update(status="present")
    assert changed == 0
    assert services.attendance_sign_in(session=session, actor=user).counted is False
    session.refresh_from_db()
    assert session.present_count == 1


# --- Marking by hand --------------------------------------------------------------------------


def test_mark_each_transition_credits_and_takes_back(running, secretary):
    session, user = running
    attendance = Attendance.objects.get(session=session)
    person = user.person
    services.attendance_mark(attendance=attendance, status="present", actor=secretary)
    assert hours_of(person) == Decimal("2")
    services.attendance_mark(attendance=attendance, status="absent", actor=secretary)
    assert hours_of(person) == Decimal("0")
    assert not HoursCredit.objects.exists()
    services.attendance_mark(attendance=attendance, status="leave", reason="病假", actor=secretary)
    attendance.refresh_from_db()
    assert (attendance.status, attendance.leave_reason, attendance.by_hand) == (
        "leave",
        "病假",
        True,
    )
    services.attendance_mark(attendance=attendance, status="present", actor=secretary)
    services.attendance_mark(attendance=attendance, status="present", actor=secretary)  # no-op
    session.refresh_from_db()
    assert session.present_count == 1 and hours_of(person) == Decimal("2")
    services.attendance_mark(attendance=attendance, status="leave", actor=secretary)
    session.refresh_from_db()
    assert session.present_count == 0 and hours_of(person) == Decimal("0")


def test_mark_refused_outside_scope_or_with_a_bad_status(running, county, make_user):
    session, _user = running
    attendance = Attendance.objects.get(session=session)
    other = make_user("branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(attendance=attendance, status="present", actor=other)
    secretary = make_user("branch_secretary", county.branch1)
    with pytest.raises(ValidationError):
        services.attendance_mark(attendance=attendance, status="expected", actor=secretary)


def test_mark_present_refused_once_a_makeup_was_submitted(county, secretary, make_user):
    user = member_with_account(make_user, county.branch1)
    session = session_with([user.person], starts_at=timezone.now() - timedelta(days=2))
    attendance = Attendance.objects.get(session=session)
    attendance.status = "absent"
    attendance.save()
    MakeUpFactory(attendance=attendance)
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(attendance=attendance, status="present", actor=secretary)
    assert "补学" in exc.value.messages[0]


def test_close_attendance_marks_the_rest_absent_after_the_end(county, secretary, people):
    session = services.session_create(
        organization=county.branch1,
        actor=secretary,
        **session_fields(starts_at=timezone.now() - timedelta(hours=1)),
    )
    with pytest.raises(ValidationError):
        services.session_close_attendance(session=session, actor=secretary)
    services.attendance_mark(
        attendance=session.attendances.get(person=people["a"]), status="present", actor=secretary
    )
    later = session.ends_at + timedelta(minutes=1)
    assert services.session_close_attendance(session=session, actor=secretary, now=later) == 1
    assert session.attendances.get(person=people["b"]).status == "absent"


# --- Leave ----------------------------------------------------------------------------------


def test_leave_request_and_withdraw_before_the_start(county, make_user):
    user = member_with_account(make_user, county.branch1)
    session = session_with([user.person])
    with pytest.raises(ValidationError):
        services.leave_request(session=session, actor=user, reason=" ")
    attendance = services.leave_request(session=session, actor=user, reason="外出公务")
    assert (attendance.status, attendance.leave_reason) == ("leave", "外出公务")
    attendance = services.leave_withdraw(session=session, actor=user)
    assert attendance.status == "expected" and attendance.leave_reason == ""
    with pytest.raises(ValidationError):
        services.leave_withdraw(session=session, actor=user)
    with pytest.raises(ValidationError) as exc:
        services.leave_request(
            session=session, actor=user, reason="迟了", now=session.starts_at + timedelta(minutes=1)
        )
    assert "已经开始" in exc.value.messages[0]


# --- Make-up study --------------------------------------------------------------------------


@pytest.fixture
def missed(county, make_user):
    """A member who was absent from a branch session that ended yesterday."""
    user = member_with_account(make_user, county.branch1)
    session = session_with([user.person], starts_at=timezone.now() - timedelta(days=1))
    Attendance.objects.filter(session=session).update(status="absent")
    return Attendance.objects.get(session=session), user


def test_makeup_submit_approve_credits_the_session_hours_once(missed, secretary):
    attendance, user = missed
    makeup = services.makeup_submit(
        attendance=attendance, actor=user, note="观看录像并自学材料", file=pdf_file()
    )
    assert makeup.status == "submitted" and makeup.file.name.endswith(".pdf")
    services.makeup_approve(makeup=makeup, actor=secretary, comment="同意")
    makeup.refresh_from_db()
    assert makeup.status == "approved" and makeup.reviewed_by == secretary
    row = StudyYear.objects.get(person=user.person)
    assert (row.total, row.branch) == (Decimal("2"), Decimal("2"))
    # Approving again is an illegal move, and would not count twice anyway.
    with pytest.raises(ValidationError):
        services.makeup_approve(makeup=makeup, actor=secretary)
    assert HoursCredit.objects.filter(source="makeup").count() == 1
    assert StudyYear.objects.get(person=user.person).total == Decimal("2")


def test_makeup_return_and_resubmit_then_approve(missed, secretary):
    attendance, user = missed
    makeup = services.makeup_submit(attendance=attendance, actor=user, note="简单看了")
    with pytest.raises(ValidationError) as exc:
        services.makeup_return(makeup=makeup, actor=secretary, comment="")
    assert "comment" in exc.value.message_dict
    services.makeup_return(makeup=makeup, actor=secretary, comment="请补充学习笔记")
    assert MakeUp.objects.get(pk=makeup.pk).status == ReviewStatus.RETURNED
    with pytest.raises(ValidationError):
        services.makeup_approve(makeup=makeup, actor=secretary)  # returned → approved: illegal
    again = services.makeup_submit(attendance=attendance, actor=user, note="补充了学习笔记三页")
    assert again.pk == makeup.pk and again.status == "submitted"
    with pytest.raises(ValidationError):
        services.makeup_submit(attendance=attendance, actor=user, note="又提交")  # still waiting
    services.makeup_approve(makeup=again, actor=secretary)
    assert StudyYear.objects.get(person=user.person).total == Decimal("2")


def test_makeup_refused_cases(missed, county, make_user, secretary):
    attendance, user = missed
    stranger = member_with_account(make_user, county.branch1)
    with pytest.raises(PermissionDenied):
        services.makeup_submit(attendance=attendance, actor=stranger, note="替别人补学")
    with pytest.raises(ValidationError) as exc:
        services.makeup_submit(attendance=attendance, actor=user, note="")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.makeup_submit(attendance=attendance, actor=user, note="看了", file=fake_pdf())
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.makeup_submit(
            attendance=attendance, actor=user, note="看了", now=timezone.now() - timedelta(days=2)
        )
    assert not MakeUp.objects.exists()
    # A session the member attended needs no make-up.
    Attendance.objects.filter(pk=attendance.pk).update(status="present")
    with pytest.raises(ValidationError):
        services.makeup_submit(attendance=attendance, actor=user, note="看了")
    # Only a reviewer of the session's organization may approve.
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    makeup = services.makeup_submit(attendance=attendance, actor=user, note="看了")
    for refused in (user, make_user("branch_secretary", county.branch2)):
        with pytest.raises(PermissionDenied):
            services.makeup_approve(makeup=makeup, actor=refused)


def test_makeup_and_self_study_notify_the_nearest_reviewer(
    missed, county, make_user, django_capture_on_commit_callbacks
):
    attendance, user = missed
    secretary = make_user("branch_secretary", county.branch1)
    committee = make_user("committee_admin", county.justice)
    with django_capture_on_commit_callbacks(execute=True):
        services.makeup_submit(attendance=attendance, actor=user, note="已补学")
    assert Notification.objects.filter(recipient=secretary, kind="study.review_waiting").exists()
    assert not Notification.objects.filter(recipient=committee).exists()


def test_editing_before_the_start_adds_people_who_joined_since(county, secretary, people):
    session = services.session_create(
        organization=county.branch1, actor=secretary, **session_fields()
    )
    newcomer = PersonFactory(primary_org=county.branch1)
    services.session_update(session=session, actor=secretary, title="学习党的二十大报告（调整）")
    session.refresh_from_db()
    assert session.attendances.filter(person=newcomer).exists()
    assert session.expected_count == 3


def test_a_secretary_cannot_review_their_own_makeup(county, make_user):
    own = member_with_account(make_user, county.branch1, "branch_secretary")
    committee = make_user("committee_admin", county.justice)
    session = session_with([own.person], starts_at=timezone.now() - timedelta(days=1))
    attendance = session.attendances.get()
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    makeup = services.makeup_submit(attendance=attendance, actor=own, note="自学会议材料")
    with pytest.raises(PermissionDenied):
        services.makeup_approve(makeup=makeup, actor=own)
    with pytest.raises(PermissionDenied):
        services.makeup_return(makeup=makeup, actor=own, comment="自己退回")
    assert MakeUp.objects.get().status == ReviewStatus.SUBMITTED
    assert not HoursCredit.objects.exists()
    services.makeup_approve(makeup=makeup, actor=committee)
    assert hours_of(own.person) == Decimal("2")


def test_a_secretary_s_own_makeup_is_announced_to_the_reviewer_above(
    county, make_user, django_capture_on_commit_callbacks
):
    own = member_with_account(make_user, county.branch1, "branch_secretary")
    committee = make_user("committee_admin", county.justice)
    session = session_with([own.person], starts_at=timezone.now() - timedelta(days=1))
    attendance = session.attendances.get()
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    with django_capture_on_commit_callbacks(execute=True):
        services.makeup_submit(attendance=attendance, actor=own, note="自学会议材料")
    assert not Notification.objects.filter(recipient=own, kind="study.review_waiting").exists()
    assert Notification.objects.filter(recipient=committee, kind="study.review_waiting").exists()


def test_signing_in_after_a_makeup_counts_nothing(missed, secretary):
    """A session moved to a later day after its make-ups were approved: the QR code cannot
    credit the same session a second time."""
    attendance, user = missed
    makeup = services.makeup_submit(attendance=attendance, actor=user, note="观看录像")
    services.makeup_approve(makeup=makeup, actor=secretary)
    session = attendance.session
    later = timezone.now() + timedelta(minutes=5)
    services.session_update(
        session=session, actor=secretary, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    Attendance.objects.filter(pk=attendance.pk).update(status="leave")
    with pytest.raises(ValidationError) as exc:
        services.attendance_sign_in(session=session, actor=user)
    assert exc.value.code == "makeup"
    assert Attendance.objects.get(pk=attendance.pk).status == "leave"
    assert hours_of(user.person) == Decimal("2")
    assert HoursCredit.objects.count() == 1


def test_cancel_refused_once_a_makeup_was_submitted(missed, secretary):
    attendance, user = missed
    makeup = services.makeup_submit(attendance=attendance, actor=user, note="观看录像")
    services.makeup_approve(makeup=makeup, actor=secretary)
    with pytest.raises(ValidationError) as exc:
        services.session_cancel(session=attendance.session, actor=secretary)
    assert "补学" in exc.value.messages[0]
    assert StudySession.objects.get(pk=attendance.session_id).status == "scheduled"
    assert hours_of(user.person) == Decimal("2")
