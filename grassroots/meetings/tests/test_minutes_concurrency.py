"""Two managers publishing or revising the same minutes at the same instant: the row lock
gives each version one number, and publishing happens once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.core.testing import together
from grassroots.meetings.models import Minutes, MinutesRevision
from grassroots.meetings.services import minutes as services
from grassroots.meetings.tests.test_attendance_support import meeting_of

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.fixture
def managers(county, make_user):
    return [
        make_user("branch_secretary", county.branch1),
        make_user("committee_admin", county.justice),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_once_make_one_first_version(county, managers):
    meeting = meeting_of(county.branch1, [])
    results = together(
        2,
        lambda i: services.minutes_publish(
            meeting=meeting, actor=managers[i], text=f"记录{i}", decisions=""
        ),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert MinutesRevision.objects.filter(minutes__meeting=meeting).count() == 1
    assert Minutes.objects.get(meeting=meeting).revision == 1


@pytest.mark.django_db(transaction=True)
def test_two_revisions_at_once_get_their_own_numbers(county, managers):
    meeting = meeting_of(county.branch1, [])
    services.minutes_publish(meeting=meeting, actor=managers[0], text="原记录", decisions="")
    results = together(
        2,
        lambda i: services.minutes_revise(
            meeting=meeting, actor=managers[i], text=f"修订{i}", decisions="", reason="更正"
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        MinutesRevision.objects.filter(minutes__meeting=meeting).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    assert Minutes.objects.get(meeting=meeting).revision == 3


@pytest.mark.django_db(transaction=True)
def test_two_first_drafts_at_once_make_one_minutes(county, managers):
    meeting = meeting_of(county.branch1, [])
    results = together(
        2,
        lambda i: services.minutes_save_draft(
            meeting=meeting, actor=managers[i], text=f"草稿{i}", decisions=""
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Minutes.objects.filter(meeting=meeting).count() == 1
