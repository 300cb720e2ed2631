"""Voting (投票): a named rater's ballot, its revision in a named group, a rater's whole sheet in
one transaction, and a token's sheet.

Who voted is a `Receipt` (unique per voter and subject: two submissions at the same instant
count once); what was voted is a `Ballot` with its `Score` rows. Nothing here pairs them: a
ballot of an anonymous group has no rater, a ballot cast with a token never names the token,
and nothing is logged or timed. Every vote locks its campaign row, so a vote and the closing of
the campaign never overlap: a ballot is counted only while the campaign is open.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import CampaignStatus
from ..models import Ballot, Campaign, Dimension, Rater, Receipt, ScaleLevel, Score, Subject, Token

Answers = dict[int, int]  # dimension id -> level id


def _locked_campaign(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def check_open(campaign: Campaign, now=None) -> None:
    """Refuse a vote outside the campaign's window, in plain words."""
    now = now or timezone.now()
    if campaign.status == CampaignStatus.DRAFT or (
        campaign.status == CampaignStatus.OPEN and now < campaign.opens_at
    ):
        raise ValidationError(_("测评尚未开始。"), code="not_open")
    if campaign.status != CampaignStatus.OPEN or now >= campaign.closes_at:
        raise ValidationError(_("测评已结束。"), code="closed")


class _Scale:
    """The campaign's dimensions and levels, read once per vote."""

    def __init__(self, campaign: Campaign):
        self.dimensions = list(Dimension.objects.filter(campaign=campaign))
        self.levels = {level.pk: level for level in ScaleLevel.objects.filter(campaign=campaign)}

    def clean(self, subject: Subject, answers) -> list[tuple[Dimension, ScaleLevel]]:
        """Every dimension answered once with a level of this campaign, or a clear refusal."""
        try:
            chosen = {int(d): int(level) for d, level in (answers or {}).items() if level}
        except (TypeError, ValueError):
            chosen = None
        known = {d.pk for d in self.dimensions}
        if chosen is None or set(chosen) - known:
            raise ValidationError(_("评价内容不属于本测评。"), code="foreign")
        if set(chosen) != known:
            raise ValidationError(
                _("请为“%(subject)s”的每个维度选择评价等次。") % {"subject": subject.label},
                code="incomplete",
            )
        pairs = []
        for dimension in self.dimensions:
            level = self.levels.get(chosen[dimension.pk])
            if level is None:
                raise ValidationError(_("评价内容不属于本测评。"), code="foreign")
            pairs.append((dimension, level))
        return pairs


def _scores(ballot: Ballot, pairs) -> list[Score]:
    return [
        Score(
            ballot=ballot,
            dimension=dimension,
            level=level,
            points=level.points,
            satisfied=level.satisfied,
            campaign_id=ballot.campaign_id,
            subject_id=ballot.subject_id,
            group_id=ballot.group_id,
        )
        for dimension, level in pairs
    ]


def _receipt(**fields) -> None:
    """The voter's receipt for one subject; a second one means the vote was already counted."""
    try:
        with transaction.atomic():
            Receipt.objects.create(**fields)
    except IntegrityError:
        raise ValidationError(_("您已对该对象投过票，不能重复投票。"), code="already") from None


def _check_rater(campaign: Campaign, subject: Subject, rater: Rater, actor) -> None:
    if actor is None or not actor.is_authenticated or rater.user_id != actor.pk:
        raise PermissionDenied(_("您不是该测评的测评人。"))
    if rater.campaign_id != campaign.pk or subject.campaign_id != campaign.pk:
        raise ValidationError(_("测评对象不在本测评中。"), code="foreign")
    if rater.subject_id is not None and rater.subject_id != subject.pk:
        raise ValidationError(
            _("您不是“%(subject)s”的测评人。") % {"subject": subject.label}, code="subject"
        )


def _cast(campaign, subject, rater, pairs, comment: str) -> Ballot:
    _receipt(campaign=campaign, group_id=rater.group_id, subject=subject, rater=rater)
    named = not rater.group.anonymous
    ballot = Ballot.objects.create(
        campaign=campaign,
        subject=subject,
        group_id=rater.group_id,
        rater=rater if named else None,
        comment=(comment or "").strip(),
    )
    Score.objects.bulk_create(_scores(ballot, pairs))
    return ballot


@transaction.atomic
def ballot_cast(
    *,
    campaign: Campaign,
    subject: Subject,
    answers: Answers,
    comment: str = "",
    rater: Rater,
    actor,
) -> Ballot:
    """A named account's ballot on one subject. In an anonymous group the ballot keeps no
    rater (and so can never be revised); in a named group it keeps the rater."""
    _check_rater(campaign, subject, rater, actor)
    campaign = _locked_campaign(campaign.pk)
    check_open(campaign)
    pairs = _Scale(campaign).clean(subject, answers)
    return _cast(campaign, subject, rater, pairs, comment)


def _revise(ballot: Ballot, pairs, comment: str) -> Ballot:
    Score.objects.filter(ballot=ballot).delete()
    Score.objects.bulk_create(_scores(ballot, pairs))
    ballot.comment = (comment or "").strip()
    ballot.save(update_fields=["comment"])
    return ballot


@transaction.atomic
def ballot_revise(*, ballot: Ballot, answers: Answers, comment: str = "", actor) -> Ballot:
    """A named rater changes their ballot while the campaign is open."""
    if ballot.rater_id is None:
        raise ValidationError(_("匿名测评提交后不能修改。"), code="anonymous")
    rater = Rater.objects.select_related("group").get(pk=ballot.rater_id)
    if actor is None or not actor.is_authenticated or rater.user_id != actor.pk:
        raise PermissionDenied(_("只能修改自己的选票。"))
    campaign = _locked_campaign(ballot.campaign_id)
    check_open(campaign)
    ballot = Ballot.objects.select_for_update().select_related("subject").get(pk=ballot.pk)
    pairs = _Scale(campaign).clean(ballot.subject, answers)
    return _revise(ballot, pairs, comment)


