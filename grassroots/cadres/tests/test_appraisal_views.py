"""The 考核与总结 tab and the program's appraisal page: what officers, the cadre and the host
leader see and may do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.cadres.enums import AppraisalResult, AppraisalStage, SecondmentStatus
from grassroots.cadres.models import Appraisal, AppraisalRound
from grassroots.cadres.services import appraisal as services
from grassroots.core.testing import queries_of
from grassroots.meetings.models import Meeting

from . import builders
from .test_appraisal_support import close, start, vote_all, world

pytestmark = pytest.mark.django_db

SECRET = "COLLEAGUE-SECRET-REMARK"


def tab(placed):
    return reverse("cadres:secondment_appraisal", args=[placed.secondment.pk])


def decide_url(placed, round_):
    return reverse("cadres:appraisal_decide", args=[placed.secondment.pk, round_.pk])


def test_officer_sees_the_tally_with_anonymous_groups_hidden_while_open(county, client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    client.force_login(w.officer)
    response = client.get(tab(w.a))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="tally"' in html
    assert "待测评结束" in html
    assert 'data-testid="decide-form-midterm"' not in html
    assert SECRET not in html


def test_officer_decides_after_close_with_the_total_beside(county, client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    client.force_login(w.officer)
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="decide-form-midterm"' in html
    assert "80.00" in html
    assert SECRET not in html
    prefix = f"r{round_.pk}"
    response = client.post(
        decide_url(w.a, round_), {f"{prefix}-result": "excellent", f"{prefix}-note": "突出"}
    )
    assert response.status_code == 302
    appraisal = Appraisal.objects.get()
    assert (appraisal.result, str(appraisal.total), appraisal.note) == (
        "excellent",
        "80.00",
        "突出",
    )


def test_decide_while_open_saves_nothing(county, client):
    w = world(county)
    round_ = start(w)
    client.force_login(w.officer)
    prefix = f"r{round_.pk}"
    response = client.post(decide_url(w.a, round_), {f"{prefix}-result": "good"}, follow=True)
    assert "测评结束后" in response.content.decode()
    assert not Appraisal.objects.exists()


def test_cadre_and_host_leader_may_not_decide(county, client):
    w = world(county)
    round_ = start(w)
    close(w, round_)
    prefix = f"r{round_.pk}"
    for user in (w.a.cadre_user, w.a.host_user):
        client.force_login(user)
        response = client.post(decide_url(w.a, round_), {f"{prefix}-result": "excellent"})
        assert response.status_code == 403
    assert not Appraisal.objects.exists()


def test_cadre_sees_only_the_decided_result(county, client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    client.force_login(w.a.cadre_user)
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="tally"' not in html
    assert "考核结果尚未确定" in html
    services.appraisal_decide(
        round=round_,
        secondment=w.a.secondment,
        result=AppraisalResult.GOOD,
        note="",
        actor=w.officer,
    )
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="appraisal-result"' in html and "良好" in html
    assert 'data-testid="tally"' not in html
    assert SECRET not in html
    assert 'data-testid="decide-form' not in html


def test_host_leader_sees_no_tally(county, client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    client.force_login(w.a.host_user)
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="tally"' not in html and SECRET not in html


def test_another_cadre_may_not_see_the_tab(county, client):
    w = world(county)
    start(w)
    client.force_login(w.b.cadre_user)
    assert client.get(tab(w.a)).status_code == 404


def test_final_summary_shown_read_only(county, client):
    w = world(county)
    w.a.secondment.final_summary = "一年来，我在城关镇……"
    w.a.secondment.summary_submitted_at = timezone.now()
    w.a.secondment.save()
    client.force_login(w.a.cadre_user)
    html = client.get(tab(w.a)).content.decode()
    assert "一年来，我在城关镇" in html
    assert "<textarea" not in html


# --- Program page --------------------------------------------------------------------------------


def program_url(w):
    return reverse("cadres:program_appraisal", args=[w.program.pk])


def test_program_page_for_officers_only(county, client):
    w = world(county)
    start(w)
    client.force_login(w.officer)
    response = client.get(program_url(w))
    assert response.status_code == 200
    assert 'data-testid="round-midterm"' in response.content.decode()
    client.force_login(w.a.cadre_user)
    assert client.get(program_url(w)).status_code == 404


def test_program_page_queries_stay_constant(county, client):
    from grassroots.cadres.enums import ProgramStatus

    officer = builders.officer(county)
    client.force_login(officer)
    counts = []
    for n in (1, 6):
        program = builders.program(county, status=ProgramStatus.RUNNING, title=f"第{n}批")
        for _i in range(n):
            builders.secondment(county, program_obj=program)
        now = timezone.now()
        round_ = services.appraisal_round_start(
            program=program,
            stage=AppraisalStage.MIDTERM,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            actor=officer,
        )
        services.appraisal_round_close(round=round_, actor=officer)
        counts.append(queries_of(client, reverse("cadres:program_appraisal", args=[program.pk])))
    assert counts[0] == counts[1]


def test_round_start_through_the_page(county, client):
    w = world(county)
    client.force_login(w.officer)
    url = reverse("cadres:appraisal_round_start", args=[w.program.pk])
    assert client.get(url).status_code == 200
    now = timezone.localtime()
    response = client.post(
        url,
        {
            "stage": AppraisalStage.FINAL,
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "colleague_tokens": 2,
        },
    )
    assert response.status_code == 302
    assert AppraisalRound.objects.get().stage == AppraisalStage.FINAL


def test_round_start_page_refused_to_viewers(county, client):
    w = world(county)
    client.force_login(builders.officer(county, role="committee_admin"))
    url = reverse("cadres:appraisal_round_start", args=[w.program.pk])
    assert client.get(url).status_code == 403
    client.force_login(w.a.cadre_user)
    assert client.get(url).status_code == 404


def test_round_close_through_the_page(county, client):
    w = world(county)
    round_ = start(w)
    client.force_login(w.officer)
    url = reverse("cadres:appraisal_round_close", args=[w.program.pk, round_.pk])
    assert client.post(url).status_code == 302
    round_.campaign.refresh_from_db()
    assert round_.campaign.status == "closed"


def test_exchange_meeting_through_the_page(county, client):
    w = world(county)
    client.force_login(w.officer)
    url = reverse("cadres:exchange_meeting", args=[w.program.pk])
    starts = timezone.localtime() + timedelta(days=5)
    response = client.post(
        url, {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "党校报告厅"}
    )
    assert response.status_code == 302
    w.program.refresh_from_db()
    assert w.program.exchange_meeting == Meeting.objects.get()
    html = client.get(program_url(w)).content.decode()
    assert 'data-testid="meeting"' in html


def test_the_meeting_button_shows_only_when_a_meeting_may_be_scheduled(county, client):
    """Running or finished, with no meeting or only a cancelled one: otherwise no 安排座谈会."""
    from grassroots.cadres.enums import ProgramStatus
    from grassroots.meetings.enums import MeetingStatus

    w = world(county)
    client.force_login(w.officer)

    def button() -> bool:
        return 'data-testid="exchange-meeting"' in client.get(program_url(w)).content.decode()

    assert button()  # running
    w.program.status = ProgramStatus.SELECTING
    w.program.save(update_fields=["status"])
    assert not button()
    w.program.status = ProgramStatus.RUNNING
    w.program.save(update_fields=["status"])
    services.exchange_meeting_schedule(
        program=w.program,
        starts_at=timezone.now() + timedelta(days=3),
        place="党校",
        actor=w.officer,
    )
    assert not button()
    Meeting.objects.update(status=MeetingStatus.CANCELLED)
    assert button()


def test_commend_through_the_page(county, client):
    w = world(county)
    w.a.secondment.status = SecondmentStatus.COMPLETED
    w.a.secondment.save()
    client.force_login(w.officer)
    url = reverse("cadres:secondment_commend", args=[w.a.secondment.pk])
    assert client.post(url, {"text": "评为优秀挂职干部"}).status_code == 302
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="commendation"' in html
    client.force_login(w.a.cadre_user)
    assert client.get(url).status_code == 403


def test_archive_through_the_tab(county, client):
    w = world(county)
    w.a.secondment.status = SecondmentStatus.COMPLETED
    w.a.secondment.save()
    client.force_login(w.officer)
    html = client.get(tab(w.a)).content.decode()
    assert 'data-testid="archive-problems"' in html
    url = reverse("cadres:secondment_archive", args=[w.a.secondment.pk])
    client.post(url)
    w.a.secondment.refresh_from_db()
    assert w.a.secondment.status == SecondmentStatus.COMPLETED
    w.a.secondment.result = AppraisalResult.GOOD
    w.a.secondment.final_summary = "总结"
    w.a.secondment.summary_submitted_at = timezone.now()
    w.a.secondment.save()
    client.post(url)
    w.a.secondment.refresh_from_db()
    assert w.a.secondment.status == SecondmentStatus.ARCHIVED


def test_english_pages_render(county, english_client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    english_client.force_login(w.officer)
    for url in (
        tab(w.a),
        program_url(w),
        reverse("cadres:appraisal_round_start", args=[w.program.pk]),
        reverse("cadres:exchange_meeting", args=[w.program.pk]),
    ):
        response = english_client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en"' in response.content.decode(), url
