"""Live contests: open with a join code, join, one question at a time against the server's
countdown, one answer per question, points by speed, late answers refused, live boards."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from grassroots.quizzes.enums import ContestStatus
from grassroots.quizzes.models import Contest, ContestAnswer, ContestPlayer
from grassroots.quizzes.services import contests as services

from .factories import QuestionFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(county, make_user):
    return make_user("branch_secretary", county.justice)


@pytest.fixture
def contest(county, host):
    contest = services.contest_create(
        organization=county.justice, actor=host, title="七一党史知识竞赛", seconds_per_question=20
    )
    questions = [
        QuestionFactory(organization=county.root, qtype="single", answer=[1]),
        QuestionFactory(organization=county.root, qtype="multiple", answer=[0, 1]),
        QuestionFactory(organization=county.root, qtype="true_false", answer=[True]),
    ]
    services.contest_add_questions(contest=contest, questions=questions, actor=host)
    return contest


def test_speed_points():
    assert services.speed_points(1000, 20, 20) == 1000
    assert services.speed_points(1000, 0, 20) == 500
    assert services.speed_points(1000, 10, 20) == 750
    assert services.speed_points(1000, 7.3, 20) == 683  # 682.5 rounds half up
    assert services.speed_points(1000, -1, 20) == 500


def test_open_gives_a_six_digit_code_unique_among_open_contests(county, host, contest):
    opened = services.contest_open(contest=contest, actor=host)
    assert opened.status == ContestStatus.OPEN
    assert len(opened.join_code) == 6 and opened.join_code.isdigit()
    other = services.contest_create(organization=county.justice, actor=host, title="另一场")
    other.join_code = opened.join_code
    other.status = ContestStatus.OPEN
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    # Ended contests keep their code; a new open contest may reuse it.
    services.contest_end(contest=opened, actor=host)
    other.save()


def test_an_empty_contest_cannot_open(county, host):
    empty = services.contest_create(organization=county.justice, actor=host, title="空竞赛")
    with pytest.raises(ValidationError, match="请先添加竞赛题目"):
        services.contest_open(contest=empty, actor=host)


def test_hosting_needs_the_codename_on_the_organization(county, make_user, contest):
    with pytest.raises(PermissionDenied):
        services.contest_open(contest=contest, actor=make_user("branch_secretary", county.town))
    with pytest.raises(PermissionDenied):
        services.contest_create(
            organization=county.justice, actor=make_member(county.branch1), title="x"
        )


def test_a_whole_round(county, host, contest, clock):
    contest = services.contest_open(contest=contest, actor=host)
    alice, bob, carol = (
        make_member(county.branch1),
        make_member(county.branch2),
        make_member(county.branch1),
    )
    players = {}
    for user in (alice, bob, carol):
        players[user.pk] = services.contest_join(code=f" {contest.join_code} ", actor=user)
    assert services.contest_join(code=contest.join_code, actor=alice).pk == players[alice.pk].pk
    assert players[alice.pk].organization == county.branch1

    with pytest.raises(ValidationError, match="当前不在作答中"):
        services.contest_answer(player=players[alice.pk], position=1, response=["1"], actor=alice)
    question = services.contest_next(contest=contest, actor=host)
    assert question.position == 1
    assert question.closes_at == question.opened_at + timedelta(seconds=20)

    clock.advance(seconds=5)  # 15 s of 20 left: 1000 × (0.5 + 0.5 × 0.75) = 875
    answer = services.contest_answer(
        player=players[alice.pk], position=1, response=["1"], actor=alice
    )
    assert (answer.is_correct, answer.points, answer.elapsed_ms) == (True, 875, 5000)
    with pytest.raises(ValidationError, match="每题只能作答一次"):
        services.contest_answer(player=players[alice.pk], position=1, response=["1"], actor=alice)
    wrong = services.contest_answer(player=players[bob.pk], position=1, response=["0"], actor=bob)
    assert (wrong.is_correct, wrong.points) == (False, 0)
    with pytest.raises(ValidationError, match="倒计时尚未结束"):
        services.contest_next(contest=contest, actor=host)
    clock.advance(seconds=15)
    with pytest.raises(ValidationError, match="作答时间已到"):
        services.contest_answer(player=players[carol.pk], position=1, response=["1"], actor=carol)
    with pytest.raises(PermissionDenied):
        services.contest_answer(player=players[carol.pk], position=1, response=["1"], actor=alice)

    services.contest_next(contest=contest, actor=host)
    clock.advance(seconds=2)
    for user in (alice, bob, carol):
        services.contest_answer(
            player=players[user.pk], position=2, response=["0", "1"], actor=user
        )
    # Everybody answered: the host may go on before the countdown ends.
    third = services.contest_next(contest=contest, actor=host)
    assert third.position == 3
    services.contest_end(contest=contest, actor=host)
    with pytest.raises(ValidationError, match="竞赛已经结束"):
        services.contest_answer(player=players[bob.pk], position=3, response=["true"], actor=bob)
    with pytest.raises(ValidationError, match="加入码无效"):
        services.contest_join(code=contest.join_code, actor=make_member(county.branch1))

    scores = dict(ContestPlayer.objects.values_list("user_id", "score"))
    assert scores[alice.pk] == 875 + 950
    assert scores[bob.pk] == 950
    assert ContestAnswer.objects.count() == 5


def test_one_answer_per_question_is_a_database_rule(county, host, contest):
    contest = services.contest_open(contest=contest, actor=host)
    user = make_member(county.branch1)
    player = services.contest_join(code=contest.join_code, actor=user)
    question = services.contest_next(contest=contest, actor=host)
    services.contest_answer(player=player, position=1, response=["1"], actor=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContestAnswer.objects.create(
            question=question,
            player=player,
            response=[1],
            is_correct=True,
            points=1,
            elapsed_ms=1,
            answered_at=question.opened_at,
        )


def test_bad_codes(county):
    user = make_member(county.branch1)
    with pytest.raises(ValidationError, match="6 位数字"):
        services.contest_join(code="12", actor=user)
    with pytest.raises(ValidationError, match="加入码无效"):
        services.contest_join(code="000000", actor=user)


def test_pages_host_and_players(client, county, host, contest):
    client.force_login(host)
    client.post(reverse("quizzes:contest_open", args=[contest.pk]))
    contest.refresh_from_db()
    screen = client.get(reverse("quizzes:contest_host", args=[contest.pk])).content.decode()
    assert contest.join_code in screen and "<svg" in screen
    assert f"?code={contest.join_code}" in screen or "join-qr" in screen

    player_client = client.__class__()
    member = make_member(county.branch1)
    player_client.force_login(member)
    form = player_client.get(reverse("quizzes:contest_join"), {"code": contest.join_code})
    assert contest.join_code in form.content.decode()
    response = player_client.post(reverse("quizzes:contest_join"), {"code": contest.join_code})
    assert response["Location"] == reverse("quizzes:contest_play", args=[contest.pk])
    page = player_client.get(response["Location"]).content.decode()
    assert member.person.name in page and "等待主持人出题" in page
    room_url = reverse("quizzes:contest_room", args=[contest.pk])
    key = page.split('data-key="')[1].split('"')[0]
    assert player_client.get(room_url, {"key": key}).status_code == 204

    client.post(reverse("quizzes:contest_next", args=[contest.pk]))
    changed = player_client.get(room_url, {"key": key})
    assert changed.status_code == 200 and 'data-testid="answer-option"' in changed.content.decode()
    answered = player_client.post(
        reverse("quizzes:contest_answer", args=[contest.pk]), {"position": 1, "response": "1"}
    )
    assert 'data-testid="answered"' in answered.content.decode()
    again = player_client.post(
        reverse("quizzes:contest_answer", args=[contest.pk]), {"position": 1, "response": "1"}
    )
    assert "每题只能作答一次" in again.content.decode()
    board = player_client.get(reverse("quizzes:contest_board", args=[contest.pk])).content.decode()
    assert board.count('data-testid="contest-board-row"') == 1
    stage = client.get(reverse("quizzes:contest_stage", args=[contest.pk]))
    assert stage.status_code == 200
    # A stranger neither plays nor reads the board.
    stranger = client.__class__()
    stranger.force_login(make_member(county.town))
    assert stranger.get(reverse("quizzes:contest_play", args=[contest.pk])).status_code == 404
    assert stranger.get(reverse("quizzes:contest_board", args=[contest.pk])).status_code == 404
    assert stranger.get(reverse("quizzes:contest_host", args=[contest.pk])).status_code == 404


def test_contest_setup_pages(client, county, host):
    client.force_login(host)
    QuestionFactory.create_batch(5, organization=county.root, difficulty=1)
    response = client.post(
        reverse("quizzes:contest_create"),
        {
            "organization": county.justice.pk,
            "title": "周五知识竞赛",
            "seconds_per_question": 15,
            "max_points": 1000,
        },
    )
    contest = Contest.objects.get()
    assert response["Location"] == reverse("quizzes:contest_detail", args=[contest.pk])
    client.post(reverse("quizzes:contest_draw", args=[contest.pk]), {"count": 3, "difficulty": 1})
    assert contest.questions.count() == 3
    response = client.post(
        reverse("quizzes:contest_draw", args=[contest.pk]), {"count": 5}, follow=True
    )
    assert "不足 5 道" in response.content.decode()
    assert client.get(reverse("quizzes:contest_questions", args=[contest.pk])).status_code == 200
    assert client.get(reverse("quizzes:contests")).status_code == 200


def test_after_the_end_players_see_their_rank_and_the_host_the_results(
    client, county, host, contest
):
    contest = services.contest_open(contest=contest, actor=host)
    member = make_member(county.branch1)
    player = services.contest_join(code=contest.join_code, actor=member)
    services.contest_next(contest=contest, actor=host)
    services.contest_answer(player=player, position=1, response=["1"], actor=member)
    services.contest_end(contest=contest, actor=host)
    player_client = client.__class__()
    player_client.force_login(member)
    page = player_client.get(reverse("quizzes:contest_play", args=[contest.pk])).content.decode()
    assert 'data-testid="final"' in page and "第 1 名" in page
    client.force_login(host)
    assert client.get(reverse("quizzes:contest_host", args=[contest.pk])).status_code == 200
    detail = client.get(reverse("quizzes:contest_detail", args=[contest.pk])).content.decode()
    assert detail.count('data-testid="contest-board-row"') == 1
