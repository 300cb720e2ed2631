from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("手机号或工号"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("手机号/工号或密码不正确。连续失败5次，账号将被锁定15分钟。"),
        "inactive": _("该账号已停用。"),
    }


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass
