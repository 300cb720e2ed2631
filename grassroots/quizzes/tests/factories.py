"""Factories and helpers for the quizzes tests: questions of each type, quizzes, members."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.enums import PoliticalStatus
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.quizzes.enums import Audience, QuestionType, QuizStatus, Selection
from grassroots.quizzes.grading import fingerprint
from grassroots.quizzes.models import Question, Quiz, QuizQuestion, Tag


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    qtype = QuestionType.SINGLE
    stem = factory.Sequence(lambda n: f"第{n}题：党支部党员大会一般多长时间召开一次？")
    options = factory.LazyAttribute(
        lambda o: ["每月", "每季度", "每半年", "每年"] if o.qtype in ("single", "multiple") else []
    )
    answer = factory.LazyAttribute(
        lambda o: {
            "single": [1],
            "multiple": [0, 1],
            "true_false": [True],
            "fill_blank": [["季度", "个季度"]],
        }[o.qtype]
    )
    explanation = "《中国共产党支部工作条例（试行）》规定。"
    difficulty = 2
    fingerprint = factory.LazyAttribute(lambda o: fingerprint(o.qtype, o.stem, o.options))

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set([Tag.objects.get_or_create(name=name)[0] for name in extracted])


def make_member(org, *, party: bool = True, **user_kwargs):
    """A user with a person in `org` (a party member unless party=False)."""
    status = PoliticalStatus.PARTY_MEMBER if party else PoliticalStatus.MASSES
    person = PersonFactory(primary_org=org, political_status=status)
    return UserFactory(person=person, **user_kwargs)


def make_quiz(
    org,
    *,
    questions=(),
    status=QuizStatus.PUBLISHED,
    audience_org=None,
    **fields,
) -> Quiz:
    now = timezone.now()
    values = {
        "title": "党章党规知识测试",
        "organization": org,
        "audience": Audience.SUBTREE,
        "audience_org": audience_org or org,
        "selection": Selection.FIXED,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=2),
        "points_per_question": 10,
        "pass_score": 10,
        "status": status,
        "shuffle_questions": False,
        "shuffle_options": False,
    }
    values.update(fields)
    quiz = Quiz.objects.create(**values)
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=q, position=i) for i, q in enumerate(questions, 1)]
    )
    return quiz


class Clock:
    """The server's clock in a test: services read timezone.now(), which this replaces."""

    def __init__(self, now):
        self.now = now

    def set(self, moment):
        self.now = moment

    def advance(self, **delta):
        self.now += timedelta(**delta)
