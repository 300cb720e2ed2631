"""Forms of the materials library: publishing a material and filtering the list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin, org_label

from ..enums import MaterialKind

ACCEPT = ".pdf,.docx,.doc,.wps,.txt"


class MaterialForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=None,
        label=_("发布到组织"),
        help_text=_("该组织及其下级组织的人员都能看到这份资料。"),
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=MaterialKind.choices)
    file = forms.FileField(
        label=_("文件"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF、Word（.docx、.doc）或纯文本（.txt），不超过 20 MB。"),
    )
    link = forms.URLField(
        label=_("链接地址"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    summary = forms.CharField(label=_("简介"), required=False, max_length=300)
    tags = forms.CharField(
        label=_("标签"),
        required=False,
        max_length=400,
        help_text=_("用逗号、顿号或空格分隔，如：党章 二十大 廉政"),
    )

    def __init__(self, *args, organizations, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations
        field.label_from_instance = org_label
        if has_file:
            self.fields["file"].help_text = _(
                "已有文件；如需替换，请选择新文件（PDF、Word 或纯文本，不超过 20 MB）。"
            )


class MaterialFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=60)
    tag = forms.CharField(required=False, max_length=30)
    kind = forms.ChoiceField(required=False, choices=[("", _("全部类型")), *MaterialKind.choices])
