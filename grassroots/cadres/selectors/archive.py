"""The secondment record of people (挂职经历): the archive search and export for officers, the
panel on a person's page, and the filter other lists may use ("有挂职经历")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from grassroots.orgs.models import Person
from grassroots.orgs.selectors import search_q

from ..enums import SecondmentStatus
from ..models import Secondment
from .access import secondments_for

# A secondment counts as experience once the cadre is on the post.
RECORD = (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED, SecondmentStatus.ARCHIVED)
ROW_RELATED = ("program", "person", "sending_org", "post__host")


def people_with_secondment_q(prefix: str = "", user=None) -> Q:
    """People with a secondment experience (有挂职经历): on a post, completed or archived; with
    `user`, only through the secondments they may see (as on the person's page). `prefix` leads
    from the queried model to the person, e.g. "person__" on memberships; on `Person` itself,
    no prefix. A subquery, so the rows are not repeated."""
    secondments = Secondment.objects.all() if user is None else secondments_for(user)
    return Q(
        **{f"{prefix}pk__in": secondments.filter(status__in=RECORD).values("person_id")},
    )


@dataclass
class ArchiveFilter:
    query: str = ""  # a person's name, pinyin or mobile (as the people list searches)
    year: int | None = None  # the year the program started
    host: str = ""  # part of the host unit's name
    result: str = ""
    archived_only: bool = False
    commended: bool = False


def archive_for(user, flt: ArchiveFilter | None = None) -> QuerySet[Secondment]:
    """The secondments on record the user may see (officers: their programs' subtree), newest
    program first, for the archive page and its export."""
    flt = flt or ArchiveFilter()
    statuses = (SecondmentStatus.ARCHIVED,) if flt.archived_only else RECORD
    qs = secondments_for(user).filter(status__in=statuses)
    if flt.query:
        qs = qs.filter(person__in=Person.objects.filter(search_q(flt.query, user)))
    if flt.year:
        qs = qs.filter(program__starts_on__year=flt.year)
    if flt.host:
        qs = qs.filter(
            Q(post__host__name__contains=flt.host) | Q(post__host__short_name__contains=flt.host)
        )
    if flt.result:
        qs = qs.filter(result=flt.result)
    if flt.commended:
        qs = qs.filter(commended=True)
    return qs.select_related(*ROW_RELATED).order_by(
        "-program__starts_on", "program_id", "person__name_pinyin", "id"
    )


def archive_years(user) -> list[int]:
    """The years of the programs on record, for the filter."""
    dates = (
        secondments_for(user)
        .filter(status__in=RECORD)
        .dates("program__starts_on", "year", order="DESC")
    )
    return [d.year for d in dates]


def person_secondments(user, person) -> list[Secondment]:
    """A person's secondments on record that the user may see (their own, or as an officer of
    the program), newest first."""
    return list(
        secondments_for(user)
        .filter(person=person, status__in=RECORD)
        .select_related(*ROW_RELATED)
        .order_by("-starts_on", "-id")
    )


def secondment_summaries(person_ids, *, user) -> dict[int, str]:
    """{person id: their secondments on record in one line} for an export column (the people
    roster's "挂职经历"), in one query: program, host and post, term, then the result and
    commendation once appraised, per secondment, newest first. Withdrawn and not yet placed
    secondments are not on record. Only the secondments `user` may see (officers: their
    programs' subtree; anyone: their own), as on the person's page."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    found: dict[int, list[str]] = {}
    rows = (
        secondments_for(user)
        .filter(person_id__in=list(person_ids), status__in=RECORD)
        .select_related("program", "post__host")
        .order_by("person_id", "-starts_on", "-id")
        .only(
            "person",
            "starts_on",
            "ends_on",
            "result",
            "commended",
            "commendation",
            "program__title",
            "post__title",
            "post__host__name",
        )
    )
    for s in rows:
        # The term by month, as a cadre's record gives it: 2026年3月—2027年2月.
        text = _("%(program)s %(host)s%(post)s %(starts)s—%(ends)s") % {
            "program": s.program.title,
            "host": s.post.host.name,
            "post": s.post.title,
            "starts": date_format(s.starts_on, "YEAR_MONTH_FORMAT"),
            "ends": date_format(s.ends_on, "YEAR_MONTH_FORMAT"),
        }
        if s.result:
            text += f" {s.get_result_display()}"
        if s.commended and s.commendation:
            text += f" {s.commendation}"
        found.setdefault(s.person_id, []).append(text)
    return {pk: _("；").join(parts) for pk, parts in found.items()}
