from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin

from ..models import Organization


class RosterUploadForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("导入到"),
        help_text=_("文件中的人员只能进入此组织及其下级组织；“组织代码”为空的新人员进入此组织。"),
    )
    file = forms.FileField(
        label=_("花名册文件"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "data-testid": "roster-file",
            }
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["file"].help_text = _("仅限 .xlsx 格式，不超过 %(mb)d MB。") % {
            "mb": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)
        }
        self.fields["organization"].label_from_instance = lambda o: (
            f"{'　' * (o.depth - 1)}{o.name}（{o.code}）"
        )
