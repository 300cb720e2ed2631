"""A branch secretary logs in on a phone and a desktop, and sees only the branch's people."""

import pytest

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.orgs.tests.factories import PersonFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_sees_only_the_branch_and_finds_by_pinyin(page, live_server, county, make_user):
    me = PersonFactory(primary_org=county.branch1, name="王书记")
    make_user("branch_secretary", county.branch1, username="sj01", person=me)
    PersonFactory(primary_org=county.branch1, name="张海生")
    PersonFactory(primary_org=county.branch2, name="李隔壁")

    log_in(page, live_server, "sj01", PASSWORD)
    page.click("text=人员")
    rows = page.locator("[data-testid=person-row]")
    assert rows.count() == 2
    assert "李隔壁" not in page.content()

    page.fill("[data-testid=people-search]", "zhs")
    page.wait_for_function("document.querySelectorAll('[data-testid=person-row]').length === 1")
    assert rows.first.inner_text().startswith("张海生")


def test_login_by_mobile_on_a_phone(phone_page, live_server, county, make_user):
    make_user("committee_admin", county.town, username="dw01", mobile="13912345678")
    log_in(phone_page, live_server, "13912345678", PASSWORD)
    assert "城关镇党委" in phone_page.content()
    # The menu collapses behind the toggler on a phone.
    phone_page.click(".navbar-toggler")
    phone_page.click("text=组织")
    phone_page.wait_for_selector("[data-testid=org-tree]")
    assert (
        "东街社区党支部" in phone_page.inner_text("[data-testid=org-tree]")
        or phone_page.locator("[data-testid=org-tree] .toggle").count() > 0
    )


def test_wrong_password_shows_a_message(page, live_server, county, make_user):
    make_user("member", county.branch1, username="dy01")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "dy01")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "不正确" in page.inner_text(".alert-danger")


def test_tree_expands_with_htmx_and_collapses(page, live_server, county, make_user):
    make_user("org_dept_admin", county.root, username="zzb01")
    log_in(page, live_server, "zzb01", PASSWORD)
    page.goto(f"{live_server.url}/orgs/")
    tree = page.locator("[data-testid=org-tree]")
    assert "县司法局党总支" in tree.inner_text()  # the root's first level is open
    assert "县司法局第一党支部" not in tree.inner_text()

    toggle = page.locator(f"[data-testid=expand-{county.justice.pk}]")
    toggle.click()
    page.wait_for_selector(f"#org-children-{county.justice.pk} >> text=县司法局第一党支部")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert page.locator(f"#org-children-{county.justice.pk}").is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"

    # From the keyboard too.
    town = page.locator(f"[data-testid=expand-{county.town.pk}]")
    town.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#org-children-{county.town.pk} >> text=东街社区党支部")
