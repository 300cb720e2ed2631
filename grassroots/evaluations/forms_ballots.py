"""The ballot sheet: for each subject, one choice of level per dimension and a comment. The
same form serves an account (subjects left blank are left for later) and a token (every
subject answered)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

COMMENT_MAX = 500


def field_name(subject_id: int, dimension_id: int) -> str:
    return f"s{subject_id}-d{dimension_id}"


def comment_name(subject_id: int) -> str:
    return f"s{subject_id}-comment"


class SheetForm(forms.Form):
    """Fields s<subject>-d<dimension> (a level id) and s<subject>-comment. After is_valid():
    `answers` {subject id: {dimension id: level id}} and `comments` {subject id: text}."""

    def __init__(
        self, *args, subjects, dimensions, levels, require_all: bool, initial_answers=None, **kw
    ):
        super().__init__(*args, **kw)
        self.subjects = list(subjects)
        self.dimensions = list(dimensions)
        self.levels = list(levels)
        self.require_all = require_all
        choices = [(str(level.pk), level.label) for level in self.levels]
        initial_answers = initial_answers or {}
        for subject in self.subjects:
            given = initial_answers.get(subject.pk, {})
            for dimension in self.dimensions:
                self.fields[field_name(subject.pk, dimension.pk)] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=str(given[dimension.pk]) if dimension.pk in given else None,
                )
            self.fields[comment_name(subject.pk)] = forms.CharField(
                label=gettext_lazy("意见建议"),
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
        self.answers: dict[int, dict[int, int]] = {}
        self.comments: dict[int, str] = {}

    def clean(self):
        data = super().clean()
        for subject in self.subjects:
            chosen = {
                d.pk: int(data[field_name(subject.pk, d.pk)])
                for d in self.dimensions
                if data.get(field_name(subject.pk, d.pk))
            }
            if not chosen and not self.require_all:
                continue
            if len(chosen) != len(self.dimensions):
                self.add_error(
                    None,
                    _("请为“%(subject)s”的每个维度选择评价等次。") % {"subject": subject.label},
                )
                continue
            self.answers[subject.pk] = chosen
            self.comments[subject.pk] = data.get(comment_name(subject.pk), "")
        if not self.answers and not self.errors:
            self.add_error(None, _("请至少评价一个对象。"))
        return data

    def rows(self, items=None) -> list[dict]:
        """What the template draws: per subject, its dimensions with the field name and the
        level chosen, and its comment field."""
        by_subject = {item.subject.pk: item for item in items or []}
        rows = []
        for subject in self.subjects:
            dims = []
            for dimension in self.dimensions:
                bound = self[field_name(subject.pk, dimension.pk)]
                dims.append(
                    {"dimension": dimension, "name": bound.html_name, "value": bound.value()}
                )
            rows.append(
                {
                    "subject": subject,
                    "item": by_subject.get(subject.pk),
                    "dimensions": dims,
                    "comment": self[comment_name(subject.pk)],
                }
            )
        return rows
