from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core import permissions
from grassroots.core.forms import BootstrapMixin
from grassroots.core.forms import org_label as _org_label
from grassroots.core.validators import normalize_mobile

from .models import Role, User


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
    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password") and not self.has_error("new_password2"):
            self.add_error(
                "new_password2",
                forms.ValidationError(_("新密码不能与原密码相同。"), code="password_unchanged"),
            )
        return cleaned


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("工号/用户名"),
        max_length=40,
        help_text=_("登录用，2至40位字母、数字或 _ . @ - 符号。"),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("也可用手机号登录；默认取人员信息中的手机号。"),
    )
    display_name = forms.CharField(
        label=_("显示名称"), max_length=60, required=False, help_text=_("留空则显示人员姓名。")
    )
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("留空则自动生成，仅显示一次。无论哪种方式，首次登录都须修改密码。"),
    )


class UserEditForm(BootstrapMixin, forms.Form):
    display_name = forms.CharField(label=_("显示名称"), max_length=60, required=False)
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(label=_("启用（可以登录）"), required=False)


class UsersFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=40, required=False)
    active = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部账号")), ("1", _("已启用")), ("0", _("已停用"))],
        required=False,
    )


class RoleForm(BootstrapMixin, forms.ModelForm):
    codenames = forms.MultipleChoiceField(
        label=_("权限"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Role
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codenames"].choices = [
            (p.codename, p.label) for p in permissions.all_permissions()
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["codenames"] = list(self.instance.codenames or [])

    def validate_unique(self):
        # The service checks the name with a clear message.
        pass

    def selected_codenames(self) -> set[str]:
        value = self["codenames"].value() or []
        return set(value)


class GrantForm(BootstrapMixin, forms.Form):
    user = forms.CharField(
        label=_("账号"), max_length=40, help_text=_("工号/用户名或手机号，须在您的管理范围内。")
    )
    role = forms.ModelChoiceField(queryset=Role.objects.order_by("id"), label=_("角色"))
    organization = forms.ModelChoiceField(
        queryset=None, label=_("组织"), help_text=_("角色作用于该组织及其全部下级组织。")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, users, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = users
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _org_label

    def clean_user(self) -> User:
        value = (self.cleaned_data.get("user") or "").strip()
        found = list(self.users.filter(Q(username=value) | Q(mobile=normalize_mobile(value)))[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("在您的管理范围内找不到账号“%(v)s”。") % {"v": value})
        return found[0]


class GrantsFilterForm(forms.Form):
    q = forms.CharField(label=_("账号"), max_length=40, required=False)
    role = forms.ModelChoiceField(
        queryset=Role.objects.order_by("id"), required=False, empty_label=_("全部角色")
    )
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