def raters_by_subject(user, campaign: Campaign) -> dict[int, Rater]:
    """{subject id: the user's rater row for it}: a row for one subject wins over a row for
    every subject."""
    rows = list(Rater.objects.filter(campaign=campaign, user=user).select_related("group"))
    everyone = next((r for r in rows if r.subject_id is None), None)
    mapping: dict[int, Rater] = {}
    if everyone is not None:
        for subject_id in Subject.objects.filter(campaign=campaign).values_list("pk", flat=True):
            mapping[subject_id] = everyone
    for rater in rows:
        if rater.subject_id is not None:
            mapping[rater.subject_id] = rater
    return mapping


@transaction.atomic
def ballot_sheet_submit(
    *, campaign: Campaign, answers: dict[int, Answers], comments: dict[int, str], actor
) -> int:
    """A named account's sheet: a ballot for each subject answered, cast or (in a named group,
    when already cast) revised, all in one transaction. The count of ballots saved."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    campaign = _locked_campaign(campaign.pk)
    check_open(campaign)
    if not answers:
        raise ValidationError(_("请至少评价一个对象。"), code="empty")
    raters = raters_by_subject(actor, campaign)
    if not raters:
        raise PermissionDenied(_("您不是该测评的测评人。"))
    subjects = Subject.objects.in_bulk([int(pk) for pk in answers])
    scale = _Scale(campaign)
    named = {
        b.subject_id: b
        for b in Ballot.objects.filter(
            campaign=campaign, rater__in={r.pk for r in raters.values()}
        ).select_for_update()
    }
    count = 0
    for subject_id, subject_answers in answers.items():
        subject = subjects.get(int(subject_id))
        if subject is None or subject.campaign_id != campaign.pk:
            raise ValidationError(_("测评对象不在本测评中。"), code="foreign")
        rater = raters.get(subject.pk)
        if rater is None:
            raise ValidationError(
                _("您不是“%(subject)s”的测评人。") % {"subject": subject.label}, code="subject"
            )
        pairs = scale.clean(subject, subject_answers)
        comment = (comments or {}).get(subject_id, "")
        previous = named.get(subject.pk)
        if previous is not None and previous.rater_id == rater.pk:
            _revise(previous, pairs, comment)
        else:
            _cast(campaign, subject, rater, pairs, comment)
        count += 1
    return count


def token_refusal(token: Token | None) -> None:
    if token is None:
        raise ValidationError(_("测评码无效。"), code="unknown")
    if token.revoked:
        raise ValidationError(_("该测评码已作废。"), code="revoked")
    if token.used:
        raise ValidationError(_("该测评码已使用。"), code="used")


def token_subjects(token: Token) -> list[Subject]:
    """What a token rates: its one subject, or every subject of its campaign."""
    if token.subject_id is not None:
        return [Subject.objects.get(pk=token.subject_id)]
    return list(Subject.objects.filter(campaign_id=token.campaign_id))


@transaction.atomic
def token_ballot_cast(*, code: str, answers: dict[int, Answers], comments: dict[int, str]) -> int:
    """A sheet answered with a single-use token (no account): every subject the token rates,
    answered in full. The token is spent by a conditional update and a receipt per subject in
    the same transaction, so the same code sent twice at once counts once. The ballots never
    name the token. The count of ballots saved."""
    token = Token.objects.filter(code=(code or "").strip()).select_related("group").first()
    token_refusal(token)
    campaign = _locked_campaign(token.campaign_id)
    check_open(campaign)
    subjects = token_subjects(token)
    try:
        answered = {int(pk): value for pk, value in (answers or {}).items()}
    except (TypeError, ValueError):
        answered = None
    wanted = {s.pk for s in subjects}
    if answered is None or set(answered) - wanted:
        raise ValidationError(_("测评对象不在本测评中。"), code="foreign")
    scale = _Scale(campaign)
    sheets = []
    for subject in subjects:
        if subject.pk not in answered:
            raise ValidationError(
                _("请为“%(subject)s”的每个维度选择评价等次。") % {"subject": subject.label},
                code="incomplete",
            )
        sheets.append((subject, scale.clean(subject, answered[subject.pk])))
    spent = Token.objects.filter(pk=token.pk, used=False, revoked=False).update(used=True)
    if spent != 1:
        raise ValidationError(_("该测评码已使用。"), code="used")
    try:
        with transaction.atomic():
            Receipt.objects.bulk_create(
                [
                    Receipt(campaign=campaign, group_id=token.group_id, subject=s, token=token)
                    for s, _pairs in sheets
                ]
            )
    except IntegrityError:
        raise ValidationError(_("该测评码已使用。"), code="used") from None
    comments = {int(k): v for k, v in (comments or {}).items()}
    ballots = [
        Ballot(
            campaign=campaign,
            subject=subject,
            group_id=token.group_id,
            comment=(comments.get(subject.pk) or "").strip(),
        )
        for subject, _pairs in sheets
    ]
    Ballot.objects.bulk_create(ballots)
    Score.objects.bulk_create(
        [
            score
            for ballot, (_subject, pairs) in zip(ballots, sheets, strict=True)
            for score in _scores(ballot, pairs)
        ]
    )
    return len(ballots)
