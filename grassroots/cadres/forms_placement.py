"""Forms of approval, publicity (the public objection form and the follow-up by code), the
answer to an objection, placement, completion and the dashboard filter."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin, DateInput, person_label

from .enums import SecondmentStatus
from .models import CadreGroup
from .services.publicity import CONTENT_MAX, default_publicity_window


class ApproveForm(BootstrapMixin, forms.Form):
    publicity_starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    publicity_ends_on = forms.DateField(
        label=_("公示结束日期"), widget=DateInput(), help_text=_("默认为 5 个工作日。")
    )
    comment = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            start, end = default_publicity_window()
            self.initial.setdefault("publicity_starts_on", start)
            self.initial.setdefault("publicity_ends_on", end)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    """The public objection form (no account)."""

    secondment = forms.TypedChoiceField(
        label=_("涉及人员"), required=False, coerce=int, empty_value=None
    )
    content = forms.CharField(
        label=_("异议内容"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明具体事实，以便核实。"),
    )
    contact_name = forms.CharField(label=_("联系人（可不填）"), required=False, max_length=40)
    contact_phone = forms.CharField(label=_("联系电话（可不填）"), required=False, max_length=20)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {s.pk: s for s in people}
        self.fields["secondment"].choices = [("", _("（不针对具体人员）"))] + [
            (s.pk, f"{s.person.name} · {s.post.host.name}") for s in people
        ]

    def clean_secondment(self):
        value = self.cleaned_data.get("secondment")
        return self.people.get(value) if value else None


class FollowForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=16)


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(
        label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    upheld = forms.TypedChoiceField(
        label=_("核实结论"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    secondment = forms.TypedChoiceField(
        label=_("涉及人员"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("异议成立时，所涉人员将被撤销挂职人选资格。"),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {s.pk: s for s in people}
        self.fields["secondment"].choices = [("", _("（不针对具体人员）"))] + [
            (s.pk, f"{s.person.name} · {s.post.host.name} · {s.post.title}") for s in people
        ]

    def clean_secondment(self):
        value = self.cleaned_data.get("secondment")
        return self.people.get(value) if value else None


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.leader.name}"


class ManagersForm(BootstrapMixin, forms.Form):
    host_leader = PersonChoiceField(label=_("接收单位联系领导"), queryset=None)
    group = GroupChoiceField(label=_("所在小组"), queryset=None)

    def __init__(self, *args, leaders, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_leader"].queryset = leaders
        self.fields["group"].queryset = CadreGroup.objects.filter(program=program).select_related(
            "leader"
        )


class PlaceForm(BootstrapMixin, forms.Form):
    placed_on = forms.DateField(label=_("到岗日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("placed_on", timezone.localdate())


class CompleteForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("挂职期未满提前结束的，须说明原因。"),
    )


class DashboardFilterForm(forms.Form):
    stage = forms.ChoiceField(
        required=False, choices=[("", _("全部阶段")), *SecondmentStatus.choices]
    )
    group = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=())
    late = forms.BooleanField(required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部小组"))] + [(g.pk, g.name) for g in groups]
