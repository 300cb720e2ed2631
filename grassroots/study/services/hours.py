"""The hours ledger (学时台账): credits, their reversal, the yearly targets and self-study.

Hours reach a person only through `credit()`: one HoursCredit row per source (an attended
session, an approved make-up, an approved self-study entry), unique in the database, and the
person's StudyYear row moved by the same amount in the same transaction with F() expressions.
So the aggregate that every ledger page reads is exact, and no source is ever counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import holds_everywhere
from grassroots.core.audit import audited
from grassroots.core.permissions import user_can
from grassroots.core.uploads import DOCUMENT_KINDS, IMAGE_KINDS, check_file
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Person, Position
from grassroots.orgs.selectors import path_chain

from ..caching import LEDGER
from ..enums import REVIEW_TRANSITIONS, ReviewStatus, StudyKind
from ..models import HoursCredit, HoursTarget, MakeUp, Material, SelfStudy, StudyYear

# The StudyYear column that each kind of study adds to.
KIND_COLUMN = {
    StudyKind.CONCENTRATED: "concentrated",
    StudyKind.BRANCH: "branch",
    StudyKind.TRAINING: "training",
    StudyKind.SELF: "self_study",
}
# What the targets are when the table has no row (a fresh database before its data migration,
# or a test database flushed by a transactional test): 党员教育管理工作条例, 2019.
DEFAULT_TARGETS = {
    HoursTarget.Category.MEMBER: (Decimal("32"), ""),
    HoursTarget.Category.LEADER: (Decimal("56"), "书记,委员"),
}
EVIDENCE_KINDS = {**DOCUMENT_KINDS, **IMAGE_KINDS}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
SELF_STUDY_MAX_HOURS = Decimal("8")
TARGET_MAX_HOURS = Decimal("500")
_BULK = 2000


def local_year(moment) -> int:
    """The Asia/Shanghai (TIME_ZONE) year of an aware datetime, or the year of a date."""
    if isinstance(moment, date) and not hasattr(moment, "hour"):
        return moment.year
    return timezone.localtime(moment).year


# --- Targets ----------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    member: Decimal
    leader: Decimal
    keywords: tuple[str, ...]

    def leader_title_q(self, prefix: str = "") -> Q | None:
        """Position titles that make a leader; None when no keyword is set (nobody is one)."""
        if not self.keywords:
            return None
        q = Q()
        for word in self.keywords:
            q |= Q(**{f"{prefix}title__contains": word})
        return q


def split_keywords(text: str) -> tuple[str, ...]:
    """ "书记, 委员；支委" → ("书记", "委员", "支委"): commas of either width, semicolons, spaces."""
    for sep in ("，", "；", ";", "、", " ", "\u3000"):
        text = (text or "").replace(sep, ",")
    words: list[str] = []
    for word in text.split(","):
        word = word.strip()
        if word and word not in words:
            words.append(word)
    return tuple(words)


def current_targets() -> Targets:
    rows = {t.category: t for t in HoursTarget.objects.all()}
    values = {}
    for category, (hours, keywords) in DEFAULT_TARGETS.items():
        row = rows.get(category)
        values[category] = (row.hours, row.position_keywords) if row else (hours, keywords)
    member_hours, _unused = values[HoursTarget.Category.MEMBER]
    leader_hours, keywords = values[HoursTarget.Category.LEADER]
    return Targets(member=member_hours, leader=leader_hours, keywords=split_keywords(keywords))


def _leader_exists(targets: Targets, person_ref: str) -> Exists | None:
    title_q = targets.leader_title_q()
    if title_q is None:
        return None
    return Exists(
        Position.objects.filter(title_q, person=OuterRef(person_ref), ended_on__isnull=True)
    )


def person_target(person_id: int, targets: Targets | None = None) -> Decimal:
    """A person's yearly target: the leader's when they hold a current position whose title
    has a leader keyword (书记, 委员 by default), else the member's."""
    targets = targets or current_targets()
    title_q = targets.leader_title_q()
    if title_q is None:
        return targets.member
    is_leader = Position.objects.filter(
        title_q, person_id=person_id, ended_on__isnull=True
    ).exists()
    return targets.leader if is_leader else targets.member


