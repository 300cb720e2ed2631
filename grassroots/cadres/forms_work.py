"""Forms of the work tab (计划与报告): they parse input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin

from .services import plans, reports


class PlanForm(BootstrapMixin, forms.Form):
    goals = forms.CharField(
        label=_("工作目标"),
        max_length=plans.GOALS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("挂职期间要完成的主要工作和预期成效，可分条填写。"),
    )
    measures = forms.CharField(
        label=_("主要措施"),
        required=False,
        max_length=plans.MEASURES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PlanDecisionForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=plans.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必须填写理由。"),
    )


class ReportForm(BootstrapMixin, forms.Form):
    content = forms.CharField(
        label=_("报告内容"),
        max_length=reports.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class ReportCommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("接收单位意见"),
        max_length=reports.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SummaryForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("挂职总结"),
        max_length=reports.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("挂职总结只能提交一次，提交后不能修改。"),
    )
