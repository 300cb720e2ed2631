"""Every write of activities (文体活动, 志愿服务, 走访慰问, 参观学习): scheduling, sign-up with a
capacity and a waiting list, check-in, photos, the report, and the volunteer hours it credits.

Who may sign up: the people whose organization (primary_org) is the activity's organization or
one below it; for a joint activity of a pairing (结对共建) also the people of the pairing's two
sides. Every change of the sign-up list takes the activity row's lock first, so the counters
(confirmed, waiting, present) stay exact and the waiting list moves up in `queued_at` order
inside the same transaction. Check-in is a conditional UPDATE (checked_in_at IS NULL), under
the same lock, so two scans at once count once.

Volunteer hours are credited when the activity is marked held, for everyone checked in by
then; a check-in after that (a late scan, a paper list entered afterwards) is credited at once.
Un-checking a person is allowed until the activity is marked held: the credits are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.images import check_image, thumbnail
from grassroots.core.permissions import covers, user_can
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person

from ..enums import ACTIVITY_TRANSITIONS, ActivityKind, ActivityStatus, SignupStatus
from ..models import Activity, ActivityPhoto, ActivitySignup, Pairing, VolunteerCredit

MANAGE = "meetings.manage_meeting"
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "signup_deadline",
    "volunteer_hours",
    "pairing",
)
MAX_VOLUNTEER_HOURS = Decimal("24")  # a day's service; longer service is several activities
MAX_DAYS = 31
MAX_CAPACITY = 100_000
REPORT_MAX_CHARS = 5000
MAX_PHOTOS = 200
# A scan is accepted from this long before the start until the end.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


def photo_max_bytes() -> int:
    return int(getattr(settings, "ACTIVITY_PHOTO_MAX_MB", 10)) * 1024 * 1024


def _require(actor, obj) -> None:
    if not user_can(actor, MANAGE, obj):
        raise PermissionDenied(_("您没有权限管理该组织的活动。"))


def local_year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- Who an activity is for ---------------------------------------------------------------


def eligible_q(activity: Activity, lookup: str = "primary_org__path") -> Q:
    """People an activity is open to: its organization's subtree, and for a joint activity the
    subtrees of the pairing's two sides."""
    from grassroots.core.permissions import subtree_q

    q = subtree_q(lookup, activity.organization.path)
    if activity.pairing_id:
        pairing = activity.pairing
        q |= subtree_q(lookup, pairing.unit.path) | subtree_q(lookup, pairing.partner.path)
    return q


def is_eligible(activity: Activity, person: Person) -> bool:
    paths = [activity.organization.path]
    if activity.pairing_id:
        paths += [activity.pairing.unit.path, activity.pairing.partner.path]
    org_path = person.primary_org.path
    return person.status == PersonStatus.ACTIVE and any(org_path.startswith(p) for p in paths)


# --- Scheduling ----------------------------------------------------------------------------


def pairing_allowed(actor, pairing: Pairing) -> bool:
    """A manager may name a pairing whose unit or partner lies in their scope."""
    return covers(actor, MANAGE, pairing.unit.path) or covers(actor, MANAGE, pairing.partner.path)


def _clean(activity: Activity, actor) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("title", "place", "description"):
        setattr(activity, field, (getattr(activity, field) or "").strip())
    if not activity.title:
        add("title", _("请填写活动名称。"))
    if not activity.place:
        add("place", _("请填写活动地点。"))
    if activity.kind not in ActivityKind.values:
        add("kind", _("请选择活动类型。"))
    if not activity.starts_at:
        add("starts_at", _("请填写开始时间。"))
    if not activity.ends_at:
        add("ends_at", _("请填写结束时间。"))
    if activity.starts_at and activity.ends_at:
        if activity.ends_at <= activity.starts_at:
            add("ends_at", _("结束时间应晚于开始时间。"))
        elif activity.ends_at - activity.starts_at > timedelta(days=MAX_DAYS):
            add("ends_at", _("一次活动不能超过 %(d)d 天。") % {"d": MAX_DAYS})
    if not activity.signup_deadline:
        add("signup_deadline", _("请填写报名截止时间。"))
    elif activity.starts_at and activity.signup_deadline > activity.starts_at:
        add("signup_deadline", _("报名截止时间不能晚于活动开始时间。"))
    if activity.capacity is not None:
        if activity.capacity < 1 or activity.capacity > MAX_CAPACITY:
            add("capacity", _("名额应至少为 1 人；不限人数请留空。"))
        elif activity.pk and activity.capacity < activity.confirmed_count:
            add(
                "capacity",
                _("已有 %(n)d 人报名，名额不能少于已报名人数。") % {"n": activity.confirmed_count},
            )
    hours = activity.volunteer_hours
    if activity.kind == ActivityKind.VOLUNTEER:
        if hours is None or not (Decimal("0") < hours <= MAX_VOLUNTEER_HOURS):
            add(
                "volunteer_hours",
                _("志愿服务活动请填写每人计入的时长，应大于 0 且不超过 %(max)s 小时。")
                % {"max": MAX_VOLUNTEER_HOURS},
            )
    elif hours:
        add("volunteer_hours", _("只有志愿服务活动计入志愿服务时长，其他活动请留空或填 0。"))
    else:
        activity.volunteer_hours = Decimal("0")
    if activity.pairing_id and not pairing_allowed(actor, activity.pairing):
        add("pairing", _("只能选择派出单位或联系对象在您管理范围内的结对。"))
    if errors:
        raise ValidationError(errors)


