"""Fixtures the meetings tests share: the secretary of 支部一 and a member with an account."""

import pytest

from grassroots.meetings.tests.test_attendance_support import member


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def alice(county, make_user):
    return member(make_user, county.branch1)
