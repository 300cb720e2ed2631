"""Forms of the quizzes app. Questions are typed as a manager thinks of them (options one per
line, the key as letters); the form turns that into the bank's shape, the service checks it."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.forms import DATETIME_INPUT_FORMATS, BootstrapMixin, DateTimeInput
from grassroots.core.forms import org_label as _org_label

from .enums import CHOICE_TYPES, Difficulty, QuestionType
from .grading import letters
from .models import Contest, Quiz, Tag

_LETTERS = letters(8)
_SEPARATORS = re.compile(r"[\s,，、;；]+")


class QuestionForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("所属题库（组织）"))
    qtype = forms.ChoiceField(
        label=gettext_lazy("题型"),
        choices=QuestionType.choices,
        widget=forms.Select(attrs={"data-question-type": "1"}),
    )
    stem = forms.CharField(
        label=gettext_lazy("题干"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("填空题用 ____ 表示要填的空。"),
    )
    options_text = forms.CharField(
        label=gettext_lazy("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-for-types": "single multiple"}),
        help_text=gettext_lazy("依次为 A、B、C……，最多 8 个，不要写字母前缀。"),
    )
    correct_letters = forms.CharField(
        label=gettext_lazy("正确选项"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"data-for-types": "single multiple", "autocomplete": "off"}),
        help_text=gettext_lazy("单选题如 B；多选题如 ABD。"),
    )
    correct_bool = forms.ChoiceField(
        label=gettext_lazy("判断"),
        required=False,
        choices=[("true", gettext_lazy("正确")), ("false", gettext_lazy("错误"))],
        widget=forms.RadioSelect(attrs={"data-for-types": "true_false"}),
    )
    blanks_text = forms.CharField(
        label=gettext_lazy("参考答案（每个空一行）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-for-types": "fill_blank"}),
        help_text=gettext_lazy(
            "一个空有几种可接受的写法时用竖线分隔，如：季度|个季度。判分忽略大小写、全角半角和首尾空格。"
        ),
    )
    explanation = forms.CharField(
        label=gettext_lazy("解析"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("作答后显示，说明依据（如条例名称和条款）。"),
    )
    difficulty = forms.TypedChoiceField(
        label=gettext_lazy("难度"), choices=Difficulty.choices, coerce=int, initial=2
    )
    tags = forms.CharField(
        label=gettext_lazy("标签"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("用顿号或逗号分隔，如：党章、三会一课。"),
    )

    def __init__(self, *args, organizations, question=None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(question)
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _org_label
        if question is not None:
            del self.fields["organization"]

    @staticmethod
    def initial_for(question) -> dict:
        initial = {
            "qtype": question.qtype,
            "stem": question.stem,
            "explanation": question.explanation,
            "difficulty": question.difficulty,
            "tags": _("、").join(t.name for t in question.tags.all()),
        }
        if question.qtype in CHOICE_TYPES:
            initial["options_text"] = "\n".join(question.options)
            initial["correct_letters"] = "".join(_LETTERS[i] for i in question.answer)
        elif question.qtype == QuestionType.TRUE_FALSE:
            initial["correct_bool"] = "true" if question.answer and question.answer[0] else "false"
        else:
            initial["blanks_text"] = "\n".join("|".join(a) for a in question.answer)
        return initial

    def clean(self):
        data = super().clean()
        qtype = data.get("qtype")
        options: list[str] = []
        answer: list = []
        if qtype in CHOICE_TYPES:
            options = [line.strip() for line in data.get("options_text", "").splitlines()]
            options = [o for o in options if o]
            raw = _SEPARATORS.sub("", (data.get("correct_letters") or "").upper())
            raw = raw.translate({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
            if any(ch not in _LETTERS for ch in raw):
                self.add_error("correct_letters", _("请用选项字母表示正确答案，如 B 或 ABD。"))
            else:
                answer = sorted({_LETTERS.index(ch) for ch in raw})
        elif qtype == QuestionType.TRUE_FALSE:
            value = data.get("correct_bool")
            if value not in ("true", "false"):
                self.add_error("correct_bool", _("请选择正确或错误。"))
            else:
                answer = [value == "true"]
        elif qtype == QuestionType.FILL_BLANK:
            lines = [line for line in data.get("blanks_text", "").splitlines() if line.strip()]
            answer = [[a.strip() for a in re.split(r"[|｜]", line) if a.strip()] for line in lines]
        data["options"] = options
        data["answer"] = answer
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "qtype": data["qtype"],
            "stem": data["stem"],
            "options": data["options"],
            "answer": data["answer"],
            "explanation": data.get("explanation", ""),
            "difficulty": data["difficulty"],
            "tags": data.get("tags", ""),
        }


class QuestionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=60)
    qtype = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("全部题型")), *QuestionType.choices]
    )
    difficulty = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("全部难度")), *Difficulty.choices],
    )
    tag = forms.CharField(required=False, max_length=30)
    active = forms.ChoiceField(
        required=False,
        choices=[
            ("1", gettext_lazy("启用")),
            ("0", gettext_lazy("已停用")),
            ("", gettext_lazy("全部")),
        ],
    )
    org = forms.IntegerField(required=False, min_value=1)


class ImportUploadForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("导入到题库（组织）"),
    )
    file = forms.FileField(
        label=gettext_lazy("题目文件"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "data-testid": "question-file",
            }
        ),
    )

    def __init__(self, *args, organizations, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _org_label
        self.fields["file"].help_text = _("仅限 .xlsx 格式，不超过 %(mb)d MB。") % {"mb": max_mb}


QUIZ_FORM_FIELDS = [
    "title",
    "description",
    "audience",
    "audience_org",
    "party_members_only",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "max_attempts",
    "grading_rule",
    "selection",
    "draw_tags",
    "draw_easy",
    "draw_medium",
    "draw_hard",
    "points_per_question",
    "pass_score",
    "partial_credit",
    "shuffle_questions",
    "shuffle_options",
    "review_policy",
    "leaderboard_visible",
]


class QuizForm(BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("主办组织"))

    class Meta:
        model = Quiz
        fields = QUIZ_FORM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "draw_tags": forms.CheckboxSelectMultiple(),
            "audience": forms.RadioSelect(),
            "selection": forms.RadioSelect(),
        }

    def __init__(self, *args, organizations, published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _org_label
        self.fields["audience_org"].queryset = organizations
        self.fields["audience_org"].label_from_instance = _org_label
        self.fields["audience_org"].required = False
        self.fields["draw_tags"].queryset = Tag.objects.order_by("name")
        self.fields["draw_tags"].help_text = _(
            "不选表示从全部题目中抽取；选多个时，含任一标签的题目都可抽取。"
        )
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = DATETIME_INPUT_FORMATS
        if self.instance.pk:
            del self.fields["organization"]
        if published:
            for name in list(self.fields):
                if name not in ("title", "description", "closes_at", "leaderboard_visible"):
                    del self.fields[name]

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("organization",)}


class ContestForm(BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("主办组织"))

    class Meta:
        model = Contest
        fields = ["title", "seconds_per_question", "max_points"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _org_label
        self.fields["seconds_per_question"].help_text = _("服务器按出题时刻开始倒计时，5–600 秒。")
        self.fields["max_points"].help_text = _(
            "答对即得一半分值，其余一半按剩余时间比例计算，越快得分越高。"
        )
        if self.instance.pk:
            del self.fields["organization"]


class DrawForm(BootstrapMixin, forms.Form):
    count = forms.IntegerField(label=gettext_lazy("随机抽取题数"), min_value=1, max_value=100)
    qtype = forms.ChoiceField(
        label=gettext_lazy("题型"),
        required=False,
        choices=[("", gettext_lazy("全部题型")), *QuestionType.choices],
    )
    difficulty = forms.TypedChoiceField(
        label=gettext_lazy("难度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("全部难度")), *Difficulty.choices],
    )
    tag = forms.ModelChoiceField(
        label=gettext_lazy("标签"), required=False, queryset=Tag.objects.order_by("name")
    )


class JoinForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("加入码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "000000",
                "class": "form-control-lg text-center fs-2",
                "data-testid": "join-code",
            }
        ),
    )
