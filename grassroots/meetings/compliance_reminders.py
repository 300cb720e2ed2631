"""The reminder of required meetings not yet held, 10 working days before a period ends.

On the day when 10 working days are left in the current month, quarter or year (today not
counted), each branch that has not yet met a rule whose period ends then hears which meetings
are still missing: one message per branch and period end, listing every rule due (at the end
of March the month's committee meeting and the quarter's general meeting together). The job
runs on working days only; should it miss that day, it catches up on a later one before the
period ends, and the key (branch and period end, which names every rule due then) keeps it
to one message.

Who is told: the holders of meetings.manage_meeting on the branch itself or, when nobody holds
it there, on the closest organization above that has someone (the nearest-reviewers rule of
study's reminders): a party group's reminder reaches its branch secretary.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import holders_by_path, nearest_holders
from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization
from grassroots.orgs.selectors import path_chain

from .compliance import HELD, active_rules, compliance
from .enums import Period
from .exports import rule_heading
from .periods import period_of

JOB_KEY = "meetings.compliance_due"
WORKING_DAYS_BEFORE = 10
MANAGE = "meetings.manage_meeting"


def working_days_left(today: date, end: date) -> int:
    """Working days after `today` up to the period's last day (`end` is the day after)."""
    return calendar.working_days_between(today + timedelta(days=1), end - timedelta(days=1))


def ends_due(today: date) -> set[date]:
    """The ends of the current month, quarter and year that are at most 10 working days away:
    the day they reach 10 and, to catch up on a missed run, the days after."""
    ends = {period_of(today, p).end for p in Period.values}
    return {end for end in ends if working_days_left(today, end) <= WORKING_DAYS_BEFORE}


@reminders.register(JOB_KEY)
def remind_compliance_due(today: date) -> int:
    due = ends_due(today)
    if not due:
        return 0
    rules_by_kind = active_rules()
    kinds = [
        kind
        for kind, rules in rules_by_kind.items()
        if any(period_of(today, r.period).end in due for r in rules)
    ]
    if not kinds:
        return 0
    organizations = list(
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind_id__in=kinds)
        .only("id", "name", "path", "kind_id")
        .order_by("path")
    )
    # In a month view each rule is checked over its own current period (the month, the
    # quarter or the year holding today).
    rows = compliance(
        organizations, period_of(today, Period.MONTH), today, within="", rules_by_kind=rules_by_kind
    )
    by_path = holders_by_path(MANAGE, {p for o in organizations for p in path_chain(o.path)})
    url_base = reverse("meetings:compliance")
    sent = 0
    for row in rows:
        missing = [
            (check, end)
            for check in row.checks
            for period, _n, status in check.periods
            if status != HELD and (end := period.end) in due
        ]
        if not missing:
            continue
        recipients = nearest_holders(by_path, row.organization.path)
        if not recipients:
            continue
        for end in sorted({end for _c, end in missing}):
            lines = [
                _("%(rule)s：%(period)s已召开 %(n)d 次")
                % {"rule": rule_heading(c.rule), "period": c.periods[0][0].label, "n": c.held}
                for c, e in missing
                if e == end
            ]
            last_day = end - timedelta(days=1)
            title = _("组织生活提醒：%(org)s尚有会议未召开") % {"org": row.organization.name}
            body = _(
                "距 %(date)s 还有 %(n)d 个工作日，以下组织生活尚未达到要求，请及时安排召开：\n%(lines)s"
            ) % {
                "date": date_format(last_day, "DATE_FORMAT"),
                "n": working_days_left(today, end),
                "lines": "\n".join(lines),
            }
            if remind_once(
                key=f"{JOB_KEY}:{row.organization.pk}:{end.isoformat()}",
                recipients=recipients,
                kind=JOB_KEY,
                title=title,
                body=body,
                url=f"{url_base}?org={row.organization.pk}",
            ):
                sent += 1
    return sent
