"""Forms of the program pages (program, post, group, training, the list's filters) and of the
call (apply, recommend). The services validate; these forms parse input and offer the choices
within the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.forms import (
    DATETIME_INPUT_FORMATS,
    BootstrapMixin,
    DateInput,
    DateTimeInput,
    offer_first,
    org_label,
    person_label,
)
from grassroots.orgs.models import Organization, Person

from .enums import ProgramStatus
from .models import CadreGroup, Post, Program

UNITS_OFFERED = 500
PEOPLE_OFFERED = 300
SESSIONS_OFFERED = 200


class NoModelChecks:
    """The services check the record, with the same messages for the pages and the API."""

    def _post_clean(self):
        pass

    def validate_unique(self):
        pass


class ProgramForm(NoModelChecks, BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("组织单位"))
    sending_units = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        label=_("选派单位"),
        required=False,
        help_text=_("这些单位及其下级的在册人员可以报名。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Program
        fields = [
            "organization",
            "title",
            "starts_on",
            "ends_on",
            "sending_units",
            "notice",
            "call_opens_at",
            "call_closes_at",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "call_opens_at": DateTimeInput(),
            "call_closes_at": DateTimeInput(),
            "notice": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"call_opens_at": _("不填则在发布选派通知时开始报名。")}

    def __init__(self, *args, organizations=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("call_opens_at", "call_closes_at"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = org_label
        units_field = self.fields["sending_units"]
        units_field.queryset = units if units is not None else Organization.objects.none()
        units_field.label_from_instance = org_label
        offer_first(self, "sending_units", UNITS_OFFERED)
        status = self.instance.status if self.instance.pk else ProgramStatus.DRAFT
        if status != ProgramStatus.DRAFT:
            # Only the notice and the end of the call change once it is out.
            for name in list(self.fields):
                if name not in ("notice", "call_closes_at"):
                    del self.fields[name]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        if "notice" in data:
            data["notice"] = data["notice"] or ""
        return data


class PostForm(NoModelChecks, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "host",
            "title",
            "duties",
            "places",
            "host_leader",
            "min_education",
            "political_status",
            "max_age",
            "min_rank",
            "max_rank",
            "expertise",
            "sort_order",
        ]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, units=None, people=None, selecting=False, **kwargs):
        super().__init__(*args, **kwargs)
        host = self.fields["host"]
        host.queryset = units if units is not None else Organization.objects.none()
        host.label_from_instance = org_label
        offer_first(self, "host", UNITS_OFFERED)
        leader = self.fields["host_leader"]
        leader.queryset = (
            (people if people is not None else Person.objects.none())
            .select_related("primary_org")
            .order_by("primary_org__path", "name_pinyin", "id")
        )
        leader.label_from_instance = person_label
        leader.required = False
        offer_first(self, "host_leader", PEOPLE_OFFERED)
        if selecting:
            for name in list(self.fields):
                if name not in ("duties", "places", "host_leader", "sort_order"):
                    del self.fields[name]


class GroupForm(NoModelChecks, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CadreGroup
        fields = ["name", "leader"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        leader.queryset = (
            (people if people is not None else Person.objects.none())
            .select_related("primary_org")
            .order_by("primary_org__path", "name_pinyin", "id")
        )
        leader.label_from_instance = person_label
        offer_first(self, "leader", PEOPLE_OFFERED)


class TrainingForm(BootstrapMixin, forms.Form):
    session = forms.ModelChoiceField(queryset=None, label=_("培训（学习活动）"))
    required = forms.BooleanField(label=_("派出前必须参加"), required=False, initial=True)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.queryset = sessions.select_related("organization").order_by("-starts_at", "-id")
        field.label_from_instance = lambda s: f"{s.starts_at:%Y-%m-%d} · {s.title}"
        offer_first(self, "session", SESSIONS_OFFERED)


class ProgramFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("全部状态")), *ProgramStatus.choices], required=False
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class ApplyForm(BootstrapMixin, forms.Form):
    statement = forms.CharField(
        label=_("个人陈述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("简述工作经历、挂职意愿和打算。"),
    )
    expertise = forms.CharField(
        label=_("专业特长"),
        max_length=200,
        required=False,
        help_text=_("多个领域用顿号或逗号分隔，如：法律、信访。"),
    )
    preferred_post = forms.ModelChoiceField(
        queryset=Post.objects.none(),
        label=_("意向岗位"),
        required=False,
        empty_label=pgettext_lazy("意向岗位", "不限"),
    )

    def __init__(self, *args, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_post"]
        field.queryset = posts if posts is not None else Post.objects.none()
        field.label_from_instance = lambda p: f"{p.host.name} · {p.title}"


class RecommendForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("被推荐人"))
    reason = forms.CharField(
        label=_("推荐理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    expertise = forms.CharField(
        label=_("专业特长"),
        max_length=200,
        required=False,
        help_text=_("多个领域用顿号或逗号分隔，如：法律、信访。"),
    )
    preferred_post = forms.ModelChoiceField(
        queryset=Post.objects.none(),
        label=_("意向岗位"),
        required=False,
        empty_label=pgettext_lazy("意向岗位", "不限"),
    )

    def __init__(self, *args, people=None, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = people if people is not None else Person.objects.none()
        person.label_from_instance = person_label
        offer_first(self, "person", PEOPLE_OFFERED)
        field = self.fields["preferred_post"]
        field.queryset = posts if posts is not None else Post.objects.none()
        field.label_from_instance = lambda p: f"{p.host.name} · {p.title}"


class ReasonForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), max_length=200, required=False)