@audited
@transaction.atomic
def activity_create(*, organization: Organization, actor, **fields: Any) -> Activity:
    _require(actor, organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能为已撤销的组织安排活动。"))
    activity = Activity(
        organization=organization,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in ACTIVITY_FIELDS},
    )
    if activity.volunteer_hours is None:
        activity.volunteer_hours = Decimal("0")
    _clean(activity, actor)
    activity.save()
    return activity


def _locked(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("organization", "pairing__unit", "pairing__partner")
        .get(pk=activity.pk)
    )


@audited
@transaction.atomic
def activity_update(*, activity: Activity, actor, **fields: Any) -> Activity:
    """Change an open activity. A larger capacity (or none) gives the new places to the
    waiting list at once; a smaller one may not drop below those already confirmed."""
    _require(actor, activity)
    activity = _locked(activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能再修改；活动小结和照片仍可补充。")
            % {"s": activity.get_status_display()}
        )
    for key, value in fields.items():
        if key in ACTIVITY_FIELDS:
            setattr(activity, key, value)
    if activity.volunteer_hours is None:
        activity.volunteer_hours = Decimal("0")
    _clean(activity, actor)
    activity.save()
    _promote(activity)
    return activity


def _move(activity: Activity, to: str) -> None:
    if (activity.status, to) not in ACTIVITY_TRANSITIONS:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能进行此操作。") % {"s": activity.get_status_display()}
        )


@audited
@transaction.atomic
def activity_cancel(*, activity: Activity, actor, reason: str) -> Activity:
    """Cancel an activity nobody has checked in to; everyone signed up or waiting is told."""
    _require(actor, activity)
    activity = _locked(activity)
    _move(activity, ActivityStatus.CANCELLED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写取消原因。")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("取消原因不能超过 200 字。")]})
    if activity.present_count:
        raise ValidationError(_("已有人员签到，不能取消该活动；如确未开展，请先撤销签到。"))
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    people = list(
        ActivitySignup.objects.filter(
            activity=activity, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING]
        ).values_list("person_id", flat=True)
    )
    title = _("活动已取消：%(title)s") % {"title": activity.title}
    body = _("原定 %(when)s 的活动已取消。取消原因：%(reason)s") % {
        "when": _local(activity.starts_at),
        "reason": reason,
    }
    _notify_people(people, "meetings.activity_cancelled", title, body, activity)
    return activity


@audited
@transaction.atomic
def activity_mark_held(*, activity: Activity, actor, now: datetime | None = None) -> Activity:
    """Record that the activity took place; a volunteer activity credits its hours to each
    person checked in (once: the credit is unique per activity and person)."""
    _require(actor, activity)
    now = now or timezone.now()
    activity = _locked(activity)
    _move(activity, ActivityStatus.HELD)
    if now < activity.starts_at:
        raise ValidationError(_("活动尚未开始，不能标记为已开展。"))
    activity.status = ActivityStatus.HELD
    activity.save(update_fields=["status", "updated_at"])
    present = ActivitySignup.objects.filter(
        activity=activity, status=SignupStatus.CONFIRMED, checked_in_at__isnull=False
    ).values_list("person_id", flat=True)
    _credit(activity, list(present))
    return activity


# --- Volunteer credits -------------------------------------------------------------------