def targets_refresh(year: int, *, create_missing: bool = True) -> int:
    """Give every active person a StudyYear row for `year` and set each row's target from the
    current targets and positions. Set-based (two UPDATEs and batched INSERTs), so it is fine at
    county scale; returns how many rows were created or changed."""
    targets = current_targets()
    changed = 0
    if create_missing:
        has_row = StudyYear.objects.filter(person=OuterRef("pk"), year=year)
        missing = (
            Person.objects.filter(status=PersonStatus.ACTIVE)
            .exclude(Exists(has_row))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        batch: list[StudyYear] = []
        for person_id in missing.iterator(chunk_size=_BULK):
            batch.append(StudyYear(person_id=person_id, year=year, target=targets.member))
            if len(batch) >= _BULK:
                changed += _insert_years(batch)
                batch = []
        changed += _insert_years(batch)
    rows = StudyYear.objects.filter(year=year)
    leader = _leader_exists(targets, "person_id")
    if leader is None:
        changed += rows.exclude(target=targets.member).update(target=targets.member)
    else:
        changed += rows.filter(leader).exclude(target=targets.leader).update(target=targets.leader)
        changed += rows.filter(~leader).exclude(target=targets.member).update(target=targets.member)
    if changed:
        LEDGER.changed()
    return changed


def _insert_years(batch: list[StudyYear]) -> int:
    if not batch:
        return 0
    # A row created meanwhile by a credit is kept: it is the same person-year.
    StudyYear.objects.bulk_create(batch, ignore_conflicts=True)
    LEDGER.changed()
    return len(batch)


def person_target_refresh(person_id: int, year: int | None = None) -> None:
    """After a person's positions changed: their target for the year follows at once."""
    year = year or timezone.localdate().year
    StudyYear.objects.filter(person_id=person_id, year=year).update(target=person_target(person_id))
    LEDGER.changed()


def may_manage_targets(user) -> bool:
    # The targets hold for every organization: only who holds the codename over the whole
    # tree may change them.
    return holds_everywhere(user, "study.manage_targets")


@audited
@transaction.atomic
def targets_update(
    *, member_hours: Decimal, leader_hours: Decimal, leader_keywords: str, actor
) -> Targets:
    """Set the yearly targets, then refresh this year's rows (past years keep theirs)."""
    if not may_manage_targets(actor):
        raise PermissionDenied(
            _("只有对全部组织拥有“设置年度学时要求”权限的人员可以修改学时要求。")
        )
    errors: dict[str, list[str]] = {}
    for field, value in (("member_hours", member_hours), ("leader_hours", leader_hours)):
        if value is None or value <= 0 or value > TARGET_MAX_HOURS:
            errors.setdefault(field, []).append(
                _("年度学时应大于 0 且不超过 %(max)s。") % {"max": TARGET_MAX_HOURS}
            )
    keywords = split_keywords(leader_keywords)
    if sum(len(w) for w in keywords) + len(keywords) > 200:
        errors.setdefault("leader_keywords", []).append(_("职务关键词过长。"))
    if errors:
        raise ValidationError(errors)
    Category = HoursTarget.Category
    for category, hours, words in (
        (Category.MEMBER, member_hours, ""),
        (Category.LEADER, leader_hours, ",".join(keywords)),
    ):
        row = HoursTarget.objects.select_for_update().filter(category=category).first()
        if row is None:
            row = HoursTarget(category=category)
        row.hours = hours
        row.position_keywords = words
        row.save()
    targets_refresh(timezone.localdate().year)
    return current_targets()


# --- Credits ----------------------------------------------------------------------


def year_row(person_id: int, year: int) -> StudyYear:
    """The person's StudyYear row, created with their target if missing (safe when two
    transactions create it at once: the unique pair decides, get_or_create reads the winner)."""
    row = StudyYear.objects.filter(person_id=person_id, year=year).first()
    if row is not None:
        return row
    row, _created = StudyYear.objects.get_or_create(
        person_id=person_id, year=year, defaults={"target": person_target(person_id)}
    )
    return row


def _move(person_id: int, year: int, kind: str, hours: Decimal) -> None:
    column = KIND_COLUMN[kind]
    row = year_row(person_id, year)
    StudyYear.objects.filter(pk=row.pk).update(
        **{column: F(column) + hours, "total": F("total") + hours}
    )
    LEDGER.changed()


@transaction.atomic
def credit(
    *, person_id: int, year: int, kind: str, hours: Decimal, source: str, source_id: int
) -> bool:
    """Credit `hours` from one source, once: True when credited now, False when the source had
    already been credited (by this call's twin, even one running at the same instant)."""
    if hours is None or hours <= 0:
        return False
    try:
        with transaction.atomic():
            HoursCredit.objects.create(
                person_id=person_id,
                year=year,
                kind=kind,
                hours=hours,
                source=source,
                source_id=source_id,
            )
    except IntegrityError:
        return False
    _move(person_id, year, kind, hours)
    return True


@transaction.atomic
def uncredit(*, source: str, source_id: int) -> bool:
    """Take back the hours of one source; True when there were hours to take back."""
    found = (
        HoursCredit.objects.select_for_update()
        .filter(source=source, source_id=source_id)
        .values_list("pk", "person_id", "year", "kind", "hours")
        .first()
    )
    if found is None:
        return False
    pk, person_id, year, kind, hours = found
    deleted, _rows = HoursCredit.objects.filter(pk=pk).delete()
    if not deleted:
        return False
    _move(person_id, year, kind, -hours)
    return True


# --- Self-study (自学) ---------------------------------------------------------------


def clean_evidence(file, link: str) -> None:
    if file:
        try:
            check_file(file, EVIDENCE_KINDS, EVIDENCE_MAX_BYTES)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    if link and not (link.startswith("http://") or link.startswith("https://")):
        raise ValidationError({"link": [_("链接应以 http:// 或 https:// 开头。")]})


def forget_file_on_commit(fieldfile) -> None:
    """Delete a stored upload once the transaction that replaced or dropped it commits (a
    rollback keeps it, since the record still names it)."""
    if not fieldfile:
        return
    storage, name = fieldfile.storage, fieldfile.name
    transaction.on_commit(lambda: storage.delete(name))


def replace_file(instance, file) -> None:
    if file:
        forget_file_on_commit(instance.file)
        instance.file = file


def _require_person(actor) -> Person:
    person = getattr(actor, "person", None) if getattr(actor, "person_id", None) else None
    if person is None:
        raise PermissionDenied(_("您的账号未关联人员信息，无法记录学习。请联系管理员。"))
    return person


def materials_visible_to(person: Person):
    """Library materials a person may cite: those of their organization and the ones above it."""
    return Material.objects.filter(organization__path__in=path_chain(person.primary_org.path))


def _clean_self_study(entry: SelfStudy) -> None:
    errors: dict[str, list[str]] = {}
    entry.title = (entry.title or "").strip()
    entry.note = (entry.note or "").strip()
    entry.link = (entry.link or "").strip()
    if not entry.title:
        errors.setdefault("title", []).append(_("请填写学习内容。"))
    today = timezone.localdate()
    if entry.studied_on is None:
        errors.setdefault("studied_on", []).append(_("请填写学习日期。"))
    elif entry.studied_on > today:
        errors.setdefault("studied_on", []).append(_("学习日期不能晚于今天。"))
    elif entry.studied_on.year < today.year - 1:
        errors.setdefault("studied_on", []).append(_("只能记录今年和去年的自学。"))
    if entry.hours is None or entry.hours <= 0 or entry.hours > SELF_STUDY_MAX_HOURS:
        errors.setdefault("hours", []).append(
            _("每条自学记录的学时应大于 0 且不超过 %(max)s 学时。") % {"max": SELF_STUDY_MAX_HOURS}
        )
    if not (entry.note or entry.file or entry.link):
        errors.setdefault("note", []).append(_("请填写学习笔记，或上传佐证材料、填写链接。"))
    if (
        entry.material_id
        and not materials_visible_to(entry.person).filter(pk=entry.material_id).exists()
    ):
        errors.setdefault("material", []).append(_("不能引用本组织以外的学习资料。"))
    if errors:
        raise ValidationError(errors)


SELF_STUDY_FIELDS = ("title", "studied_on", "hours", "note", "link", "material")


@audited
@transaction.atomic
def self_study_create(*, actor, file=None, **fields: Any) -> SelfStudy:
    person = _require_person(actor)
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError(_("只有在册人员可以记录自学。"))
    entry = SelfStudy(person=person, **{k: v for k, v in fields.items() if k in SELF_STUDY_FIELDS})
    clean_evidence(file, entry.link or "")
    if file:
        entry.file = file
    _clean_self_study(entry)
    entry.save()
    _notify_reviewers_on_commit(entry)
    return entry


def _locked_own_entry(entry: SelfStudy, actor) -> SelfStudy:
    person = _require_person(actor)
    locked = SelfStudy.objects.select_for_update().select_related("person__primary_org")
    entry = locked.get(pk=entry.pk)
    if entry.person_id != person.pk:
        raise PermissionDenied(_("只能修改本人的自学记录。"))
    return entry


@audited
@transaction.atomic
def self_study_resubmit(*, entry: SelfStudy, actor, file=None, **fields: Any) -> SelfStudy:
    """The member corrects a returned entry and submits it again (returned → submitted)."""
    entry = _locked_own_entry(entry, actor)
    if (entry.status, ReviewStatus.SUBMITTED) not in REVIEW_TRANSITIONS:
        raise ValidationError(_("只有被退回的自学记录可以修改后重新提交。"))
    for key, value in fields.items():
        if key in SELF_STUDY_FIELDS:
            setattr(entry, key, value)
    clean_evidence(file, entry.link or "")
    replace_file(entry, file)
    _clean_self_study(entry)
    entry.status = ReviewStatus.SUBMITTED
    entry.save()
    _notify_reviewers_on_commit(entry)
    return entry


@audited
@transaction.atomic
def self_study_withdraw(*, entry: SelfStudy, actor) -> None:
    """The member deletes an entry that no hours were credited for (not yet approved)."""
    entry = _locked_own_entry(entry, actor)
    if entry.status == ReviewStatus.APPROVED:
        raise ValidationError(_("已通过审核的自学记录不能撤回。"))
    forget_file_on_commit(entry.file)
    entry.delete()


def may_review_entry(user, entry: MakeUp | SelfStudy, author_id: int) -> bool:
    """May the user approve or return this make-up or self-study entry: a holder of
    study.review_study over it who is not its author (nobody credits their own hours)."""
    return user_can(user, "study.review_study", entry) and getattr(user, "person_id", None) != (
        author_id
    )


def review_entry(
    entry: MakeUp | SelfStudy, *, to: str, comment: str, actor, author_id: int, illegal: str
) -> None:
    """One review move of a make-up or self-study entry the caller has locked and checked the
    scope of: refused to its author, only along REVIEW_TRANSITIONS (`illegal` says so, with the
    current status), a comment required to return it."""
    if getattr(actor, "person_id", None) == author_id:
        raise PermissionDenied(_("不能审核本人提交的学习记录，请由上级组织审核。"))
    if (entry.status, to) not in REVIEW_TRANSITIONS:
        raise ValidationError(illegal % {"status": entry.get_status_display()})
    comment = (comment or "").strip()
    if to == ReviewStatus.RETURNED and not comment:
        raise ValidationError({"comment": [_("退回时请填写审核意见，说明需要补充什么。")]})
    if len(comment) > 300:
        raise ValidationError({"comment": [_("审核意见不能超过 300 字。")]})
    entry.status = to
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.review_comment = comment
    entry.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"]
    )


