"""Forms of activities, sign-ups, photos, reports and the volunteer ledger. The services
validate; these forms parse input and offer the choices within the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import (
    DATETIME_INPUT_FORMATS,
    BootstrapMixin,
    DateTimeInput,
    org_label,
    person_label,
)
from grassroots.orgs.models import Organization, Person

from .enums import ActivityKind, ActivityStatus
from .models import Activity, Pairing

PHOTO_ACCEPT = ".jpg,.jpeg,.png"
PEOPLE_OFFERED = 500


def _pairing_label(pairing: Pairing) -> str:
    return f"{pairing.get_kind_display()} · {pairing.unit.name} — {pairing.partner.name}"


class ActivityForm(BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("主办组织"))

    class Meta:
        model = Activity
        fields = [
            "organization",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "signup_deadline",
            "capacity",
            "volunteer_hours",
            "pairing",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "signup_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "signup_deadline": _("不能晚于开始时间；截止后成员不能再自行报名。"),
            "volunteer_hours": _("仅志愿服务活动填写：签到并标记“已开展”后，每人计入的时长。"),
        }

    def __init__(self, *args, organizations=None, pairings=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "signup_deadline"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = org_label
        self.fields["kind"].choices = ActivityKind.choices
        self.fields["volunteer_hours"].required = False
        self.fields["pairing"].queryset = (
            pairings if pairings is not None else Pairing.objects.none()
        )
        self.fields["pairing"].required = False
        self.fields["pairing"].label_from_instance = _pairing_label

    # The service validates the instance (same messages for pages and services).
    def _post_clean(self):
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization"}


class ActivityFilterForm(forms.Form):
    WHEN = [("upcoming", _("未结束")), ("past", _("已结束")), ("all", _("全部"))]

    when = forms.ChoiceField(choices=WHEN, required=False)
    kind = forms.ChoiceField(choices=[("", _("全部类型")), *ActivityKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", _("全部状态")), *ActivityStatus.choices], required=False
    )
    org = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    q = forms.CharField(required=False, max_length=60)


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)
    confirm = forms.BooleanField(
        label=_("我确认取消该活动，并通知已报名和候补的人员"), required=True
    )


class SignupAddForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("人员"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people if people is not None else Person.objects.none()
        field.label_from_instance = person_label
        rows = list(field.queryset[:PEOPLE_OFFERED])
        field.widget.choices = [("", "---------")] + [
            (p.pk, field.label_from_instance(p)) for p in rows
        ]


class PhotoForm(BootstrapMixin, forms.Form):
    image = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT})
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReportForm(BootstrapMixin, forms.Form):
    report = forms.CharField(
        label=_("活动小结"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("简要记录活动开展情况、参加人数和成效，5000 字以内。"),
    )
