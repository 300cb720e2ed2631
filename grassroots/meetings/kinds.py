"""The default meeting kinds and compliance rules; migration 0002 installs them, tests call
ensure_defaults()."""

from django.utils.translation import gettext_noop as _

DEFAULT_MEETING_KINDS = [
    ("general_meeting", _("支部党员大会"), 10),
    ("committee_meeting", _("支部委员会"), 20),
    ("group_meeting", _("党小组会"), 30),
    ("party_lecture", _("党课"), 40),
    ("life_meeting", _("组织生活会"), 50),
    ("democratic_life", _("民主生活会"), 60),
    ("theme_day", _("主题党日"), 70),
    ("member_appraisal", _("民主评议党员"), 80),
    ("other", _("其他"), 90),
]

# (organization kind, meeting kind, period, at least): 中国共产党支部工作条例（试行）, 2018.
DEFAULT_RULES = [
    ("branch", "general_meeting", "quarter", 1),
    ("branch", "committee_meeting", "month", 1),
    ("party_group", "group_meeting", "month", 1),
    ("branch", "party_lecture", "quarter", 1),
    ("branch", "life_meeting", "year", 1),
    ("branch", "member_appraisal", "year", 1),
    ("branch", "theme_day", "month", 1),
]


def ensure_defaults(meeting_kind_model=None, rule_model=None, org_kind_model=None) -> None:
    """Create the default kinds and rules that are missing (the models may be a migration's)."""
    if meeting_kind_model is None:
        from grassroots.orgs.models import OrganizationKind

        from .models import ComplianceRule, MeetingKind

        meeting_kind_model, rule_model, org_kind_model = (
            MeetingKind,
            ComplianceRule,
            OrganizationKind,
        )
    kinds = {}
    for code, name, order in DEFAULT_MEETING_KINDS:
        kinds[code], _created = meeting_kind_model.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    org_kinds = {k.code: k for k in org_kind_model.objects.all()}
    for org_code, kind_code, period, count in DEFAULT_RULES:
        if org_code in org_kinds:
            rule_model.objects.get_or_create(
                org_kind=org_kinds[org_code],
                meeting_kind=kinds[kind_code],
                defaults={"period": period, "min_count": count},
            )
