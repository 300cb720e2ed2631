"""Forms of a meeting's records: a hand mark of attendance, an extra attendee, the minutes
(draft and revision) and an uploaded file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin

from .enums import AttendanceStatus
from .services.attendance import MARKABLE
from .services.minutes import CAPTION_MAX, DECISIONS_MAX, REASON_MAX, TEXT_MAX


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in AttendanceStatus if s in MARKABLE]
    )
    reason = forms.CharField(required=False, max_length=200)


class ExtraSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名或拼音"), required=False, max_length=40)


class ExtraAddForm(forms.Form):
    person = forms.IntegerField(min_value=1)


class MinutesForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("会议记录"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("会议的主要内容、发言要点和讨论情况。"),
    )
    decisions = forms.CharField(
        label=_("决议"),
        required=False,
        max_length=DECISIONS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一条决议。"),
    )


class RevisionForm(MinutesForm):
    reason = forms.CharField(
        label=_("修订原因"),
        max_length=REASON_MAX,
        help_text=_("说明为什么修改已发布的会议记录，将与本次修订一起保留。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("文件或照片"),
        help_text=_("可上传 PDF、Word、纯文本文档，或 JPG、PNG 照片。"),
    )
    caption = forms.CharField(label=_("说明"), required=False, max_length=CAPTION_MAX)
