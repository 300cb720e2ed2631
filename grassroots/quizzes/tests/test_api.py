"""The quizzes API: my open quizzes, a quiz's leaderboard scoped like the page."""

import pytest
from django.urls import include, path
from ninja import NinjaAPI

from grassroots.api.auth import session_auth, token_auth
from grassroots.quizzes.api import make_router

from .factories import QuestionFactory, make_member, make_quiz
from .test_results import add_results

test_api = NinjaAPI(urls_namespace="quizzes_test_api", auth=[token_auth, session_auth])
test_api.add_router("", make_router())
urlpatterns = [path("api/", test_api.urls), path("quizzes/", include("grassroots.quizzes.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_my_open_quizzes(client, county, bearer):
    member = make_member(county.branch1)
    mine = make_quiz(county.branch1, questions=[QuestionFactory(organization=county.root)])
    make_quiz(county.branch2)
    response = client.get("/api/quizzes/mine", headers=bearer(member))
    assert response.status_code == 200
    data = response.json()
    assert [q["id"] for q in data] == [mine.pk]
    assert data[0]["attempts_used"] == 0 and data[0]["score"] is None
    assert data[0]["organization"]["name"] == county.branch1.name


def test_leaderboard_is_scoped(client, county, make_user, bearer):
    quiz = make_quiz(county.justice)
    add_results(quiz, county.branch1, [80, 70])
    add_results(quiz, county.branch2, [90])
    officer = make_user("committee_admin", county.justice)
    data = client.get(f"/api/quizzes/{quiz.pk}/leaderboard", headers=bearer(officer)).json()
    assert data["count"] == 3 and not data["scoped"]
    assert [(r["rank"], r["score"]) for r in data["items"]] == [(1, 90), (2, 80), (3, 70)]
    secretary = make_user("branch_secretary", county.branch1)
    data = client.get(f"/api/quizzes/{quiz.pk}/leaderboard", headers=bearer(secretary)).json()
    assert data["scoped"] and [r["score"] for r in data["items"]] == [80, 70]
    page = client.get(
        f"/api/quizzes/{quiz.pk}/leaderboard", {"limit": 1, "offset": 1}, headers=bearer(officer)
    ).json()
    assert [(r["rank"], r["score"]) for r in page["items"]] == [(2, 80)]
    stranger = make_user("branch_secretary", county.town)
    response = client.get(f"/api/quizzes/{quiz.pk}/leaderboard", headers=bearer(stranger))
    assert response.status_code == 404


def test_bad_input_and_no_auth(client, county, make_user, bearer):
    officer = make_user("committee_admin", county.justice)
    assert client.get("/api/quizzes/0/leaderboard", headers=bearer(officer)).status_code == 422
    quiz = make_quiz(county.justice)
    response = client.get(
        f"/api/quizzes/{quiz.pk}/leaderboard", {"limit": 500}, headers=bearer(officer)
    )
    assert response.status_code == 422
    assert client.get("/api/quizzes/mine").status_code == 401
