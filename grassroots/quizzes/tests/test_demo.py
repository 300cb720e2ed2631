"""The demo data: a real bank of party knowledge, an open quiz, a closed quiz with results."""

import random

import pytest

from grassroots.orgs.models import Organization, Person
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.quizzes.demo import QUESTIONS, populate
from grassroots.quizzes.models import Question, QuizResult
from grassroots.quizzes.selectors.quizzes import my_quizzes
from grassroots.quizzes.services.common import clean_question

from .factories import make_member

pytestmark = pytest.mark.django_db


def test_every_demo_question_is_valid():
    assert len(QUESTIONS) >= 30
    for qtype, stem, options, answer, explanation, difficulty, _tags in QUESTIONS:
        clean_question(
            qtype=qtype,
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            difficulty=difficulty,
        )


def test_populate(county):
    PersonFactory.create_batch(12, primary_org=county.branch1)
    PersonFactory.create_batch(6, primary_org=county.community)
    member = make_member(county.branch2)
    people = Person.objects.select_related("primary_org")
    summary = populate(list(Organization.objects.all()), people, random.Random(7))
    assert summary["questions"] == len(QUESTIONS)
    assert Question.objects.filter(organization=county.root).count() == len(QUESTIONS)
    assert summary["results"] == QuizResult.objects.count() == 19 * 2 // 3
    mine = my_quizzes(member)
    assert len(mine["open"]) == 1 and len(mine["closed"]) == 1
    # Calling it again adds no question twice.
    assert populate({"root": county.root}, [], random.Random(7))["questions"] == 0
