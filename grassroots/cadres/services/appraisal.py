"""Appraisal of seconded cadres (考核), the exchange meeting (座谈会) and commendation (表彰).

A round (mid-term or final) is one campaign of the evaluation engine: the cadres are its
subjects, rated on 德、能、勤、绩、廉 (the five headings of the civil-service appraisal that
organization departments use for 挂职干部考核, equal weights) by four groups: the cadre
(本人, 10%), the host leader (接收单位领导, 40%), the group leader (组长, 20%), all named, and
colleagues at the host unit (接收单位同事, 30%), anonymous, through single-use codes printed per
cadre. The organizing body then decides each cadre's result with the tally beside it; the
final round's result is the secondment's result.

The engine is called with `check_permission=False`: the cadres permission is checked here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grassroots.core import permissions
from grassroots.core.audit import audited
from grassroots.evaluations.enums import CampaignStatus, ScaleKind, SubjectKind
from grassroots.evaluations.models import RaterGroup, Subject
from grassroots.evaluations.selectors.results import subject_result
from grassroots.evaluations.services import campaigns as engine
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Person

from ..enums import (
    AppraisalResult,
    AppraisalStage,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from ..models import Appraisal, AppraisalRound, Program, Secondment
from ..selectors.access import APPROVE, MANAGE
from .transitions import record_event

SOURCE = "cadres"
# The headings of the appraisal, marked for translation and stored in the language of the
# officer who starts the round (the engine keeps names as data).
DIMENSIONS = (
    gettext_noop("德"),
    gettext_noop("能"),
    gettext_noop("勤"),
    gettext_noop("绩"),
    gettext_noop("廉"),
)
# The rater groups in this order: the engine numbers them 0..3 (RaterGroup.sort_order), which is
# how the cadres pages know which group is which whatever the language of their names.
SELF, HOST, LEADER, COLLEAGUES = 0, 1, 2, 3
GROUPS = (
    (gettext_noop("本人"), 10, False),
    (gettext_noop("接收单位领导"), 40, False),
    (gettext_noop("组长"), 20, False),
    (gettext_noop("接收单位同事"), 30, True),
)
# Who is rated: the cadres on their post or at the end of it.
RATED = (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED)
# Whose result may still be decided (an archived record is closed).
DECIDABLE = (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED)
COMMENDABLE = (SecondmentStatus.COMPLETED, SecondmentStatus.ARCHIVED)
TOKENS_MAX = 200  # codes per cadre
NOTE_MAX = 2000
COMMENDATION_MAX = 200
PLACE_MAX = 200


def _require(actor, program: Program, codename: str) -> None:
    if not permissions.covers(actor, codename, program.organization.path):
        raise PermissionDenied(_("您没有权限办理该批次的考核。"))


def _locked_program(program: Program) -> Program:
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )


def _locked_secondment(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization", "person", "post")
        .get(pk=secondment.pk)
    )


def appraisal_url(secondment: Secondment) -> str:
    return reverse("cadres:secondment_appraisal", args=[secondment.pk])


# --- Rounds ----------------------------------------------------------------------------------


def _users_by_person(person_ids) -> dict[int, object]:
    from grassroots.accounts.models import User

    return {
        u.person_id: u
        for u in User.objects.filter(person_id__in=[p for p in person_ids if p], is_active=True)
    }


@audited
@transaction.atomic
def appraisal_round_start(
    *,
    program: Program,
    stage: str,
    opens_at: datetime,
    closes_at: datetime,
    colleague_tokens: int = 5,
    actor,
) -> AppraisalRound:
    """Start the mid-term or final appraisal of a running program: one campaign with the
    cadres on their posts as subjects, each cadre rating themself, each host leader and group
    leader rating their own cadres, and `colleague_tokens` anonymous codes per cadre for the
    colleagues at the host unit; the campaign is opened at once (its raters are told).

    Raters without an account are left out (the round's page lists them); a whole group left
    without raters keeps the campaign from opening, and nothing is saved."""
    program = _locked_program(program)
    _require(actor, program, MANAGE)
    if program.status != ProgramStatus.RUNNING:
        raise ValidationError(
            _("批次当前状态为“%(status)s”，只有挂职中的批次可以开展考核。")
            % {"status": program.get_status_display()}
        )
    if stage not in AppraisalStage.values:
        raise ValidationError({"stage": [_("请选择考核阶段。")]})
    if AppraisalRound.objects.filter(program=program, stage=stage).exists():
        raise ValidationError(
            {"stage": [_("本批次已开展%(stage)s。") % {"stage": AppraisalStage(stage).label}]}
        )
    try:
        colleague_tokens = int(colleague_tokens)
    except (TypeError, ValueError):
        colleague_tokens = 0
    if not 1 <= colleague_tokens <= TOKENS_MAX:
        raise ValidationError(
            {
                "colleague_tokens": [
                    _("每名挂职干部的同事测评码应为 1 到 %(n)d 个。") % {"n": TOKENS_MAX}
                ]
            }
        )
    secondments = list(
        Secondment.objects.filter(program=program, status__in=RATED)
        .select_related("person", "group")
        .order_by("post__sort_order", "post_id", "id")
    )
    if not secondments:
        raise ValidationError(_("本批次没有在岗的挂职干部，无法开展考核。"))
    stage_label = AppraisalStage(stage).label
    campaign = engine.campaign_create(
        organization=program.organization,
        title=f"{program.title} · {stage_label}"[:120],
        description=_("%(program)s挂职干部%(stage)s")
        % {"program": program.title, "stage": stage_label},
        subject_kind=SubjectKind.PERSON,
        scale_kind=ScaleKind.GRADES,
        opens_at=opens_at,
        closes_at=closes_at,
        source=SOURCE,
        dimensions=[(_(name), 1) for name in DIMENSIONS],
        groups=[(_(name), weight, anonymous) for name, weight, anonymous in GROUPS],
        actor=actor,
        check_permission=False,
    )
    engine.subjects_add_people(
        campaign=campaign,
        people=[s.person for s in secondments],
        actor=actor,
        check_permission=False,
    )
    subjects = {s.person_id: s for s in Subject.objects.filter(campaign=campaign)}
    groups = {g.sort_order: g for g in RaterGroup.objects.filter(campaign=campaign)}
    users = _users_by_person(
        [pid for s in secondments for pid in (s.person_id, s.host_leader_id, _leader_id(s))]
    )
    # Every cadre's raters and codes in one call each: the engine writes them in a few queries
    # whatever the number of cadres.
    assignments = []
    for secondment in secondments:
        subject = subjects[secondment.person_id]
        for group_key, person_id in (
            (SELF, secondment.person_id),
            (HOST, secondment.host_leader_id),
            (LEADER, _leader_id(secondment)),
        ):
            user = users.get(person_id)
            if user is not None:
                assignments.append((groups[group_key], user, subject))
    engine.raters_add_many(
        campaign=campaign, assignments=assignments, actor=actor, check_permission=False
    )
    engine.tokens_issue_per_subject(
        campaign=campaign,
        group=groups[COLLEAGUES],
        count=colleague_tokens,
        subjects=[subjects[s.person_id] for s in secondments],
        actor=actor,
        check_permission=False,
    )
    campaign = engine.campaign_open(campaign=campaign, actor=actor, check_permission=False)
    return AppraisalRound.objects.create(program=program, stage=stage, campaign=campaign)


def _leader_id(secondment: Secondment) -> int | None:
    """The group leader rates the cadres of the group, but not themself when a cadre leads."""
    if secondment.group_id is None:
        return None
    leader_id = secondment.group.leader_id
    return None if leader_id == secondment.person_id else leader_id


@audited
@transaction.atomic
def appraisal_round_close(*, round: AppraisalRound, actor) -> AppraisalRound:
    """End a round's campaign before its deadline passes by itself: no ballot after this, and
    the anonymous colleagues' scores are shown."""
    program = _locked_program(round.program)
    _require(actor, program, MANAGE)
    engine.campaign_close(campaign=round.campaign, actor=actor, check_permission=False)
    round.campaign.refresh_from_db()
    return round


@audited
@transaction.atomic
def appraisal_decide(
    *,
    round: AppraisalRound,
    secondment: Secondment,
    result: str,
    note: str = "",
    actor,
) -> Appraisal:
    """The organizing body's decision on one cadre in one round (优秀/良好/合格/不合格), taken
    with the tally beside it once the campaign has closed; the weighted total is copied onto
    the decision. The final round's decision is the secondment's result."""
    secondment = _locked_secondment(secondment)
    _require(actor, secondment.program, APPROVE)
    if secondment.program_id != round.program_id:
        raise ValidationError(_("该挂职干部不属于这一考核批次。"))
    if result not in AppraisalResult.values:
        raise ValidationError({"result": [_("请选择考核结果。")]})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}]})
    if secondment.status not in DECIDABLE:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能确定考核结果。")
            % {"status": secondment.get_status_display()}
        )
    campaign = round.campaign
    campaign.refresh_from_db(fields=["status"])
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError(_("测评结束后才能确定考核结果。"), code="campaign_open")
    subject = Subject.objects.filter(campaign=campaign, person_id=secondment.person_id).first()
    scored = subject_result(campaign, subject) if subject is not None else None
    appraisal, _created = Appraisal.objects.update_or_create(
        round=round,
        secondment=secondment,
        defaults={
            "result": result,
            "note": note,
            "total": scored.total if scored is not None else None,
            "decided_by": actor,
        },
    )
    label = AppraisalResult(result).label
    record_event(
        secondment=secondment,
        action=EventAction.APPRAISED,
        actor=actor,
        comment=f"{AppraisalStage(round.stage).label}：{label}",
    )
    if round.stage == AppraisalStage.FINAL and secondment.result != result:
        secondment.result = result
        secondment.save(update_fields=["result", "updated_at"])
    transaction.on_commit(lambda: _notify_decided(secondment, round, label))
    return appraisal


def _notify_decided(secondment: Secondment, round: AppraisalRound, label: str) -> None:
    from grassroots.notifications.services import notify

    user = getattr(secondment.person, "user", None)
    if user is None:
        return
    notify(
        recipients=[user],
        kind="cadres.appraised",
        title=_("%(stage)s结果：%(result)s")
        % {"stage": AppraisalStage(round.stage).label, "result": label},
        body=_("%(program)s的%(stage)s结果已确定。")
        % {"program": secondment.program.title, "stage": AppraisalStage(round.stage).label},
        url=appraisal_url(secondment),
    )


# --- Exchange meeting and commendation -----------------------------------------------------------


@audited
@transaction.atomic
def exchange_meeting_schedule(
    *,
    program: Program,
    starts_at: datetime,
    place: str,
    actor,
    ends_at: datetime | None = None,
    topic: str = "",
) -> Program:
    """Schedule the program's exchange meeting (挂职干部座谈会) as a meeting of the organizing
    body (kind 其他): its own people on the list as members, the cadres invited, and their host
    leaders and group leaders (those the officer may see); and send its notice."""
    from grassroots.meetings.models import MeetingKind
    from grassroots.meetings.services.meetings import meeting_create

    program = _locked_program(program)
    _require(actor, program, MANAGE)
    if program.status not in MEETING_STATUSES:
        raise ValidationError(
            _("批次当前状态为“%(status)s”，不能安排座谈会。")
            % {"status": program.get_status_display()}
        )
    if not exchange_meeting_open(program):
        raise ValidationError(_("本批次已安排座谈会。"))
    if not starts_at:
        raise ValidationError({"starts_at": [_("请填写开始时间。")]})
    kind = MeetingKind.objects.filter(code="other").first()
    if kind is None:
        raise ValidationError(_("会议类别“其他”不存在，请联系系统管理员。"))
    placed = list(
        Secondment.objects.filter(
            program=program,
            status__in=(
                SecondmentStatus.PLACED,
                SecondmentStatus.COMPLETED,
                SecondmentStatus.ARCHIVED,
            ),
        )
        .order_by("id")
        .values_list("person_id", "host_leader_id", "group__leader_id")
    )
    cadres = [person for person, _host, _leader in placed]
    # The cadres are invited whatever happens (the meeting refuses one the officer may not
    # see, as for any meeting); their leaders as far as the officer sees them: a host leader
    # of a unit outside the officer's subtree is added on the meeting's page by its host.
    leaders = {pk for _person, *pair in placed for pk in pair if pk} - set(cadres)
    seen = permissions.objects_for(
        actor,
        "orgs.view_person",
        Person.objects.filter(pk__in=leaders, status=PersonStatus.ACTIVE),
        own=True,
    ).values_list("pk", flat=True)
    meeting = meeting_create(
        organization=program.organization,
        kind=kind,
        actor=actor,
        invited=[*cadres, *sorted(seen)],
        send_notice=True,
        title=(_("%(program)s挂职干部座谈会") % {"program": program.title})[:200],
        topic=topic or _("挂职干部交流挂职体会，接收单位和组织单位听取意见。"),
        starts_at=starts_at,
        ends_at=ends_at or (starts_at + timedelta(hours=2)),
        place=(place or "").strip()[:PLACE_MAX],
    )
    program.exchange_meeting = meeting
    program.save(update_fields=["exchange_meeting", "updated_at"])
    return program


# The exchange meeting is held once the cadres are on their posts, or after the term.
MEETING_STATUSES = (ProgramStatus.RUNNING, ProgramStatus.FINISHED)


def exchange_meeting_open(program: Program) -> bool:
    """True when the program has no exchange meeting, or only a cancelled one."""
    from grassroots.meetings.enums import MeetingStatus

    current = program.exchange_meeting
    return current is None or current.status == MeetingStatus.CANCELLED


@audited
@transaction.atomic
def secondment_commend(*, secondment: Secondment, text: str, actor) -> Secondment:
    """Commend an outstanding cadre (表彰) once the term is over: e.g. 评为优秀挂职干部."""
    secondment = _locked_secondment(secondment)
    _require(actor, secondment.program, APPROVE)
    if secondment.status not in COMMENDABLE:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，期满后才能表彰。")
            % {"status": secondment.get_status_display()}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写表彰情况。")]})
    if len(text) > COMMENDATION_MAX:
        raise ValidationError(
            {"text": [_("表彰情况不能超过 %(n)d 个字。") % {"n": COMMENDATION_MAX}]}
        )
    secondment.commended = True
    secondment.commendation = text
    secondment.save(update_fields=["commended", "commendation", "updated_at"])
    record_event(secondment=secondment, action=EventAction.COMMENDED, actor=actor, comment=text)
    transaction.on_commit(lambda: _notify_commended(secondment))
    return secondment


def _notify_commended(secondment: Secondment) -> None:
    from grassroots.notifications.services import notify

    user = getattr(secondment.person, "user", None)
    if user is None:
        return
    notify(
        recipients=[user],
        kind="cadres.commended",
        title=_("您在%(program)s中受到表彰") % {"program": secondment.program.title},
        body=secondment.commendation,
        url=appraisal_url(secondment),
    )
