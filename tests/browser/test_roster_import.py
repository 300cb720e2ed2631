"""The issue's browser story: a branch secretary imports a roster with one bad row, sees the
error, fixes the file, imports it, and finds the new person by pinyin initials."""

from datetime import date

import pytest
from openpyxl import Workbook

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.orgs.models import Person
from grassroots.orgs.tests.factories import PersonFactory, make_id_number

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [
    "姓名",
    "性别",
    "民族",
    "身份证号",
    "出生日期",
    "手机号",
    "学历",
    "政治面貌",
    "入党日期",
    "转正日期",
    "组织代码",
    "工作单位",
    "职务",
]


def roster(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


def test_secretary_imports_a_roster_fixes_a_bad_row_and_finds_the_person(
    page, live_server, county, make_user, tmp_path
):
    secretary_person = PersonFactory(primary_org=county.branch1, name="王书记")
    make_user("branch_secretary", county.branch1, username="sj02", person=secretary_person)
    PersonFactory(primary_org=county.branch1, name="赵一")
    PersonFactory(primary_org=county.branch2, name="钱隔壁")

    good_id = make_id_number(date(1990, 5, 6), "M")
    second_id = make_id_number(date(1992, 8, 9), "F")
    bad_id = second_id[:-1] + ("0" if second_id[-1] != "0" else "1")  # wrong check digit
    code = county.branch1.code

    def rows(second):
        return [
            [
                "周明华",
                "男",
                "汉族",
                good_id,
                "1990-05-06",
                "13800138000",
                "大学本科",
                "中共党员",
                "2012-07-01",
                "2013-07-01",
                code,
                "县司法局",
                "科员",
            ],
            [
                "吴晓丽",
                "女",
                "汉族",
                second,
                "1992-08-09",
                "13900139000",
                "硕士研究生",
                "群众",
                "",
                "",
                code,
                "县司法局",
                "科员",
            ],
        ]

    log_in(page, live_server, "sj02", PASSWORD)

    # Only the branch's people are listed.
    page.goto(f"{live_server.url}/orgs/people/")
    names = page.locator("[data-testid=person-row] td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["王书记", "赵一"]

    # First upload: one bad row.
    page.click("text=导入花名册")
    page.set_input_files(
        "[data-testid=roster-file]", roster(tmp_path / "roster-bad.xlsx", rows(bad_id))
    )
    page.click("[data-testid=roster-upload]")
    error_row = page.locator("[data-testid=roster-error-row]")
    assert error_row.count() == 1
    assert "吴晓丽" in error_row.inner_text() and "校验码" in error_row.inner_text()
    assert page.inner_text("[data-testid=roster-count-create]").strip() == "1"

    # Fix the file and upload again: no errors, confirm.
    page.click("[data-testid=roster-reupload]")
    page.set_input_files(
        "[data-testid=roster-file]", roster(tmp_path / "roster-good.xlsx", rows(second_id))
    )
    page.click("[data-testid=roster-upload]")
    assert page.locator("[data-testid=roster-error-row]").count() == 0
    assert page.inner_text("[data-testid=roster-count-create]").strip() == "2"
    page.click("[data-testid=roster-confirm]")
    page.wait_for_selector("[data-testid=roster-result]")
    assert page.inner_text("[data-testid=roster-result-create]").strip() == "2"
    assert Person.objects.filter(primary_org=county.branch1).count() == 4

    # Find the new person by pinyin initials.
    page.click("[data-testid=roster-to-people]")
    page.fill("[data-testid=people-search]", "wxl")
    page.wait_for_function("document.querySelectorAll('[data-testid=person-row]').length === 1")
    row = page.locator("[data-testid=person-row]").first
    assert row.inner_text().startswith("吴晓丽")
    row.locator("a").click()
    assert "吴晓丽" in page.inner_text("h1")
    # The secretary may not see full ID numbers.
    assert second_id not in page.content()
