"""Results: the leaderboard (rank by score, then time), figures by branch, who sees what,
query budgets that do not grow with the number of participants, and the export."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.quizzes.models import QuizResult
from grassroots.quizzes.selectors import results as selectors
from grassroots.quizzes.services import attempts as services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


def add_results(quiz, org, scores, *, time_used=100):
    """Results written directly (as the grading transaction writes them)."""
    people = PersonFactory.create_batch(len(scores), primary_org=org)
    now = timezone.now()
    QuizResult.objects.bulk_create(
        [
            QuizResult(
                quiz=quiz,
                person=person,
                score=score,
                best_score=score,
                last_score=score,
                time_used_seconds=time_used + i,
                attempts_submitted=1,
                passed=score >= quiz.pass_score,
                submitted_at=now,
                last_submitted_at=now,
            )
            for i, (person, score) in enumerate(zip(people, scores, strict=True))
        ]
    )
    return people


@pytest.fixture
def quiz(county):
    return make_quiz(county.justice, pass_score=60)


def test_leaderboard_ranks_by_score_then_time(county, quiz):
    fast, slow = add_results(quiz, county.branch1, [90, 90], time_used=50)
    add_results(quiz, county.branch2, [95, 40])
    board = list(selectors.leaderboard(quiz))
    assert [r.score for r in board] == [95, 90, 90, 40]
    assert board[1].person == fast and board[2].person == slow
    assert selectors.rank_of(board[2]) == 3
    assert [rank for rank, _r in selectors.ranked(board[:2], 0)] == [1, 2]


def test_by_branch_participation_and_average(county, quiz):
    add_results(quiz, county.branch1, [80, 60])
    add_results(quiz, county.branch2, [50])
    PersonFactory.create_batch(2, primary_org=county.branch1)  # expected, not submitted
    PersonFactory.create_batch(1, primary_org=county.branch2)
    named = selectors.with_organizations(selectors.by_branch(quiz), by_path=False)
    rows = {r.organization.pk: r for r in named}
    b1, b2 = rows[county.branch1.pk], rows[county.branch2.pk]
    assert (b1.expected, b1.submitted, b1.average, b1.passed) == (4, 2, 70, 2)
    assert b1.participation == 0.5
    assert (b2.expected, b2.submitted, b2.participation) == (2, 1, 0.5)
    rolled = selectors.by_branch(quiz, depth=county.justice.depth)
    assert len(rolled) == 1 and rolled[0].expected == 6 and rolled[0].submitted == 3
    summary = selectors.summary(quiz)
    assert (summary.expected, summary.submitted, summary.passed) == (6, 3, 2)


def test_a_branch_secretary_sees_the_results_of_their_branch(client, county, make_user, quiz):
    add_results(quiz, county.branch1, [70])
    add_results(quiz, county.branch2, [99])
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)
    page = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert page.count('data-testid="board-row"') == 1
    assert "只显示您权限范围内人员的成绩" in page
    above = make_user("committee_admin", county.justice)
    client.force_login(above)
    page = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert page.count('data-testid="board-row"') == 2
    inspector = make_user("discipline_inspector", county.root)
    client.force_login(inspector)
    page = client.get(reverse("quizzes:results", args=[quiz.pk]), {"tab": "branches"})
    assert page.content.decode().count('data-testid="branch-row"') == 2


def test_participants_see_the_public_board_others_do_not(client, county, quiz):
    add_results(quiz, county.branch1, [70])
    participant = make_member(county.branch1)
    client.force_login(participant)
    response = client.get(reverse("quizzes:results", args=[quiz.pk]))
    assert response.status_code == 200
    assert (
        client.get(reverse("quizzes:results", args=[quiz.pk]), {"tab": "branches"}).status_code
        == 404
    )
    assert client.get(reverse("quizzes:results_export", args=[quiz.pk])).status_code == 403
    quiz.leaderboard_visible = False
    quiz.save()
    assert client.get(reverse("quizzes:results", args=[quiz.pk])).status_code == 404
    client.force_login(make_member(county.community))
    quiz.leaderboard_visible = True
    quiz.save()
    assert client.get(reverse("quizzes:results", args=[quiz.pk])).status_code == 404


def test_results_pages_query_budget(client, county, make_user, quiz, django_assert_max_num_queries):
    officer = make_user("committee_admin", county.justice)
    client.force_login(officer)
    add_results(quiz, county.branch1, [70, 80])
    url = reverse("quizzes:results", args=[quiz.pk])
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    with django_assert_max_num_queries(25) as few_branches:
        client.get(url, {"tab": "branches"})
    add_results(quiz, county.branch1, list(range(40, 100)))
    add_results(quiz, county.branch2, list(range(10, 70)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="board-row"') == 50
    with django_assert_max_num_queries(len(few_branches.captured_queries)):
        response = client.get(url, {"tab": "branches"})
    assert response.content.decode().count('data-testid="branch-row"') == 2


def test_reading_the_results_submits_expired_attempts(client, county, make_user, clock):
    quiz = make_quiz(
        county.branch1, questions=[QuestionFactory(organization=county.root)], time_limit_minutes=5
    )
    member = make_member(county.branch1)
    services.attempt_start(quiz=quiz, actor=member)
    clock.advance(minutes=6)
    client.force_login(make_user("branch_secretary", county.branch1))
    page = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert page.count('data-testid="board-row"') == 1
    assert QuizResult.objects.get().time_used_seconds == 300


def test_export(client, county, make_user, quiz):
    add_results(quiz, county.branch1, [70, 90])
    add_results(quiz, county.branch2, [50])
    client.force_login(make_user("committee_admin", county.justice))
    response = client.get(reverse("quizzes:results_export", args=[quiz.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    people, branches = workbook.worksheets
    rows = list(people.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[3]) for r in rows] == [(1, 90), (2, 70), (3, 50)]
    branch_rows = list(branches.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in branch_rows} == {county.branch1.name, county.branch2.name}


def test_the_person_panel_shows_results_to_the_person_and_officers(client, county, make_user, quiz):
    (person,) = add_results(quiz, county.branch1, [88])
    from grassroots.accounts.tests.factories import UserFactory

    user = UserFactory(person=person)
    client.force_login(user)
    page = client.get(reverse("orgs:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="quiz-results-panel"' in page and quiz.title in page
    client.force_login(make_user("branch_secretary", county.branch1))
    page = client.get(reverse("orgs:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="quiz-results-panel"' in page


def test_closed_quiz_results_by_grading(county):
    quiz = make_quiz(
        county.branch1,
        questions=[QuestionFactory(organization=county.root)],
        closes_at=timezone.now() + timedelta(hours=1),
    )
    member = make_member(county.branch1)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    services.attempt_answer(attempt=attempt, position=1, response=["1"], actor=member)
    services.attempt_submit(attempt=attempt, actor=member)
    (row,) = selectors.leaderboard(quiz)
    assert row.score == 10 and row.passed


def test_a_deep_page_of_the_board(county, quiz):
    add_results(quiz, county.branch1, [50, 60, 70, 80, 90])
    page = selectors.board_page(selectors.leaderboard(quiz), 2, 2)
    assert [r.score for r in page] == [70, 60]
    assert [rank for rank, _r in selectors.ranked(page, 2)] == [3, 4]
    assert page.paginator.count == 5


@pytest.mark.django_db(transaction=True)
def test_figures_by_branch_follow_each_submission(county, make_user):
    """Cached between submissions (outside a transaction), never behind the last one."""
    from grassroots.quizzes.services import attempts as attempt_services
    from grassroots.quizzes.tests.factories import QuestionFactory, make_member, make_quiz

    question = QuestionFactory(organization=county.root)
    quiz = make_quiz(county.branch1, questions=[question])
    member = make_member(county.branch1)
    assert selectors.by_branch(quiz)[0].submitted == 0
    attempt = attempt_services.attempt_start(quiz=quiz, actor=member)
    attempt_services.attempt_submit(attempt=attempt, actor=member)
    assert selectors.by_branch(quiz)[0].submitted == 1
