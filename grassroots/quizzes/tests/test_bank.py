"""The question bank: writing questions, their checks, who may, and the bank page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.quizzes.models import Question, Tag
from grassroots.quizzes.services import bank as services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db

SINGLE = {
    "qtype": "single",
    "stem": "党员教育培训每人每年集中学习培训时间一般不少于多少学时？",
    "options": ["24学时", "32学时", "48学时"],
    "answer": [1],
    "explanation": "《中国共产党党员教育管理工作条例》规定不少于32学时。",
    "difficulty": 1,
}


def test_create_each_type(county, make_user):
    officer = make_user("org_dept_admin", county.root)
    single = services.question_create(
        organization=county.root, actor=officer, tags="党员教育管理、学时", **SINGLE
    )
    assert single.options == ["24学时", "32学时", "48学时"]
    assert sorted(t.name for t in single.tags.all()) == sorted(["学时", "党员教育管理"])
    tf = services.question_create(
        organization=county.root,
        actor=officer,
        qtype="true_false",
        stem="预备党员的预备期为一年。",
        options=["不该保存"],
        answer=[True],
    )
    assert tf.options == [] and tf.answer == [True]
    fill = services.question_create(
        organization=county.root,
        actor=officer,
        qtype="fill_blank",
        stem="支部委员会一般每____召开一次。",
        options=[],
        answer=[["月", "个月"]],
    )
    assert fill.answer == [["月", "个月"]]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"stem": "  "}, "stem"),
        ({"options": ["只有一个"]}, "options"),
        ({"options": ["甲", "甲", "乙"]}, "options"),
        ({"answer": [5]}, "answer"),
        ({"answer": [0, 1]}, "answer"),
        ({"qtype": "multiple", "answer": [1]}, "answer"),
        ({"difficulty": 4}, "difficulty"),
        ({"qtype": "true_false", "answer": ["yes"]}, "answer"),
        ({"qtype": "fill_blank", "answer": [[" "]]}, "answer"),
    ],
)
def test_bad_questions_are_refused_with_a_message_and_nothing_saved(
    county, make_user, changes, field
):
    officer = make_user("org_dept_admin", county.root)
    with pytest.raises(ValidationError) as exc:
        services.question_create(organization=county.root, actor=officer, **{**SINGLE, **changes})
    assert field in exc.value.message_dict
    assert all(m for m in exc.value.message_dict[field])
    assert not Question.objects.exists()


def test_the_same_question_twice_in_one_bank_is_refused(county, make_user):
    officer = make_user("org_dept_admin", county.root)
    services.question_create(organization=county.root, actor=officer, **SINGLE)
    reordered = {**SINGLE, "options": ["48学时", "32学时", "24学时"], "answer": [1]}
    with pytest.raises(ValidationError, match="已有相同的题目"):
        services.question_create(organization=county.root, actor=officer, **reordered)
    # Another organization's bank may hold the same question.
    services.question_create(organization=county.town, actor=officer, **SINGLE)
    assert Question.objects.count() == 2


def test_permissions_follow_the_tree(county, make_user):
    secretary1 = make_user("branch_secretary", county.branch1)
    services.question_create(organization=county.branch1, actor=secretary1, **SINGLE)
    with pytest.raises(PermissionDenied):
        services.question_create(organization=county.branch2, actor=secretary1, **SINGLE)
    member = make_member(county.branch1)
    with pytest.raises(PermissionDenied):
        services.question_create(organization=county.branch1, actor=member, **SINGLE)
    question = Question.objects.get()
    officer_above = make_user("committee_admin", county.justice)
    services.question_update(
        question=question, actor=officer_above, **{**SINGLE, "stem": "改过的题干"}
    )
    secretary2 = make_user("branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.question_set_active(question=question, active=False, actor=secretary2)


def test_a_used_question_is_deactivated_not_deleted(county, make_user):
    officer = make_user("org_dept_admin", county.root)
    used, unused = (
        QuestionFactory(organization=county.root),
        QuestionFactory(organization=county.root),
    )
    make_quiz(county.root, questions=[used])
    with pytest.raises(ValidationError, match="停用"):
        services.question_delete(question=used, actor=officer)
    services.question_set_active(question=used, active=False, actor=officer)
    used.refresh_from_db()
    assert not used.is_active
    services.question_delete(question=unused, actor=officer)
    assert list(Question.objects.all()) == [used]


def test_bank_page_filters_and_scope(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    QuestionFactory(organization=county.branch1, stem="本支部的题", tags=["党章"], difficulty=1)
    QuestionFactory(organization=county.branch1, stem="判断题一道", qtype="true_false")
    QuestionFactory(organization=county.branch2, stem="别的支部的题")
    client.force_login(secretary)
    page = client.get(reverse("quizzes:bank")).content.decode()
    assert "本支部的题" in page and "判断题一道" in page
    assert "别的支部的题" not in page
    page = client.get(reverse("quizzes:bank"), {"qtype": "true_false"}).content.decode()
    assert "判断题一道" in page and "本支部的题" not in page
    page = client.get(reverse("quizzes:bank"), {"tag": "党章", "difficulty": "1"}).content.decode()
    assert "本支部的题" in page and "判断题一道" not in page
    page = client.get(reverse("quizzes:bank"), {"q": "判断"}).content.decode()
    assert "判断题一道" in page and "本支部的题" not in page


def test_member_may_not_open_the_bank(client, county):
    client.force_login(make_member(county.branch1))
    assert client.get(reverse("quizzes:bank")).status_code == 403


def test_bank_page_query_budget(client, county, make_user, django_assert_max_num_queries):
    officer = make_user("org_dept_admin", county.root)
    QuestionFactory.create_batch(3, organization=county.root, tags=["党章"])
    client.force_login(officer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("quizzes:bank"))
    QuestionFactory.create_batch(60, organization=county.root, tags=["党章", "三会一课"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("quizzes:bank"))
    assert response.content.decode().count('data-testid="question-row"') == 50


def test_question_form_creates_and_edits(client, county, make_user):
    officer = make_user("org_dept_admin", county.root)
    client.force_login(officer)
    response = client.post(
        reverse("quizzes:question_create"),
        {
            "organization": county.root.pk,
            "qtype": "multiple",
            "stem": "“三会一课”中的“三会”是指（ ）。",
            "options_text": "支部党员大会\n支部委员会\n\n党小组会\n民主生活会",
            "correct_letters": "a、b、c",
            "difficulty": 2,
            "tags": "三会一课",
        },
    )
    assert response.status_code == 302, response.content.decode()
    question = Question.objects.get()
    assert question.options == ["支部党员大会", "支部委员会", "党小组会", "民主生活会"]
    assert question.answer == [0, 1, 2]
    response = client.post(
        reverse("quizzes:question_edit", args=[question.pk]),
        {
            "qtype": "true_false",
            "stem": "“三会”包括民主生活会。",
            "correct_bool": "false",
            "difficulty": 1,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.qtype, question.answer, question.options) == ("true_false", [False], [])
    assert Tag.objects.filter(name="三会一课").exists()


def test_question_form_shows_the_services_message(client, county, make_user):
    client.force_login(make_user("org_dept_admin", county.root))
    response = client.post(
        reverse("quizzes:question_create"),
        {
            "organization": county.root.pk,
            "qtype": "single",
            "stem": "题干",
            "options_text": "甲\n乙",
            "correct_letters": "AB",
            "difficulty": 2,
        },
    )
    assert response.status_code == 200
    assert "单选题应有且只有一个正确选项" in response.content.decode()
    assert not Question.objects.exists()
