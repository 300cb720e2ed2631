"""Forms of plans, sessions, attendance, make-up and self-study, and of the hours pages. The
services validate; these forms only parse input and offer the choices within the user's scope."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import (
    DATETIME_INPUT_FORMATS,
    BootstrapMixin,
    DateInput,
    DateTimeInput,
    offer_first,
)
from grassroots.core.forms import org_label as _org_label
from grassroots.orgs.models import Organization, Person

from ..enums import AttendanceStatus, Audience, StudyKind, StudyMode
from ..models import Material, SelfStudy, StudyPlan, StudySession

EVIDENCE_ACCEPT = ".pdf,.docx,.doc,.wps,.txt,.jpg,.jpeg,.png"
MATERIALS_OFFERED = 300
PLANS_OFFERED = 200


class ServiceValidated:
    """A ModelForm whose instance is checked by the service, with the same messages for the
    pages and the API: no model validation here."""

    def _post_clean(self):
        pass

    def validate_unique(self):
        pass


# --- Plans -------------------------------------------------------------------------------


class PlanForm(ServiceValidated, BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("组织"))

    class Meta:
        model = StudyPlan
        fields = ["organization", "year", "title", "topics", "required_hours", "materials"]
        widgets = {
            "topics": forms.Textarea(attrs={"rows": 6}),
            "materials": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "topics": _("每行一个学习专题。"),
            "required_hours": _("本组织人员全年应完成的学时，一般为 32 学时。"),
        }

    def __init__(self, *args, organizations=None, materials=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = _org_label
            self.initial.setdefault("year", timezone.localdate().year)
        self.fields["materials"].queryset = (
            materials if materials is not None else Material.objects.none()
        )
        self.fields["materials"].required = False
        offer_first(self, "materials", MATERIALS_OFFERED)


# --- Sessions ------------------------------------------------------------------------------


class SessionForm(ServiceValidated, BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("主办组织"))
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("指定参加人员"),
        widget=forms.CheckboxSelectMultiple,
    )
    link = forms.URLField(
        label=_("线上链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = StudySession
        fields = [
            "organization",
            "plan",
            "title",
            "kind",
            "mode",
            "starts_at",
            "ends_at",
            "place",
            "link",
            "teacher",
            "hours",
            "audience",
            "people",
            "description",
            "materials",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "hours": _("出席者签到后计入的学时。"),
            "audience": _("创建后将为参加人员生成签到名单；人员以“所在组织”为准。"),
        }

    def __init__(
        self, *args, organizations=None, plans=None, materials=None, people=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = _org_label
        self.fields["plan"].queryset = plans if plans is not None else StudyPlan.objects.none()
        self.fields["plan"].required = False
        self.fields["plan"].label_from_instance = lambda p: (
            _("%(year)s · %(title)s（%(org)s）")
            % {
                "year": p.year,
                "title": p.title,
                "org": p.organization.name,
            }
        )
        self.fields["materials"].queryset = (
            materials if materials is not None else Material.objects.none()
        )
        self.fields["materials"].required = False
        offer_first(self, "plan", PLANS_OFFERED)
        offer_first(self, "materials", MATERIALS_OFFERED)
        # Validated against the whole scope; the page offers a capped list (see people_options).
        self.fields["people"].queryset = people if people is not None else Person.objects.none()
        self.fields["kind"].choices = StudyKind.choices
        self.fields["mode"].choices = StudyMode.choices
        self.fields["audience"].choices = Audience.choices
        self.fields["audience"].widget = forms.RadioSelect(
            choices=Audience.choices, attrs={"class": "form-check-input"}
        )

    def selected_people_ids(self) -> set[int]:
        value = self["people"].value() or []
        ids = set()
        for item in value:
            try:
                ids.add(int(getattr(item, "pk", item)))
            except (TypeError, ValueError):
                continue
        return ids

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("organization",)}
        if data.get("audience") != Audience.SELECTED:
            data["people"] = None
        return data


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)
    confirm = forms.BooleanField(label=_("我确认取消该学习活动，并通知参加人员"), required=True)


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s, s.label)
            for s in (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
        ]
    )
    reason = forms.CharField(max_length=200, required=False)


class LeaveForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("请假事由"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：外出公务")}),
    )


class EvidenceFields(forms.Form):
    file = forms.FileField(
        label=_("佐证材料"),
        required=False,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=_("可选：PDF、Word、纯文本或 JPG/PNG 图片，不超过 10 MB。"),
    )
    link = forms.URLField(
        label=_("链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("可选：如“学习强国”文章、网络课程的链接。"),
    )


class MakeUpForm(BootstrapMixin, EvidenceFields):
    note = forms.CharField(
        label=_("补学情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明补学的内容、方式和时间，如：自学会议材料并观看录像。"),
    )

    field_order = ["note", "file", "link"]


class ReviewForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必填。"),
    )


class SelfStudyForm(ServiceValidated, BootstrapMixin, forms.ModelForm):
    file = forms.FileField(
        label=_("佐证材料"),
        required=False,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=_("可选：PDF、Word、纯文本或 JPG/PNG 图片，不超过 10 MB。"),
    )
    link = forms.URLField(
        label=_("链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = SelfStudy
        fields = ["title", "studied_on", "hours", "material", "note", "file", "link"]
        widgets = {
            "studied_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 6}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "8"}),
        }
        help_texts = {
            "hours": _("每条不超过 8 学时，审核通过后计入。"),
            "note": _("学习笔记、心得或摘要；也可只上传佐证材料或填写链接。"),
        }

    def __init__(self, *args, materials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = (
            materials if materials is not None else Material.objects.none()
        )
        self.fields["material"].required = False
        self.fields["material"].label = _("学习资料（可选）")
        self.fields["note"].required = False
        if not self.instance.pk:
            self.initial.setdefault("studied_on", timezone.localdate())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["link"] = data.get("link") or ""
        data["note"] = data.get("note") or ""
        return data


# --- Filters and settings -------------------------------------------------------------------


class SessionFilterForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("upcoming", _("未结束")), ("past", _("已结束")), ("all", _("全部"))],
        required=False,
    )
    org = forms.IntegerField(required=False, min_value=1)
    kind = forms.ChoiceField(choices=[("", _("全部形式")), *StudyKind.choices], required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    q = forms.CharField(max_length=60, required=False)
    mine = forms.BooleanField(required=False)


class LedgerFilterForm(forms.Form):
    org = forms.IntegerField(required=False, min_value=1)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    show = forms.ChoiceField(
        choices=[("", _("全部人员")), ("behind", _("进度落后")), ("unfinished", _("未达标"))],
        required=False,
    )
    q = forms.CharField(max_length=40, required=False)


class TargetsForm(BootstrapMixin, forms.Form):
    member_hours = forms.DecimalField(
        label=_("党员年度学时"), max_digits=6, decimal_places=1, min_value=0
    )
    leader_hours = forms.DecimalField(
        label=_("支部书记、委员年度学时"), max_digits=6, decimal_places=1, min_value=0
    )
    leader_keywords = forms.CharField(
        label=_("按职务认定书记、委员的关键词"),
        max_length=200,
        required=False,
        help_text=_(
            "以逗号分隔，如：书记,委员。现任职务名称包含其中任一词的人员按书记、委员的要求计算。"
        ),
    )
