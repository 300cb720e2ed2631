"""Forms of the campaign setup pages. They parse input and offer choices within the user's
scope; the services validate and give the messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import (
    DATETIME_INPUT_FORMATS,
    BootstrapMixin,
    DateTimeInput,
    org_label,
)
from grassroots.orgs.models import Organization

from .enums import CampaignStatus
from .models import Campaign, RaterGroup, Subject
from .services.campaigns import TOKENS_MAX


class CampaignForm(BootstrapMixin, forms.ModelForm):
    """Creating a campaign (with its organization) and editing it."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("组织单位"))

    class Meta:
        model = Campaign
        fields = [
            "organization",
            "title",
            "description",
            "subject_kind",
            "scale_kind",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
            if self.instance.status == CampaignStatus.OPEN:
                # Only the deadline moves once the campaign is open.
                for name in list(self.fields):
                    if name != "closes_at":
                        self.fields[name].disabled = True
        else:
            field = self.fields["organization"]
            field.queryset = (
                organizations if organizations is not None else Organization.objects.none()
            )
            field.label_from_instance = org_label

    # The services check the campaign, with the same messages for the pages and the API.
    def _post_clean(self):
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        if self.instance.pk and self.instance.status == CampaignStatus.OPEN:
            # The disabled fields come back without their seconds: only the deadline is asked.
            return {"closes_at": data["closes_at"]}
        return data


class CampaignFilterForm(forms.Form):
    q = forms.CharField(max_length=60, required=False)
    status = forms.ChoiceField(
        choices=[("", _("全部状态")), *CampaignStatus.choices], required=False
    )
    org = forms.IntegerField(required=False, min_value=1)


class DimensionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("维度名称"), max_length=60)
    weight = forms.DecimalField(
        label=_("权重"), max_digits=5, decimal_places=2, min_value=0.01, initial=1
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class LevelForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=_("等次"), max_length=20)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, min_value=0)
    satisfied = forms.BooleanField(label=_("计入满意"), required=False)


class GroupForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("类别名称"), max_length=40)
    weight = forms.DecimalField(
        label=_("权重（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    anonymous = forms.BooleanField(label=_("匿名"), required=False)


class _CampaignChoicesForm(BootstrapMixin, forms.Form):
    """A form choosing a group and, optionally, one subject of a campaign."""

    group = forms.ModelChoiceField(queryset=RaterGroup.objects.none(), label=_("测评人类别"))
    subject = forms.ModelChoiceField(
        queryset=Subject.objects.none(),
        label=_("评价对象"),
        required=False,
        empty_label=_("全部测评对象"),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = RaterGroup.objects.filter(campaign=campaign)
        self.fields["subject"].queryset = Subject.objects.filter(campaign=campaign)


class TokenIssueForm(_CampaignChoicesForm):
    count = forms.IntegerField(label=_("数量"), min_value=1, max_value=TOKENS_MAX, initial=10)


class RaterAddForm(_CampaignChoicesForm):
    users = forms.TypedMultipleChoiceField(coerce=int, label=_("测评人账号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The accounts come from a search; the service checks each against the scope.
        self.fields["users"].valid_value = lambda value: str(value).isdigit()


class IdsForm(forms.Form):
    """The people or units ticked in a search result."""

    ids = forms.TypedMultipleChoiceField(coerce=int, label=_("选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
