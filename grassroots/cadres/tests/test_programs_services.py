"""Program services: creating and editing a program, its posts, groups and trainings, and the
transitions of the call (publish, close) with their permissions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.cadres.enums import ProgramStatus, SecondmentStatus
from grassroots.cadres.models import Program
from grassroots.cadres.services import programs as services
from grassroots.cadres.tests import builders
from grassroots.notifications.models import Notification
from grassroots.orgs.enums import PersonStatus

pytestmark = pytest.mark.django_db


def ready_program(county, officer, **extra):
    """A draft program with a post, the justice bureau as sending unit and an open window."""
    values = {
        "title": "2026年第一批挂职干部",
        "starts_on": date.today() + timedelta(days=60),
        "ends_on": date.today() + timedelta(days=425),
        "notice": "请符合条件的干部积极报名。",
        "call_closes_at": timezone.now() + timedelta(days=10),
    }
    values.update(extra)
    program = services.program_create(
        organization=county.dept, actor=officer, sending_units=[county.justice], **values
    )
    services.post_create(program=program, actor=officer, host=county.town, title="镇长助理")
    return program


def test_create_sets_a_public_key_and_units(county):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    assert program.status == ProgramStatus.DRAFT
    assert len(program.public_key) >= 16
    assert list(program.sending_units.all()) == [county.justice]


def test_create_refused_for_a_member_and_outside_scope(county, make_user):
    member = make_user()
    with pytest.raises(PermissionDenied):
        ready_program(county, member)
    branch_officer = make_user("org_dept_admin", county.branch1)
    with pytest.raises(PermissionDenied):
        ready_program(county, branch_officer)


def test_create_checks_the_term_and_window(county):
    officer = builders.officer(county)
    with pytest.raises(ValidationError) as exc:
        services.program_create(
            organization=county.dept,
            actor=officer,
            title="x",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
        )
    assert "ends_on" in exc.value.message_dict
    assert not Program.objects.exists()


def test_sending_units_must_be_in_scope(county, make_user):
    officer = make_user("org_dept_admin", county.dept)
    with pytest.raises(ValidationError) as exc:
        services.program_create(
            organization=county.dept,
            actor=officer,
            title="x",
            starts_on=date(2026, 5, 1),
            ends_on=date(2027, 4, 1),
            sending_units=[county.justice],
        )
    assert "sending_units" in exc.value.message_dict


def test_publish_opens_the_call_and_tells_eligible_people(
    county, django_capture_on_commit_callbacks
):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    inside = builders.person_with_user(county.branch1)
    also = builders.person_with_user(county.branch2)
    outside = builders.person_with_user(county.town)
    gone = builders.person_with_user(county.branch1, status=PersonStatus.LEFT)
    with django_capture_on_commit_callbacks(execute=True):
        program = services.program_publish(program=program, actor=officer)
    assert program.status == ProgramStatus.RECRUITING
    assert program.call_opens_at is not None
    told = set(
        Notification.objects.filter(kind="cadres.call_published").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {inside.user.pk, also.user.pk}
    assert outside.user.pk not in told and gone.user.pk not in told


def test_publish_needs_posts_units_and_window(county):
    officer = builders.officer(county)
    program = services.program_create(
        organization=county.dept,
        actor=officer,
        title="x",
        starts_on=date.today() + timedelta(days=30),
        ends_on=date.today() + timedelta(days=300),
    )
    with pytest.raises(ValidationError) as exc:
        services.program_publish(program=program, actor=officer)
    text = " ".join(exc.value.messages)
    assert "挂职岗位" in text and "选派单位" in text and "报名截止时间" in text
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_publish_refused_for_viewer_and_wrong_status(county, make_user):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    viewer = make_user("committee_admin", county.root)  # cadres.view_program only
    with pytest.raises(PermissionDenied):
        services.program_publish(program=program, actor=viewer)
    services.program_publish(program=program, actor=officer)
    with pytest.raises(ValidationError):
        services.program_publish(program=program, actor=officer)


def test_close_call_moves_to_selecting_only_from_recruiting(county, make_user):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    with pytest.raises(ValidationError):
        services.program_close_call(program=program, actor=officer)
    services.program_publish(program=program, actor=officer)
    member = make_user()
    with pytest.raises(PermissionDenied):
        services.program_close_call(program=program, actor=member)
    program = services.program_close_call(program=program, actor=officer)
    assert program.status == ProgramStatus.SELECTING


def test_update_while_recruiting_only_notice_and_deadline(county):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    services.program_publish(program=program, actor=officer)
    later = timezone.now() + timedelta(days=20)
    program = services.program_update(
        program=program, actor=officer, notice="补充通知", call_closes_at=later
    )
    assert program.notice == "补充通知"
    with pytest.raises(ValidationError):
        services.program_update(program=program, actor=officer, title="改名")
    with pytest.raises(ValidationError):
        services.program_update(program=program, actor=officer, sending_units=[county.town])


def test_posts_rank_range_and_removal(county):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    with pytest.raises(ValidationError) as exc:
        services.post_create(
            program=program,
            actor=officer,
            host=county.town,
            title="副镇长",
            min_rank="division_chief",
            max_rank="section_deputy",
        )
    assert "max_rank" in exc.value.message_dict
    post = services.post_create(
        program=program, actor=officer, host=county.community, title="书记助理", places=2
    )
    post = services.post_update(post=post, actor=officer, places=3)
    assert post.places == 3
    services.post_delete(post=post, actor=officer)
    assert program.posts.count() == 1


def test_post_cannot_be_removed_once_someone_is_matched(county):
    officer = builders.officer(county)
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED)
    program = placed.secondment.program
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.SELECTING)
    post = placed.secondment.post
    with pytest.raises(ValidationError):
        services.post_delete(post=post, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.post_update(post=post, actor=officer, places=0)
    assert "places" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.post_update(post=post, actor=officer, title="改名")


def test_groups_unique_name_and_trainings(county):
    from grassroots.study.models import StudySession

    officer = builders.officer(county)
    program = ready_program(county, officer)
    leader = builders.person_with_user(county.dept)
    services.group_create(program=program, name="第一组", leader=leader, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.group_create(program=program, name="第一组", leader=leader, actor=officer)
    assert "name" in exc.value.message_dict
    starts = timezone.now() + timedelta(days=5)
    session = StudySession.objects.create(
        organization=county.dept,
        title="岗前培训",
        kind="training",
        mode="in_person",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        hours=Decimal("3"),
    )
    training = services.training_add(program=program, session=session, actor=officer)
    with pytest.raises(ValidationError):
        services.training_add(program=program, session=session, actor=officer)
    services.training_remove(training=training, actor=officer)
    assert not program.trainings.exists()


def test_the_call_is_sent_in_batches(county, monkeypatch, django_capture_on_commit_callbacks):
    officer = builders.officer(county)
    program = ready_program(county, officer)
    people = [builders.person_with_user(county.branch1) for _ in range(5)]
    monkeypatch.setattr(services, "NOTIFY_BATCH", 2)
    sent = []
    real = services.notify_call

    def spy(program_id):
        sent.append(real(program_id))

    monkeypatch.setattr(services, "notify_call", spy)
    with django_capture_on_commit_callbacks(execute=True):
        services.program_publish(program=program, actor=officer)
    assert sent == [5]
    assert Notification.objects.filter(kind="cadres.call_published").count() == len(people)
