"""Forms of the appraisal pages: starting a round, the decision, the commendation, the exchange
meeting, and the archive search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DATETIME_INPUT_FORMATS, BootstrapMixin, DateTimeInput

from .enums import AppraisalResult, AppraisalStage
from .services.appraisal import COMMENDATION_MAX, NOTE_MAX, PLACE_MAX, TOKENS_MAX


class RoundStartForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label=_("考核阶段"), choices=AppraisalStage.choices)
    opens_at = forms.DateTimeField(
        label=_("测评开始时间"), widget=DateTimeInput(), input_formats=DATETIME_INPUT_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=_("测评截止时间"), widget=DateTimeInput(), input_formats=DATETIME_INPUT_FORMATS
    )
    colleague_tokens = forms.IntegerField(
        label=_("每人同事测评码数"),
        min_value=1,
        max_value=TOKENS_MAX,
        initial=5,
        help_text=_("接收单位同事匿名测评，每名挂职干部发放的测评码数量，打印后分发。"),
    )

    def __init__(self, *args, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        free = [(v, label) for v, label in AppraisalStage.choices if v not in taken]
        if free:
            self.fields["stage"].choices = free


class DecideForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("考核结果"), choices=AppraisalResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommendForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("表彰情况"),
        max_length=COMMENDATION_MAX,
        help_text=_("例如：评为2026年度优秀挂职干部。"),
    )


class ExchangeMeetingForm(BootstrapMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DateTimeInput(), input_formats=DATETIME_INPUT_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"),
        widget=DateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        required=False,
        help_text=_("不填则为开始后两小时。"),
    )
    place = forms.CharField(label=_("地点"), max_length=PLACE_MAX)
    topic = forms.CharField(
        label=_("议题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), max_length=40, required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1949, max_value=9999)
    host = forms.CharField(label=_("接收单位"), max_length=60, required=False)
    result = forms.ChoiceField(
        label=_("鉴定结果"),
        choices=[("", _("全部结果"))] + list(AppraisalResult.choices),
        required=False,
    )
    archived = forms.BooleanField(label=_("只看已归档"), required=False)
    commended = forms.BooleanField(label=_("只看受表彰"), required=False)
