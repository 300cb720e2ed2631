"""Forms of reflections: writing one, reviewing one, and filtering the lists."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin

from ..enums import ReflectionStatus
from ..services.reflections import MAX_LENGTH, MAX_RAW_LENGTH


class ReflectionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    session = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("学习活动"),
        empty_label=_("（不对应学习活动）"),
        help_text=_("可选：就您参加的一次学习活动撰写心得。"),
    )
    material = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("正文"),
        max_length=MAX_RAW_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def __init__(self, *args, sessions, materials, min_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%Y-%m-%d} {s.title}"
        )
        self.fields["material"].queryset = materials
        self.fields["text"].widget.attrs.update(
            {
                "data-min-length": str(min_length),
                "data-max-length": str(MAX_LENGTH),
                "data-counter": "reflection-counter",
                "aria-describedby": "reflection-counter",
            }
        )
        self.fields["text"].help_text = _("至少 %(min)d 字、至多 %(max)d 字，不计空格和换行。") % {
            "min": min_length,
            "max": MAX_LENGTH,
        }

    def clean(self):
        data = super().clean()
        if data.get("session") and data.get("material"):
            raise forms.ValidationError(_("一篇心得只能对应一次学习活动或一份学习资料。"))
        return data


REVIEW_CHOICES = [
    (ReflectionStatus.ACCEPTED, _("通过")),
    (ReflectionStatus.EXCELLENT, _("评为优秀")),
    (ReflectionStatus.RETURNED, _("退回修改")),
]


class ReviewForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(choices=REVIEW_CHOICES, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("审阅意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填，作者会收到这段意见。"),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("全部状态")), *ReflectionStatus.choices]
    )
    org = forms.IntegerField(required=False, min_value=1)
