"""A member on a phone signs in to a session by the QR link shown on the organizer's screen,
takes a timed quiz, and sees the score and the study hours progress."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.orgs.enums import PoliticalStatus
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.quizzes.enums import QuestionType
from grassroots.quizzes.models import QuizResult
from grassroots.quizzes.tests.factories import QuestionFactory, make_quiz
from grassroots.study.enums import StudyKind, StudyMode
from grassroots.study.models import Attendance
from grassroots.study.services import sessions as session_services

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_signs_in_by_qr_takes_a_quiz_and_sees_progress(
    page, phone_page, live_server, county, make_user
):
    secretary = make_user(
        "branch_secretary",
        county.branch1,
        username="sj01",
        person=PersonFactory(primary_org=county.branch1, name="王书记"),
    )
    member = make_user(
        None,
        None,
        username="dy01",
        person=PersonFactory(
            primary_org=county.branch1,
            name="李党员",
            political_status=PoliticalStatus.PARTY_MEMBER,
        ),
    )
    now = timezone.now()
    session = session_services.session_create(
        organization=county.branch1,
        actor=secretary,
        title="党章专题学习",
        kind=StudyKind.CONCENTRATED,
        mode=StudyMode.IN_PERSON,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        place="三楼会议室",
        hours=Decimal("2"),
    )
    single = QuestionFactory(organization=county.root, qtype=QuestionType.SINGLE)
    judge = QuestionFactory(
        organization=county.root,
        qtype=QuestionType.TRUE_FALSE,
        stem="党员每年集中学习培训一般不少于32学时。",
        answer=[True],
    )
    quiz = make_quiz(
        county.branch1,
        questions=[single, judge],
        title="支部工作条例测试",
        time_limit_minutes=10,
        pass_score=10,
    )

    # The organizer puts the QR screen up on the projector.
    log_in(page, live_server, "sj01", PASSWORD)
    page.goto(f"{live_server.url}/study/sessions/{session.pk}/qr/")
    checkin_url = page.get_attribute("[data-testid=qr-code]", "data-checkin-url")
    assert checkin_url and "t=" in checkin_url
    assert page.locator("[data-testid=qr-code] svg").count() == 1

    # The member scans it: the phone opens the link, logs in, and is signed in once.
    if checkin_url.startswith("/"):
        checkin_url = live_server.url + checkin_url
    phone_page.goto(checkin_url)
    assert "/accounts/login/" in phone_page.url
    phone_page.fill("#id_username", "dy01")
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    assert "签到成功" in phone_page.inner_text("[data-testid=checkin-message]")
    phone_page.goto(checkin_url)  # a second scan changes nothing
    assert "无需重复签到" in phone_page.inner_text("[data-testid=checkin-message]")
    attendance = Attendance.objects.get(session=session, person=member.person)
    assert attendance.status == "present"
    session.refresh_from_db()
    assert session.present_count == 1

    # The organizer's screen counts the member on its next refresh.
    page.reload()
    assert "1" in page.inner_text("[data-testid=qr-counts]")

    # A timed quiz on the phone: answers are saved as the member goes, then submitted.
    phone_page.on("dialog", lambda dialog: dialog.accept())
    phone_page.goto(f"{live_server.url}/quizzes/")
    phone_page.click(f"text={quiz.title}")
    phone_page.click("[data-testid=start]")
    phone_page.wait_for_selector("[data-testid=countdown]")
    questions = phone_page.locator("[data-testid=question]")
    assert questions.count() == 2
    for index in range(2):
        card = questions.nth(index)
        if "32学时" in card.inner_text():
            card.locator("label.quiz-option", has_text="正确").click()
        else:
            card.locator("label.quiz-option", has_text="每季度").click()
        card.locator("[id^=saved-]").filter(has_text="已").wait_for()
    phone_page.click("[data-testid=submit]")
    result = phone_page.locator("[data-testid=my-result]")
    result.wait_for()
    assert "20" in result.inner_text()
    assert QuizResult.objects.get(quiz=quiz, person=member.person).best_score == 20

    # The hours the session credited show on the member's progress.
    phone_page.goto(f"{live_server.url}/study/hours/mine/")
    assert phone_page.inner_text("[data-testid=my-total]").strip() in {"2", "2.0"}
    assert phone_page.locator("[data-testid=my-summary] .progress").count() >= 1