def _credit(activity: Activity, person_ids: list[int]) -> int:
    if activity.kind != ActivityKind.VOLUNTEER or not activity.volunteer_hours or not person_ids:
        return 0
    year = local_year(activity.starts_at)
    orgs = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "primary_org_id"))
    rows = [
        VolunteerCredit(
            person_id=pid,
            activity=activity,
            organization_id=orgs[pid],
            year=year,
            hours=activity.volunteer_hours,
        )
        for pid in person_ids
        if pid in orgs
    ]
    VolunteerCredit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


# --- Sign-up -------------------------------------------------------------------------------


def _notify_people(
    person_ids: list[int], kind: str, title: str, body: str, activity: Activity
) -> None:
    if not person_ids:
        return
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    url = reverse("meetings:activity_detail", args=[activity.pk])
    ids = list(person_ids)

    def send() -> None:
        users = User.objects.filter(is_active=True, person_id__in=ids)
        notify(
            recipients=users.iterator(chunk_size=2000), kind=kind, title=title, body=body, url=url
        )

    transaction.on_commit(send)


def _has_room(activity: Activity) -> bool:
    return activity.capacity is None or activity.confirmed_count < activity.capacity


def _promote(activity: Activity, now: datetime | None = None) -> list[int]:
    """Give free places to the waiting list, first come first served (the caller holds the
    activity's lock). The promoted people are told. Returns their person ids."""
    promoted: list[int] = []
    if activity.status != ActivityStatus.OPEN:
        return promoted
    while _has_room(activity) and activity.waiting_count > 0:
        free = None if activity.capacity is None else activity.capacity - activity.confirmed_count
        queue = ActivitySignup.objects.filter(
            activity=activity, status=SignupStatus.WAITING
        ).order_by("queued_at", "id")
        rows = list(queue.values_list("pk", "person_id")[: free or 10_000])
        if not rows:
            break
        ActivitySignup.objects.filter(pk__in=[pk for pk, _p in rows]).update(
            status=SignupStatus.CONFIRMED
        )
        activity.confirmed_count += len(rows)
        activity.waiting_count -= len(rows)
        promoted += [person_id for _pk, person_id in rows]
    if promoted:
        Activity.objects.filter(pk=activity.pk).update(
            confirmed_count=activity.confirmed_count, waiting_count=activity.waiting_count
        )
        title = _("递补成功：%(title)s") % {"title": activity.title}
        body = _(
            "有人取消报名，您已从候补名单转为正式报名。活动时间：%(when)s，地点：%(place)s。"
        ) % {
            "when": _local(activity.starts_at),
            "place": activity.place,
        }
        _notify_people(promoted, "meetings.activity_promoted", title, body, activity)
    return promoted


def _enrol(activity: Activity, person: Person, *, by_hand: bool, now: datetime) -> ActivitySignup:
    """Give a person a place or a place in line (the caller holds the activity's lock).
    Signing up again after cancelling reuses the row, at the back of the line."""
    signup = ActivitySignup.objects.filter(activity=activity, person=person).first()
    if signup is not None and signup.status == SignupStatus.CONFIRMED:
        raise ValidationError(_("%(name)s 已报名该活动。") % {"name": person.name})
    if signup is not None and signup.status == SignupStatus.WAITING:
        raise ValidationError(_("%(name)s 已在候补名单中。") % {"name": person.name})
    status = SignupStatus.CONFIRMED if _has_room(activity) else SignupStatus.WAITING
    if signup is None:
        signup = ActivitySignup(activity=activity, person=person)
    signup.status = status
    signup.queued_at = now
    signup.cancelled_at = None
    signup.checked_in_at = None
    signup.by_hand = by_hand
    signup.save()
    if status == SignupStatus.CONFIRMED:
        activity.confirmed_count += 1
        counter = {"confirmed_count": F("confirmed_count") + 1}
    else:
        activity.waiting_count += 1
        counter = {"waiting_count": F("waiting_count") + 1}
    Activity.objects.filter(pk=activity.pk).update(**counter)
    return signup


def _own_person(actor) -> Person:
    if not getattr(actor, "person_id", None):
        raise ValidationError(_("您的账号未关联人员信息，无法报名。请联系管理员。"))
    return Person.objects.select_related("primary_org").get(pk=actor.person_id)


