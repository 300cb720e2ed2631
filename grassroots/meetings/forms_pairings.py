"""Forms of pairings (结对共建): they parse input and offer choices; the services validate."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin, DateInput, org_label, person_label
from grassroots.orgs.models import Organization, Person

from .enums import PairingKind

CONTACTS_OFFERED = 300


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return org_label(obj)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


def _chosen_pk(form: forms.Form, name: str) -> int | None:
    value = form[name].value()
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None


class PairingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PairingKind.choices)
    unit = OrgChoiceField(queryset=Organization.objects.none(), label=_("派出单位"))
    unit_contact = PersonChoiceField(
        queryset=Person.objects.none(),
        label=_("派出单位负责人"),
        help_text=_("派出单位（含下级组织）的在册人员。"),
    )
    partner = OrgChoiceField(
        queryset=Organization.objects.none(),
        label=_("联系对象"),
        help_text=_("被联系的社区、村或支部。"),
    )
    partner_contact = PersonChoiceField(
        queryset=Person.objects.none(),
        label=_("联系对象负责人"),
        help_text=_("联系对象（含下级组织）的在册人员。"),
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    goals = forms.CharField(
        label=_("共建内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("共建目标、计划开展的活动等。"),
    )

    def __init__(self, *args, units, partners, people, contacts_for, instance=None, **kwargs):
        """`contacts_for(org)` gives the people to offer for a side's organization; `people`
        is what a contact choice is checked against (the service checks the side)."""
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": instance.kind,
                    "unit": instance.unit_id,
                    "unit_contact": instance.unit_contact_id,
                    "partner": instance.partner_id,
                    "partner_contact": instance.partner_contact_id,
                    "starts_on": instance.starts_on,
                    "ends_on": instance.ends_on,
                    "goals": instance.goals,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["unit"].queryset = units
        self.fields["partner"].queryset = partners
        for name in ("unit_contact", "partner_contact"):
            self.fields[name].queryset = people
        for side in ("unit", "partner"):
            # Offer the people of the side's organization chosen so far; the page reloads the
            # list with htmx when the organization changes.
            self.fields[side].widget.attrs.update({"data-contacts-for": f"id_{side}_contact"})
            org_pk = _chosen_pk(self, side)
            org = Organization.objects.filter(pk=org_pk).first() if org_pk else None
            offered = list(contacts_for(org)[:CONTACTS_OFFERED]) if org else []
            chosen = _chosen_pk(self, f"{side}_contact")
            if chosen and chosen not in {p.pk for p in offered}:
                offered += list(people.filter(pk=chosen).select_related("primary_org"))
            self.fields[f"{side}_contact"].widget.choices = [("", "---------")] + [
                (p.pk, person_label(p)) for p in offered
            ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("结束日期应晚于开始日期。"))
        return data


class PairingFilterForm(forms.Form):
    STATES = [
        ("", _("全部")),
        ("active", _("进行中")),
        ("ended", _("已结束")),
        ("upcoming", _("未开始")),
    ]

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(required=False, choices=[("", _("全部类型")), *PairingKind.choices])
    state = forms.ChoiceField(required=False, choices=STATES)
    idle = forms.BooleanField(required=False, label=_("本季度尚未开展活动"))
    org = forms.IntegerField(required=False)

    def year_or_current(self) -> int:
        year = getattr(self, "cleaned_data", {}).get("year")
        return year or timezone.localdate().year


class EndEarlyForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("提前结束日期"),
        widget=DateInput(),
        help_text=_("结对的最后一天。"),
    )