def _review(entry: SelfStudy, to: str, comment: str, actor) -> SelfStudy:
    if not user_can(actor, "study.review_study", entry):
        raise PermissionDenied(_("您没有权限审核该自学记录。"))
    entry = SelfStudy.objects.select_for_update().select_related("person").get(pk=entry.pk)
    review_entry(
        entry,
        to=to,
        comment=comment,
        actor=actor,
        author_id=entry.person_id,
        illegal=_("该自学记录当前为“%(status)s”，不能执行此操作。"),
    )
    return entry


@audited
@transaction.atomic
def self_study_approve(*, entry: SelfStudy, actor, comment: str = "") -> SelfStudy:
    entry = _review(entry, ReviewStatus.APPROVED, comment, actor)
    credit(
        person_id=entry.person_id,
        year=local_year(entry.studied_on),
        kind=StudyKind.SELF,
        hours=entry.hours,
        source=HoursCredit.Source.SELF_STUDY,
        source_id=entry.pk,
    )
    _notify_owner_on_commit(entry, approved=True)
    return entry


@audited
@transaction.atomic
def self_study_return(*, entry: SelfStudy, actor, comment: str) -> SelfStudy:
    entry = _review(entry, ReviewStatus.RETURNED, comment, actor)
    _notify_owner_on_commit(entry, approved=False)
    return entry


