from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin

from .services import MAX_EXPIRY_DAYS, NAME_MAX_LENGTH


class TokenCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("说明令牌的用途，如“统计报表脚本”。"),
    )
    expires_in_days = forms.IntegerField(
        label=_("有效天数"),
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text=_("留空表示长期有效，直至撤销。"),
    )
