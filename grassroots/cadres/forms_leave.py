"""Forms of leave (请销假): the cadre's request and return, the approver's decision, and a
program's approval rule."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin, DateInput
from grassroots.orgs.enums import Rank

from .enums import Approver, LeaveKind
from .services.leave import COMMENT_MAX, MAX_LEVEL, REASON_MAX


class LeaveRequestForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("请假类型"), choices=LeaveKind.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    reason = forms.CharField(
        label=_("事由"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("如病假证明等，可上传 PDF、Word、纯文本或 JPG、PNG 图片。"),
    )

    def __init__(self, *args, max_mb: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_mb:
            self.fields["attachment"].help_text = _(
                "如病假证明等，可上传 PDF、Word、纯文本或 JPG、PNG 图片，不超过 %(mb)d MB。"
            ) % {"mb": max_mb}

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class LeaveDecisionForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeaveReturnForm(BootstrapMixin, forms.Form):
    returned_on = forms.DateField(label=_("销假日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"returned_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class LeaveRuleForm(BootstrapMixin, forms.Form):
    level = forms.IntegerField(
        label=_("审批顺序"),
        min_value=1,
        max_value=MAX_LEVEL,
        help_text=_("按顺序逐级审批，1 为第一级。"),
    )
    approver = forms.ChoiceField(label=_("审批人"), choices=Approver.choices)
    above_days = forms.IntegerField(
        label=_("超过天数"),
        min_value=0,
        max_value=365,
        initial=0,
        help_text=_("请假工作日数超过此数时需要这一级审批；0 表示每次请假都需要。"),
    )
    rank = forms.ChoiceField(
        label=_("适用职级"),
        required=False,
        choices=[("", _("全部职级")), *Rank.choices],
        help_text=_("为某一职级设置的规则取代同一审批顺序的通用规则。"),
    )
