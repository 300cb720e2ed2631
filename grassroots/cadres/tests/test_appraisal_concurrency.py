"""Two officers at the same instant on a real database: one round per stage, one decision per
cadre and round, one archive move."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.cadres.enums import AppraisalResult, SecondmentStatus
from grassroots.cadres.models import Appraisal, AppraisalRound, SecondmentEvent
from grassroots.cadres.services import appraisal as services
from grassroots.cadres.services.archive import secondment_archive
from grassroots.core.testing import at_once, together
from grassroots.evaluations.models import Campaign

from . import builders
from .test_appraisal_support import close, start, world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_make_one_round(county):
    w = world(county)
    results = together(3, lambda i: start(w))
    rounds = [r for r in results if isinstance(r, AppraisalRound)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(rounds) == 1 and len(refused) == 2, results
    assert AppraisalRound.objects.count() == 1
    assert Campaign.objects.count() == 1  # the refused ones left nothing behind


@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_keep_one_row(county):
    w = world(county)
    round_ = start(w)
    close(w, round_)
    other = builders.officer(county)
    results = at_once(
        lambda: services.appraisal_decide(
            round=round_,
            secondment=w.a.secondment,
            result=AppraisalResult.GOOD,
            note="",
            actor=w.officer,
        ),
        lambda: services.appraisal_decide(
            round=round_,
            secondment=w.a.secondment,
            result=AppraisalResult.EXCELLENT,
            note="",
            actor=other,
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Appraisal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_archives_move_once(county):
    placed = builders.secondment(
        county,
        status=SecondmentStatus.COMPLETED,
        result=AppraisalResult.GOOD,
        summary_submitted_at=timezone.now(),
        final_summary="总结",
    )
    officer = builders.officer(county)
    results = together(3, lambda i: secondment_archive(secondment=placed.secondment, actor=officer))
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1, results
    assert (
        SecondmentEvent.objects.filter(secondment=placed.secondment, action="archived").count() == 1
    )
