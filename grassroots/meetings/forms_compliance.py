"""Forms of the compliance pages: the filter of the overview and the rule form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin
from grassroots.orgs.models import OrganizationKind

from .enums import Period
from .models import MeetingKind

VIEW_PERIODS = [
    (Period.MONTH, _("按月")),
    (Period.QUARTER, _("按季度")),
    (Period.YEAR, _("按年")),
]


class ComplianceFilterForm(forms.Form):
    """?org=&period=month|quarter|year&at=2026-11|2026-Q4|2026&missing=1"""

    org = forms.IntegerField(required=False, min_value=1)
    period = forms.ChoiceField(choices=VIEW_PERIODS, required=False)
    at = forms.CharField(max_length=10, required=False)
    missing = forms.BooleanField(required=False)


class RuleForm(BootstrapMixin, forms.Form):
    org_kind = forms.ModelChoiceField(
        label=_("组织类别"), queryset=OrganizationKind.objects.filter(is_active=True)
    )
    meeting_kind = forms.ModelChoiceField(
        label=_("会议类别"), queryset=MeetingKind.objects.filter(is_active=True)
    )
    period = forms.ChoiceField(label=_("周期"), choices=Period.choices)
    min_count = forms.IntegerField(
        label=_("最少次数"),
        min_value=1,
        max_value=99,
        initial=1,
        help_text=_("每个周期内至少召开的次数。只计已召开的会议。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, rule=None, **kwargs):
        if rule is not None:
            kwargs.setdefault(
                "initial",
                {
                    "org_kind": rule.org_kind_id,
                    "meeting_kind": rule.meeting_kind_id,
                    "period": rule.period,
                    "min_count": rule.min_count,
                    "is_active": rule.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if rule is None:
            del self.fields["is_active"]  # a new rule starts switched on
        else:
            # The rule's own kinds stay choosable even when switched off since.
            self.fields["org_kind"].queryset = OrganizationKind.objects.filter(
                pk=rule.org_kind_id
            ) | OrganizationKind.objects.filter(is_active=True)
            self.fields["meeting_kind"].queryset = MeetingKind.objects.filter(
                pk=rule.meeting_kind_id
            ) | MeetingKind.objects.filter(is_active=True)
