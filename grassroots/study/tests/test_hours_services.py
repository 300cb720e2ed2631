"""The hours ledger: credits counted once, reversals, the yearly aggregate kept exact, targets by
position, and the self-study workflow."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Position
from grassroots.orgs.services import position_add, position_end
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.models import HoursCredit, HoursTarget, SelfStudy, StudyYear
from grassroots.study.services import hours as services
from grassroots.study.tests.factories import (
    SelfStudyFactory,
    StudyYearFactory,
    fake_pdf,
    member_with_account,
    pdf_file,
)

pytestmark = pytest.mark.django_db
YEAR = 2026
SOURCE = HoursCredit.Source


def credit(person, source_id, hours="2", kind="branch", source=SOURCE.ATTENDANCE, year=YEAR):
    return services.credit(
        person_id=person.pk,
        year=year,
        kind=kind,
        hours=Decimal(hours),
        source=source,
        source_id=source_id,
    )


def row(person, year=YEAR) -> StudyYear:
    return StudyYear.objects.get(person=person, year=year)


def test_credit_is_counted_once_per_source(county):
    person = PersonFactory(primary_org=county.branch1)
    assert credit(person, 1) is True
    assert credit(person, 1) is False  # the same attendance again
    assert credit(person, 1, hours="5") is False
    assert credit(person, 2, kind="training", hours="3") is True
    assert credit(person, 1, source=SOURCE.SELF_STUDY, kind="self", hours="1.5") is True
    r = row(person)
    assert (r.branch, r.training, r.self_study, r.concentrated) == (
        Decimal("2"),
        Decimal("3"),
        Decimal("1.5"),
        Decimal("0"),
    )
    assert r.total == Decimal("6.5") == sum(c.hours for c in HoursCredit.objects.all())


def test_uncredit_takes_back_exactly_once(county):
    person = PersonFactory(primary_org=county.branch1)
    credit(person, 1)
    credit(person, 2, hours="1")
    assert services.uncredit(source=SOURCE.ATTENDANCE, source_id=1) is True
    assert services.uncredit(source=SOURCE.ATTENDANCE, source_id=1) is False
    assert row(person).total == Decimal("1") and row(person).branch == Decimal("1")
    # Credit again after a reversal (a correction back to present): counted once more, not twice.
    assert credit(person, 1) is True
    assert credit(person, 1) is False
    assert row(person).total == Decimal("3")


def test_zero_hours_credit_nothing(county):
    person = PersonFactory(primary_org=county.branch1)
    assert credit(person, 1, hours="0") is False
    assert not StudyYear.objects.exists()


def test_the_database_refuses_a_second_credit_of_a_source(county):
    person = PersonFactory(primary_org=county.branch1)
    credit(person, 7)
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursCredit.objects.create(
            person=person, year=YEAR, kind="branch", hours=1, source="attendance", source_id=7
        )


def test_year_is_the_shanghai_year_of_the_moment():
    # 2026-12-31 20:00 UTC is 2027-01-01 04:00 in Asia/Shanghai.
    assert services.local_year(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)) == 2027
    assert services.local_year(date(2026, 12, 31)) == 2026


# --- Targets ------------------------------------------------------------------------------


def test_target_by_current_position(county):
    person = PersonFactory(primary_org=county.branch1)
    assert services.person_target(person.pk) == Decimal("32")
    Position.objects.create(person=person, title="支部组织委员")
    assert services.person_target(person.pk) == Decimal("56")
    Position.objects.filter(person=person).update(ended_on=date(2025, 1, 1))
    assert services.person_target(person.pk) == Decimal("32")


def test_a_new_row_takes_the_persons_target(county):
    leader = PersonFactory(primary_org=county.branch1)
    Position.objects.create(person=leader, title="党支部书记")
    credit(leader, 1)
    assert row(leader).target == Decimal("56")


def test_targets_refresh_creates_rows_and_follows_positions(county):
    member = PersonFactory(primary_org=county.branch1)
    leader = PersonFactory(primary_org=county.branch1)
    gone = PersonFactory(primary_org=county.branch1, status=PersonStatus.LEFT)
    StudyYearFactory(person=leader, year=YEAR, target=Decimal("32"))
    Position.objects.create(person=leader, title="副书记")
    services.targets_refresh(YEAR)
    assert row(member).target == Decimal("32") and row(leader).target == Decimal("56")
    assert not StudyYear.objects.filter(person=gone).exists()
    assert services.targets_refresh(YEAR) == 0  # nothing left to change


def test_position_changes_move_this_years_target(
    county, make_user, django_capture_on_commit_callbacks
):
    admin = make_user("committee_admin", county.justice)
    person = PersonFactory(primary_org=county.branch1)
    year = timezone.localdate().year
    StudyYearFactory(person=person, year=year, target=Decimal("32"))
    with django_capture_on_commit_callbacks(execute=True):
        position = position_add(person=person, actor=admin, title="支部书记")
    assert row(person, year).target == Decimal("56")
    with django_capture_on_commit_callbacks(execute=True):
        position_end(position=position, actor=admin)
    assert row(person, year).target == Decimal("32")


def test_targets_update_needs_the_codename_over_the_whole_tree(county, make_user):
    officer = make_user("org_dept_admin", county.root)
    committee = make_user("org_dept_admin", county.justice)
    secretary = make_user("branch_secretary", county.branch1)
    for refused in (committee, secretary):
        with pytest.raises(PermissionDenied):
            services.targets_update(
                member_hours=Decimal("40"),
                leader_hours=Decimal("60"),
                leader_keywords="",
                actor=refused,
            )
    leader = PersonFactory(primary_org=county.branch1)
    Position.objects.create(person=leader, title="纪检委员")
    plain = PersonFactory(primary_org=county.branch1)
    targets = services.targets_update(
        member_hours=Decimal("40"),
        leader_hours=Decimal("60"),
        leader_keywords="书记，委员；支委",
        actor=officer,
    )
    assert targets.keywords == ("书记", "委员", "支委")
    assert HoursTarget.objects.get(category="leader").position_keywords == "书记,委员,支委"
    year = timezone.localdate().year
    assert row(leader, year).target == Decimal("60") and row(plain, year).target == Decimal("40")


def test_targets_update_refuses_bad_hours(county, make_user):
    officer = make_user("org_dept_admin", county.root)
    with pytest.raises(ValidationError) as exc:
        services.targets_update(
            member_hours=Decimal("0"),
            leader_hours=Decimal("9999"),
            leader_keywords="",
            actor=officer,
        )
    assert set(exc.value.message_dict) == {"member_hours", "leader_hours"}


def test_targets_default_when_the_table_is_empty(county):
    HoursTarget.objects.all().delete()
    targets = services.current_targets()
    assert (targets.member, targets.leader, targets.keywords) == (
        Decimal("32"),
        Decimal("56"),
        ("书记", "委员"),
    )


def test_no_keywords_means_everybody_has_the_member_target(county):
    HoursTarget.objects.filter(category="leader").update(position_keywords="")
    person = PersonFactory(primary_org=county.branch1)
    Position.objects.create(person=person, title="支部书记")
    assert services.person_target(person.pk) == Decimal("32")
    services.targets_refresh(YEAR)
    assert row(person).target == Decimal("32")


# --- Self-study ----------------------------------------------------------------------------


@pytest.fixture
def member(county, make_user):
    return member_with_account(make_user, county.branch1)


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


def entry_fields(**overrides):
    fields = {
        "title": "学习党章",
        "studied_on": timezone.localdate(),
        "hours": Decimal("2"),
        "note": "逐章学习并做笔记",
    }
    fields.update(overrides)
    return fields


def test_self_study_submit_approve_credits_once(member, secretary):
    entry = services.self_study_create(actor=member, file=pdf_file(), **entry_fields())
    assert entry.status == "submitted" and entry.person == member.person
    services.self_study_approve(entry=entry, actor=secretary)
    year = timezone.localdate().year
    r = row(member.person, year)
    assert (r.self_study, r.total) == (Decimal("2"), Decimal("2"))
    with pytest.raises(ValidationError):
        services.self_study_approve(entry=entry, actor=secretary)
    assert row(member.person, year).total == Decimal("2")
    with pytest.raises(ValidationError):
        services.self_study_withdraw(entry=entry, actor=member)


def test_self_study_return_resubmit_approve(member, secretary):
    entry = services.self_study_create(actor=member, **entry_fields())
    with pytest.raises(ValidationError):
        services.self_study_return(entry=entry, actor=secretary, comment="")
    services.self_study_return(entry=entry, actor=secretary, comment="请补充笔记")
    entry.refresh_from_db()
    assert entry.status == "returned" and entry.review_comment == "请补充笔记"
    with pytest.raises(ValidationError):
        services.self_study_approve(entry=entry, actor=secretary)
    services.self_study_resubmit(entry=entry, actor=member, **entry_fields(note="补充了笔记"))
    entry.refresh_from_db()
    assert entry.status == "submitted"
    with pytest.raises(ValidationError):
        services.self_study_resubmit(entry=entry, actor=member, **entry_fields())
    services.self_study_approve(entry=entry, actor=secretary)
    assert row(member.person, timezone.localdate().year).total == Decimal("2")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": Decimal("8.5")}, "hours"),
        ({"hours": Decimal("0")}, "hours"),
        ({"title": " "}, "title"),
        ({"studied_on": date.today() + timedelta(days=3)}, "studied_on"),
        ({"studied_on": date(2000, 1, 1)}, "studied_on"),
        ({"note": "", "link": ""}, "note"),
        ({"link": "ftp://example.com/x"}, "link"),
    ],
)
def test_self_study_bad_input_saves_nothing(member, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.self_study_create(actor=member, **entry_fields(**overrides))
    assert field in exc.value.message_dict
    assert not SelfStudy.objects.exists()


def test_self_study_refuses_a_disguised_file_and_accounts_without_person(member, make_user):
    with pytest.raises(ValidationError) as exc:
        services.self_study_create(actor=member, file=fake_pdf(), **entry_fields())
    assert "file" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.self_study_create(actor=make_user(), **entry_fields())


def test_self_study_review_refused_outside_scope_and_for_the_owner(member, county, make_user):
    entry = SelfStudyFactory(person=member.person)
    for refused in (member, make_user("branch_secretary", county.branch2)):
        with pytest.raises(PermissionDenied):
            services.self_study_approve(entry=entry, actor=refused)
    committee = make_user("committee_admin", county.justice)
    services.self_study_approve(entry=entry, actor=committee)


def test_self_study_withdraw_and_others_entries(member, county, make_user):
    entry = SelfStudyFactory(person=member.person)
    other = member_with_account(make_user, county.branch1)
    with pytest.raises(PermissionDenied):
        services.self_study_withdraw(entry=entry, actor=other)
    services.self_study_withdraw(entry=entry, actor=member)
    assert not SelfStudy.objects.exists()


def test_the_database_bounds_self_study_hours(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfStudy.objects.create(
            person=member.person, title="x", studied_on=date.today(), hours=Decimal("9")
        )


def test_replaced_and_withdrawn_evidence_files_are_deleted(
    member, secretary, django_capture_on_commit_callbacks
):
    entry = services.self_study_create(actor=member, file=pdf_file("一.pdf"), **entry_fields())
    first = entry.file.name
    storage = entry.file.storage
    services.self_study_return(entry=entry, actor=secretary, comment="请补充")
    with django_capture_on_commit_callbacks(execute=True):
        services.self_study_resubmit(
            entry=entry, actor=member, file=pdf_file("二.pdf"), **entry_fields()
        )
    entry.refresh_from_db()
    assert not storage.exists(first) and storage.exists(entry.file.name)
    second = entry.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.self_study_withdraw(entry=entry, actor=member)
    assert not storage.exists(second)


def test_a_secretary_cannot_review_their_own_self_study(county, make_user):
    own = member_with_account(make_user, county.branch1, "branch_secretary")
    entry = services.self_study_create(actor=own, **entry_fields())
    with pytest.raises(PermissionDenied):
        services.self_study_approve(entry=entry, actor=own)
    with pytest.raises(PermissionDenied):
        services.self_study_return(entry=entry, actor=own, comment="自己退回")
    assert SelfStudy.objects.get().status == "submitted"
    assert not HoursCredit.objects.exists()
    services.self_study_approve(entry=entry, actor=make_user("committee_admin", county.justice))
    assert row(own.person, timezone.localdate().year).total == Decimal("2")
