"""Django admin stays available to system admins only."""

import pytest

pytestmark = pytest.mark.django_db


def test_system_admin_on_the_root_enters_the_admin(client, county, make_user):
    admin = make_user("system_admin", county.root, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("role", "on"),
    [("org_dept_admin", "root"), ("committee_admin", "town"), ("system_admin", "town")],
)
def test_others_are_kept_out_even_as_staff(client, county, make_user, role, on):
    user = make_user(role, getattr(county, on), is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