def _notify_reviewers_on_commit(entry: SelfStudy) -> None:
    from django.urls import reverse

    from .sessions import notify_reviewers

    path, author_id = entry.person.primary_org.path, entry.person_id
    title = _("%(name)s 提交了自学记录，待审核") % {"name": entry.person.name}
    url = reverse("study:self_study_detail", args=[entry.pk])
    transaction.on_commit(
        lambda: notify_reviewers(path=path, author_id=author_id, title=title, url=url)
    )


def _notify_owner_on_commit(entry: SelfStudy, *, approved: bool) -> None:
    from django.urls import reverse

    from grassroots.notifications.services import notify

    from .sessions import user_of

    user = user_of(entry.person_id)
    if user is None:
        return
    if approved:
        title = _("您的自学记录“%(title)s”已通过审核，计入 %(hours)s 学时") % {
            "title": entry.title,
            "hours": entry.hours,
        }
    else:
        title = _("您的自学记录“%(title)s”被退回，请修改后重新提交") % {"title": entry.title}
    url = reverse("study:self_study_detail", args=[entry.pk])
    body = entry.review_comment
    transaction.on_commit(
        lambda: notify(
            recipients=[user], kind="study.self_study_reviewed", title=title, body=body, url=url
        )
    )


def credit_many(
    *, person_sources: list[tuple[int, int]], year: int, kind: str, hours: Decimal, source: str
) -> int:
    """Credit the same hours to many people at once, one (person_id, source_id) pair each, in a
    few statements per thousand whatever their number. The caller holds the sources' rows
    locked (they have just changed state in its transaction), so nothing else credits them
    meanwhile; a source already credited is skipped, as in `credit()`. A person appears once.
    Returns how many were credited.

    The StudyYear rows are created and then locked in person id order, all of them before any
    is moved: two of these at once (two sessions of the same people) never take them crosswise."""
    if hours is None or hours <= 0:
        return 0
    column = KIND_COLUMN[kind]
    person_sources = sorted(person_sources)
    fresh: list[tuple[int, int]] = []
    for start in range(0, len(person_sources), _BULK):
        chunk = person_sources[start : start + _BULK]
        done = set(
            HoursCredit.objects.filter(
                source=source, source_id__in=[s for _p, s in chunk]
            ).values_list("source_id", flat=True)
        )
        new = [(p, s) for p, s in chunk if s not in done]
        HoursCredit.objects.bulk_create(
            [
                HoursCredit(
                    person_id=p, year=year, kind=kind, hours=hours, source=source, source_id=s
                )
                for p, s in new
            ]
        )
        fresh += new
    if not fresh:
        return 0
    people = sorted({p for p, _s in fresh})
    targets = current_targets()
    for start in range(0, len(people), _BULK):
        chunk = people[start : start + _BULK]
        have = set(
            StudyYear.objects.filter(person_id__in=chunk, year=year).values_list(
                "person_id", flat=True
            )
        )
        _insert_years(
            [
                StudyYear(person_id=p, year=year, target=person_target(p, targets))
                for p in chunk
                if p not in have
            ]
        )
    for start in range(0, len(people), _BULK):
        chunk = people[start : start + _BULK]
        rows = StudyYear.objects.filter(person_id__in=chunk, year=year)
        list(rows.select_for_update().order_by("person_id").values_list("pk", flat=True))
        rows.update(**{column: F(column) + hours, "total": F("total") + hours})
    LEDGER.changed()
    return len(fresh)
