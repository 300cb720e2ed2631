"""Form helpers shared by every app."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BootstrapMixin:
    """Give every widget Bootstrap's classes, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        self.mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; the field should accept DATETIME_INPUT_FORMATS."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


def org_label(org) -> str:
    """An organization in a select, indented under its parents."""
    return "\u3000" * (org.depth - 1) + org.name


def person_label(person) -> str:
    """A person in a select, told apart from namesakes by their organization (select_related
    primary_org). No punctuation of one language: the label reads the same on English pages."""
    org = person.primary_org
    return f"{person.name} · {org.short_name or org.name}"


def chosen_ids(value) -> set[int]:
    """The primary keys a bound choice field holds (one value or a list; bad items skipped)."""
    values = value if isinstance(value, list | tuple) else [value]
    ids = set()
    for item in values:
        try:
            ids.add(int(getattr(item, "pk", item)))
        except (TypeError, ValueError):
            continue
    return ids


def offer_first(form, name: str, limit: int) -> None:
    """Offer the first `limit` rows of a choice field's queryset, and those already chosen,
    while the field still checks a choice against the whole queryset (a county's library or
    roster is long; a sliced queryset would refuse every choice)."""
    field = form.fields[name]
    chosen = chosen_ids(form[name].value())
    rows = list(field.queryset[:limit])
    missing = chosen - {row.pk for row in rows}
    if missing:
        rows += list(field.queryset.filter(pk__in=missing))
    choices = [(row.pk, field.label_from_instance(row)) for row in rows]
    if getattr(field, "empty_label", None) is not None:
        choices.insert(0, ("", field.empty_label))
    field.widget.choices = choices


def apply_service_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form: field errors where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class HolidayImportForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("国务院办公厅公布的放假安排"),
        max_length=20_000,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "2027-02-06..2027-02-12 休 春节\n2027-02-14 班 春节调休",
            }
        ),
        help_text=_("每行一天或一段日期，写“休”或“班”，可加说明；同一日期再次导入会覆盖。"),
    )


def year_or_current(value) -> int:
    """A year asked for in a query string, or this year when it is missing or absurd."""
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year
