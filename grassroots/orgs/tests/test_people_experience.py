"""The people list's 经历 filter offers what other apps register and filters in the list's query."""

import pytest
from django.db.models import Q

from grassroots.core.registry import PersonFilter, person_filters
from grassroots.orgs.selectors import PeopleFilter, filter_people
from grassroots.orgs.tests.factories import PersonFactory


@pytest.fixture
def named_zhang():
    key = "test_zhang"
    person_filters.register(
        PersonFilter(key, 999, "姓张的人", lambda user: Q(name__startswith="张"))
    )
    yield key
    person_filters._items.pop(key)


def test_registered_filter_narrows_the_list(county, make_user, client, named_zhang):
    officer = make_user("org_dept_admin", county.root)
    zhang = PersonFactory(primary_org=county.branch1, name="张三")
    PersonFactory(primary_org=county.branch1, name="李四")
    assert list(filter_people(officer, PeopleFilter(experience=named_zhang))) == [zhang]
    # An unknown key filters nothing rather than failing.
    assert filter_people(officer, PeopleFilter(experience="nothing")).count() == 2

    client.force_login(officer)
    page = client.get("/orgs/people/", {"experience": named_zhang, "org": county.root.pk})
    body = page.content.decode()
    assert 'data-testid="people-experience"' in body and "姓张的人" in body
    assert "张三" in body and "李四" not in body
