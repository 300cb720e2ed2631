from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import BootstrapMixin, DateInput, org_label
from grassroots.core.registry import person_filters

from .enums import Education, Gender, PersonStatus, PoliticalStatus
from .models import Organization, OrganizationKind, Person, Position


class OrganizationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "founded_on",
            "secretary",
            "phone",
            "address",
        ]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, secretary_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = OrganizationKind.objects.filter(is_active=True)
        self.fields["secretary"].queryset = (
            secretary_choices if secretary_choices is not None else Person.objects.none()
        )

    def validate_unique(self):
        # The service checks the code with a clear message; the tree fields are not on the form.
        pass


class OrganizationPickForm(BootstrapMixin, forms.Form):
    """Choose another organization (move under it, merge into it) by id within the user's scope."""

    target = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("目标组织"))
    on = forms.DateField(label=_("生效日期"), required=False, widget=DateInput())

    def __init__(self, *args, queryset, target_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset
        self.fields["target"].label_from_instance = org_label
        if target_label:
            self.fields["target"].label = target_label


class DissolveForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("撤销日期"), required=False, widget=DateInput())
    confirm = forms.BooleanField(label=_("我确认撤销该组织及其全部下级组织"), required=True)


class PersonForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "mobile",
            "email",
            "education",
            "political_status",
            "joined_party_on",
            "full_member_on",
            "employer",
            "job_title",
            "rank",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_party_on": DateInput(),
            "full_member_on": DateInput(),
        }
        help_texts = {"id_number": _("18位居民身份证号；出生日期和性别可由身份证号自动填写。")}

    def __init__(self, *args, show_id_number=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        if not show_id_number:
            # Those who may not read the full number may not overwrite it blind either.
            del self.fields["id_number"]

    def validate_unique(self):
        pass

    def _post_clean(self):
        # Model validation happens in the service (clean_person), with the same messages for
        # the form, the import and the API.
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(
                self, self.instance, opts.fields, opts.exclude
            )
        except forms.ValidationError as e:
            self._update_errors(e)


class PersonCreateForm(PersonForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("所在组织"))
    joined_on = forms.DateField(label=_("转入本组织日期"), required=False, widget=DateInput())

    class Meta(PersonForm.Meta):
        fields = ["organization", *PersonForm.Meta.fields]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = org_label
        self.order_fields(["organization", *PersonForm.Meta.fields, "joined_on"])


class TransferForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("转入组织"))
    on = forms.DateField(label=_("转移日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = org_label


class PersonStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=PersonStatus.choices)


class PositionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "rank", "employer", "started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}


def _experience_choices() -> list[tuple[str, str]]:
    """The people list's 经历 choices that apps registered (有挂职经历, ...)."""
    return [("", _("全部经历"))] + [(f.key, f.label) for f in person_filters.items()]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=40, required=False)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    political_status = forms.ChoiceField(
        label=_("政治面貌"),
        choices=[("", _("全部政治面貌"))] + list(PoliticalStatus.choices),
        required=False,
    )
    position = forms.CharField(label=_("职务"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态"))] + list(PersonStatus.choices), required=False
    )
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", _("全部性别"))] + list(Gender.choices), required=False
    )
    education = forms.ChoiceField(
        label=_("学历"), choices=[("", _("全部学历"))] + list(Education.choices), required=False
    )
    experience = forms.ChoiceField(label=_("经历"), choices=_experience_choices, required=False)
