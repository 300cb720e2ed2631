from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin


class PreferenceForm(BootstrapMixin, forms.Form):
    email = forms.BooleanField(label=_("同时发送电子邮件"), required=False)
    sms = forms.BooleanField(label=_("同时发送短信"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.email:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("账号未填写电子邮箱，请联系管理员。")
        if not user.mobile:
            self.fields["sms"].disabled = True
            self.fields["sms"].help_text = _("账号未填写手机号，请联系管理员。")