@audited
@transaction.atomic
def activity_sign_up(*, activity: Activity, actor, now: datetime | None = None) -> ActivitySignup:
    """A member signs themself up: a place while there is one, else the waiting list."""
    now = now or timezone.now()
    person = _own_person(actor)
    activity = _locked(activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能报名。") % {"s": activity.get_status_display()}
        )
    if not is_eligible(activity, person):
        raise PermissionDenied(_("该活动只面向主办组织及其下级组织的人员。"))
    if now > activity.signup_deadline:
        raise ValidationError(_("报名已于 %(t)s 截止。") % {"t": _local(activity.signup_deadline)})
    return _enrol(activity, person, by_hand=False, now=now)


@audited
@transaction.atomic
def activity_sign_up_person(
    *, activity: Activity, person: Person, actor, now: datetime | None = None
) -> ActivitySignup:
    """A manager signs someone up by hand (a phone call, a paper list): the deadline does not
    apply, the capacity does (a full activity puts them on the waiting list)."""
    _require(actor, activity)
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能报名。") % {"s": activity.get_status_display()}
        )
    person = Person.objects.select_related("primary_org").get(pk=person.pk)
    if not is_eligible(activity, person):
        raise ValidationError(
            {"person": [_("%(name)s 不属于主办组织及其下级组织。") % {"name": person.name}]}
        )
    return _enrol(activity, person, by_hand=True, now=now)


def _drop(activity: Activity, signup: ActivitySignup, now: datetime) -> ActivitySignup:
    """Cancel a sign-up (the caller holds the activity's lock) and move the line up. The
    UPDATE is conditional: a check-in that slipped in first wins, and the cancel is refused."""
    old = signup.status
    if old == SignupStatus.CANCELLED:
        raise ValidationError(_("该报名已经取消。"))
    changed = ActivitySignup.objects.filter(
        pk=signup.pk, status=old, checked_in_at__isnull=True
    ).update(status=SignupStatus.CANCELLED, cancelled_at=now)
    if not changed:
        raise ValidationError(_("已签到的报名不能取消；如有误，请先撤销签到。"))
    if old == SignupStatus.CONFIRMED:
        activity.confirmed_count -= 1
        Activity.objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
    else:
        activity.waiting_count -= 1
        Activity.objects.filter(pk=activity.pk).update(waiting_count=F("waiting_count") - 1)
    _promote(activity, now)
    signup.refresh_from_db()
    return signup


@audited
@transaction.atomic
def activity_cancel_signup(
    *, activity: Activity, actor, now: datetime | None = None
) -> ActivitySignup:
    """A member withdraws before the activity starts; a freed place goes to the first person
    waiting, who is told."""
    now = now or timezone.now()
    person = _own_person(actor)
    activity = _locked(activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能取消报名。") % {"s": activity.get_status_display()}
        )
    if now >= activity.starts_at:
        raise ValidationError(_("活动已经开始，不能取消报名；如有特殊情况请联系组织者。"))
    signup = ActivitySignup.objects.filter(activity=activity, person=person).first()
    if signup is None or signup.status == SignupStatus.CANCELLED:
        raise ValidationError(_("您没有报名该活动。"))
    return _drop(activity, signup, now)


@audited
@transaction.atomic
def activity_remove_signup(
    *, signup: ActivitySignup, actor, now: datetime | None = None
) -> ActivitySignup:
    """A manager removes someone from the list (or the waiting list)."""
    _require(actor, signup)
    now = now or timezone.now()
    activity = _locked(signup.activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(
            _("活动当前为“%(s)s”，不能调整报名名单。") % {"s": activity.get_status_display()}
        )
    signup = ActivitySignup.objects.select_related("person").get(pk=signup.pk)
    return _drop(activity, signup, now)


# --- Check-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinResult:
    signup: ActivitySignup
    counted: bool  # False: already checked in, nothing changed


def _mark_present(activity: Activity, signup: ActivitySignup, now: datetime) -> bool:
    changed = ActivitySignup.objects.filter(
        pk=signup.pk, status=SignupStatus.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=now)
    if changed:
        Activity.objects.filter(pk=activity.pk).update(present_count=F("present_count") + 1)
        activity.present_count += 1
        if activity.status == ActivityStatus.HELD:
            _credit(activity, [signup.person_id])
    signup.refresh_from_db()
    return bool(changed)


@transaction.atomic
def activity_check_in(*, activity: Activity, actor, now: datetime | None = None) -> CheckinResult:
    """A confirmed member checks in by scanning the code on the screen, once."""
    now = now or timezone.now()
    if not getattr(actor, "person_id", None):
        raise ValidationError(
            _("您的账号未关联人员信息，无法签到。请联系管理员。"), code="no_person"
        )
    activity = _locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("该活动已取消，无需签到。"), code="cancelled")
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(
            _("签到尚未开始：%(t)s 起可以签到。")
            % {"t": _local(activity.starts_at - CHECKIN_OPENS_BEFORE)},
            code="too_early",
        )
    if now > activity.ends_at:
        raise ValidationError(
            _("签到已结束（活动已于 %(t)s 结束）。") % {"t": _local(activity.ends_at)},
            code="too_late",
        )
    signup = ActivitySignup.objects.filter(activity=activity, person_id=actor.person_id).first()
    if signup is None or signup.status == SignupStatus.CANCELLED:
        raise ValidationError(
            _("您没有报名该活动，不能签到。如需参加，请联系组织者。"), code="not_signed_up"
        )
    if signup.status == SignupStatus.WAITING:
        raise ValidationError(
            _("您在候补名单中，尚未获得名额，不能签到。如需参加，请联系组织者。"),
            code="waiting",
        )
    counted = _mark_present(activity, signup, now)
    return CheckinResult(signup, counted)


@audited
@transaction.atomic
def activity_mark_checkin(
    *, signup: ActivitySignup, present: bool, actor, now: datetime | None = None
) -> ActivitySignup:
    """A manager checks someone in by hand, or takes a check-in back before the activity is
    marked held (after that the volunteer hours are credited and stay)."""
    _require(actor, signup)
    now = now or timezone.now()
    activity = _locked(signup.activity)
    signup = ActivitySignup.objects.select_related("person").get(pk=signup.pk)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("该活动已取消。"))
    if present:
        if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
            raise ValidationError(_("活动尚未开始，不能登记签到。"))
        if signup.status != SignupStatus.CONFIRMED:
            raise ValidationError(
                _("%(name)s 不是正式报名人员（%(s)s），不能登记签到。")
                % {"name": signup.person.name, "s": signup.get_status_display()}
            )
        _mark_present(activity, signup, now)
        return signup
    if activity.status == ActivityStatus.HELD:
        raise ValidationError(_("活动已标记为已开展，志愿服务时长已计入，不能再撤销签到。"))
    changed = ActivitySignup.objects.filter(pk=signup.pk, checked_in_at__isnull=False).update(
        checked_in_at=None
    )
    if changed:
        Activity.objects.filter(pk=activity.pk).update(present_count=F("present_count") - 1)
    signup.refresh_from_db()
    return signup


# --- Photos and the report ---------------------------------------------------------------


@audited
@transaction.atomic
def activity_photo_add(*, activity: Activity, actor, image, caption: str = "") -> ActivityPhoto:
    _require(actor, activity)
    activity = _locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("该活动已取消，不能上传照片。"))
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise ValidationError({"caption": [_("照片说明不能超过 200 字。")]})
    if ActivityPhoto.objects.filter(activity=activity).count() >= MAX_PHOTOS:
        raise ValidationError(_("每个活动最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
    if not image:
        raise ValidationError({"image": [_("请选择照片。")]})
    try:
        check_image(image, photo_max_bytes())
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    thumb = thumbnail(image)
    photo = ActivityPhoto(activity=activity, caption=caption, size=image.size, uploaded_by=actor)
    photo.image.save(image.name, image, save=False)
    photo.thumbnail.save("thumb.jpg", thumb, save=False)
    photo.save()
    return photo


@audited
@transaction.atomic
def activity_photo_delete(*, photo: ActivityPhoto, actor) -> None:
    _require(actor, photo)
    image, thumb = photo.image, photo.thumbnail
    photo.delete()

    def remove() -> None:
        for field in (image, thumb):
            if field:
                field.storage.delete(field.name)

    transaction.on_commit(remove)


@audited
@transaction.atomic
def activity_report(
    *, activity: Activity, actor, report: str, now: datetime | None = None
) -> Activity:
    """Write or correct the activity's short report (活动小结), once it has started."""
    _require(actor, activity)
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("该活动已取消，无需填写小结。"))
    if now < activity.starts_at:
        raise ValidationError(_("活动开始后才能填写活动小结。"))
    report = (report or "").strip()
    if len(report) > REPORT_MAX_CHARS:
        raise ValidationError(
            {"report": [_("活动小结不能超过 %(n)d 字。") % {"n": REPORT_MAX_CHARS}]}
        )
    activity.report = report
    activity.reported_at = now if report else None
    activity.save(update_fields=["report", "reported_at", "updated_at"])
    return activity
