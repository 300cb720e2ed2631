"""Forms of the meeting pages: scheduling and editing, the list's filters, cancelling and
the member's answer. The services validate; these forms parse input and offer the choices
within the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import (
    DATETIME_INPUT_FORMATS,
    BootstrapMixin,
    DateInput,
    DateTimeInput,
    chosen_ids,
    offer_first,
    org_label,
    person_label,
)
from grassroots.orgs.models import Organization, Person

from .enums import MeetingStatus, Rsvp
from .models import Meeting, MeetingKind

PEOPLE_OFFERED = 300


class MeetingForm(BootstrapMixin, forms.ModelForm):
    """Scheduling (with the organization and the notice checkbox) and editing a meeting."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("组织"))
    kind = forms.ModelChoiceField(queryset=MeetingKind.objects.none(), label=_("会议类别"))
    link = forms.URLField(
        label=_("线上链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    invited = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("列席人员"),
        widget=forms.CheckboxSelectMultiple,
    )
    send_notice = forms.BooleanField(
        label=_("保存后立即向参会人员发送会议通知"), required=False, initial=True
    )

    class Meta:
        model = Meeting
        fields = [
            "organization",
            "kind",
            "title",
            "topic",
            "starts_at",
            "ends_at",
            "place",
            "link",
            "host",
            "recorder",
            "lecturer",
            "agenda",
            "allow_extra",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "topic": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organizations=None, kinds=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
            del self.fields["send_notice"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = org_label
        kinds = kinds if kinds is not None else MeetingKind.objects.none()
        if self.instance.pk:
            # A kind since disabled stays selectable on the meetings that have it.
            kinds = kinds | MeetingKind.objects.filter(pk=self.instance.kind_id)
        self.fields["kind"].queryset = kinds
        people = people if people is not None else Person.objects.none()
        for name in ("host", "recorder"):
            field = self.fields[name]
            # The first people in view are offered (a county is too long for one select).
            field.queryset = people.select_related("primary_org").order_by(
                "primary_org__path", "name_pinyin", "id"
            )
            field.required = False
            field.label_from_instance = person_label
            offer_first(self, name, PEOPLE_OFFERED)
        # Checked against everything in view; the page offers a capped, searchable list.
        self.fields["invited"].queryset = people
        self.fields["invited"].help_text = _(
            "本组织的在册人员自动列入应到人员，这里只需选择其他列席人员。"
        )

    def chosen_invited(self) -> set[int]:
        return chosen_ids(self["invited"].value() or [])

    # The services check the meeting, with the same messages for the pages and the API.
    def _post_clean(self):
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data["link"] = data.get("link") or ""
        return data


class MeetingFilterForm(forms.Form):
    org = forms.IntegerField(required=False, min_value=1)
    kind = forms.ModelChoiceField(queryset=MeetingKind.objects.all(), required=False)
    status = forms.ChoiceField(
        choices=[("", _("全部状态")), *MeetingStatus.choices], required=False
    )
    period = forms.ChoiceField(
        choices=[
            ("", _("不限")),
            ("month", _("本月")),
            ("quarter", _("本季度")),
            ("year", _("本年")),
        ],
        required=False,
    )
    start = forms.DateField(required=False, widget=DateInput())
    end = forms.DateField(required=False, widget=DateInput())
    q = forms.CharField(max_length=60, required=False)


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：与上级会议时间冲突，改期召开")}),
    )
    confirm = forms.BooleanField(label=_("我确认取消该会议，并通知参会人员"), required=True)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(Rsvp.ATTENDING, Rsvp.ATTENDING.label), (Rsvp.LEAVE, Rsvp.LEAVE.label)]
    )
    reason = forms.CharField(max_length=200, required=False)
