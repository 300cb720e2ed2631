"""Periodic reports (月度报告, 阶段小结) of a secondment: the schedule made at placement, the
cadre's submission and the host leader's comment.

The final summary (挂职总结) is not a Report row: it is `Secondment.final_summary`, written once
by the cadre (services.plans.summary_submit), so each secondment has one, shown on the
secondment itself and in the archive. Reports are MONTHLY and STAGE only.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import calendar
from grassroots.core.audit import audited

from ..enums import EventAction, ReportKind, SecondmentStatus
from ..models import Report, Secondment
from ..selectors.access import CADRE, relation
from .plans import _locked, _notify, _user_of, may_decide, secondment_url
from .transitions import record_event

# A monthly report is due on this working day of the following month.
MONTHLY_DUE_WORKING_DAY = 5
# A stage summary is due this many calendar days after the middle of the term (rolled to a
# working day when it falls on a holiday or a weekend).
STAGE_DUE_DAYS = 10


def _month_end(day: date) -> date:
    return day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


def term_of(secondment: Secondment) -> tuple[date, date]:
    """The reported term: from the day the cadre took up the post (or the planned start)."""
    return secondment.placed_on or secondment.starts_on, secondment.ends_on


def planned_reports(secondment: Secondment) -> list[Report]:
    """The Report rows of the whole term (unsaved): one MONTHLY per calendar month of the term,
    due on the 5th working day of the next month, and one STAGE summary of the first half."""
    start, end = term_of(secondment)
    if end < start:
        return []
    rows = []
    month_start = start.replace(day=1)
    while month_start <= end:
        last = _month_end(month_start)
        rows.append(
            Report(
                secondment=secondment,
                kind=ReportKind.MONTHLY,
                period_start=max(month_start, start),
                period_end=min(last, end),
                # counting from the day before the 1st: the 1st, if a working day, is the first
                due_on=calendar.add_working_days(last, MONTHLY_DUE_WORKING_DAY),
            )
        )
        month_start = last + timedelta(days=1)
    midpoint = start + timedelta(days=(end - start).days // 2)
    rows.append(
        Report(
            secondment=secondment,
            kind=ReportKind.STAGE,
            period_start=start,
            period_end=midpoint,
            due_on=calendar.next_working_day(midpoint + timedelta(days=STAGE_DUE_DAYS)),
        )
    )
    return rows


@transaction.atomic
def reports_schedule(*, secondment: Secondment) -> int:
    """Create the missing Report rows of the secondment's term; the number created.

    Called by the placement service (which checks the officer's permission) once the cadre is
    placed; safe to call again (a row already made for a kind and period start is kept as it
    is, with its content), also concurrently: the unique constraint report_once_per_period
    drops the duplicate.
    """
    existing = set(Report.objects.filter(secondment=secondment).values_list("kind", "period_start"))
    missing = [
        row for row in planned_reports(secondment) if (row.kind, row.period_start) not in existing
    ]
    if missing:
        Report.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


# --- The cadre's submission and the host leader's comment -------------------------------------

CONTENT_MAX = 20_000
COMMENT_MAX = 2_000
SUMMARY_MAX = 50_000
# A report is filed while on the post, and late ones also after the term ended.
REPORT_STAGES = (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED)
SUMMARY_STAGES = (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED)


def _locked_report(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "secondment__program__organization",
            "secondment__group",
            "secondment__person",
            "secondment__host_leader",
        )
        .get(pk=report.pk)
    )


def period_label(report: Report) -> str:
    if report.kind == ReportKind.MONTHLY:
        return _("%(y)d年%(m)d月") % {"y": report.period_start.year, "m": report.period_start.month}
    return report.get_kind_display()


@audited
@transaction.atomic
def report_submit(*, report: Report, content: str, actor) -> Report:
    """The cadre files a report, or revises it until the host leader has commented. A report
    filed after its due date is accepted and shows as late (submitted_at after due_on)."""
    locked = _locked_report(report)
    secondment = locked.secondment
    if CADRE not in relation(actor, secondment):
        raise PermissionDenied
    if secondment.status not in REPORT_STAGES:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能提交报告。")
            % {"status": secondment.get_status_display()},
            code="stage",
        )
    if timezone.localdate() < locked.period_start:
        raise ValidationError(_("该报告的期间尚未开始，不能提交。"), code="not_started")
    if locked.commented_at is not None:
        raise ValidationError(_("接收单位已提出意见，报告不能再修改。"), code="commented")
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": [_("请填写报告内容。")]})
    if len(content) > CONTENT_MAX:
        raise ValidationError({"content": [_("报告内容不能超过 %(n)d 字。") % {"n": CONTENT_MAX}]})
    first = locked.submitted_at is None
    locked.content = content
    fields = ["content"]
    if first:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    if first:
        record_event(
            secondment=secondment,
            action=EventAction.REPORT_SUBMITTED,
            actor=actor,
            comment=f"{locked.get_kind_display()} {period_label(locked)}",
        )
        _notify(
            _user_of(secondment.host_leader),
            kind="cadres.report_submitted",
            title=_("%(name)s 提交了%(kind)s（%(period)s），请批阅")
            % {
                "name": secondment.person.name,
                "kind": locked.get_kind_display(),
                "period": period_label(locked),
            },
            body=content[:200],
            url=report_url(locked),
        )
    return locked


@audited
@transaction.atomic
def report_comment(*, report: Report, comment: str, actor) -> Report:
    """The host leader comments on a filed report (once: the report is then closed)."""
    locked = _locked_report(report)
    secondment = locked.secondment
    if not may_decide(relation(actor, secondment), secondment):
        raise PermissionDenied
    if secondment.status not in REPORT_STAGES:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能批阅报告。")
            % {"status": secondment.get_status_display()},
            code="stage",
        )
    if locked.submitted_at is None:
        raise ValidationError(_("报告尚未提交，不能提出意见。"), code="not_submitted")
    if locked.commented_at is not None:
        raise ValidationError(_("该报告已批阅。"), code="commented")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("请填写意见。")]})
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": [_("意见不能超过 %(n)d 字。") % {"n": COMMENT_MAX}]})
    locked.host_comment = comment
    locked.commented_by = actor
    locked.commented_at = timezone.now()
    locked.save(update_fields=["host_comment", "commented_by", "commented_at"])
    record_event(
        secondment=secondment,
        action=EventAction.REPORT_COMMENTED,
        actor=actor,
        comment=f"{locked.get_kind_display()} {period_label(locked)}：{comment}",
    )
    _notify(
        _user_of(secondment.person),
        kind="cadres.report_commented",
        title=_("您的%(kind)s（%(period)s）已批阅")
        % {"kind": locked.get_kind_display(), "period": period_label(locked)},
        body=comment,
        url=report_url(locked),
    )
    return locked


@audited
@transaction.atomic
def summary_submit(*, secondment: Secondment, text: str, actor) -> Secondment:
    """The cadre's final summary (挂职总结), once, at the end of the term or once completed: a
    plain update of the secondment under its row lock, not a change of status."""
    locked = _locked(secondment)
    if CADRE not in relation(actor, locked):
        raise PermissionDenied
    if locked.status not in SUMMARY_STAGES:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能提交挂职总结。")
            % {"status": locked.get_status_display()},
            code="stage",
        )
    if locked.summary_submitted_at is not None:
        raise ValidationError(_("挂职总结已提交，不能重复提交。"), code="submitted")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写挂职总结。")]})
    if len(text) > SUMMARY_MAX:
        raise ValidationError({"text": [_("挂职总结不能超过 %(n)d 字。") % {"n": SUMMARY_MAX}]})
    locked.final_summary = text
    locked.summary_submitted_at = timezone.now()
    locked.save(update_fields=["final_summary", "summary_submitted_at", "updated_at"])
    record_event(secondment=locked, action=EventAction.SUMMARY_SUBMITTED, actor=actor)
    for person in (locked.host_leader, locked.group.leader if locked.group_id else None):
        _notify(
            _user_of(person),
            kind="cadres.summary_submitted",
            title=_("%(name)s 提交了挂职总结") % {"name": locked.person.name},
            body=text[:200],
            url=secondment_url(locked),
        )
    return locked


def report_url(report: Report) -> str:
    return reverse("cadres:report_detail", args=[report.secondment_id, report.pk])
