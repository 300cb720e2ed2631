"""The roster (花名册): template, upload checks, dry run, confirmation, export."""

import io
import os
import random
import time
import zipfile
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grassroots.core import uploads
from grassroots.core.validators import id_check_digit
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Membership, Person, RosterImport, RosterImportStatus
from grassroots.orgs.roster import reader, selectors, services
from grassroots.orgs.roster.columns import COLUMNS, EXAMPLE_ID_NUMBER
from grassroots.orgs.roster.plan import CREATE, ERROR, UNCHANGED, UPDATE
from grassroots.orgs.tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_rng = random.Random(20240701)


def row(**overrides) -> dict:
    """A valid row (a party member of branch1, code C0004), by header."""
    birth = overrides.pop("birth", None) or date(1960, 1, 1) + timedelta(
        days=_rng.randint(0, 14_000)
    )
    gender = overrides.pop("sex", "M")
    values = {
        "姓名": "李建国",
        "性别": "男" if gender == "M" else "女",
        "民族": "汉族",
        "身份证号": make_id_number(birth, gender, _rng),
        "出生日期": birth,
        "手机号": "13912345678",
        "学历": "大学本科",
        "政治面貌": "中共党员",
        "入党日期": date(2008, 7, 1),
        "转正日期": date(2009, 7, 1),
        "组织代码": "C0004",
        "工作单位": "县司法局",
        "职务": "科员",
    }
    values.update(overrides)
    return values


def xlsx_bytes(
    rows: list[dict], headers: list[str] | None = None, *, title: str | None = None
) -> bytes:
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append([title])
    ws.append(headers)
    for values in rows:
        ws.append([values.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(content: bytes, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def plan_for(user, org, rows, **kwargs):
    imp = services.roster_upload(
        organization=org, uploaded_file=upload(xlsx_bytes(rows, **kwargs)), actor=user
    )
    return imp, selectors.roster_preview(user, imp)


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "roster"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def secretary(county, make_user):
    """Branch secretary of the 司法局党总支 subtree: branch1 and branch2."""
    return make_user("branch_secretary", county.justice)


# --- Template -----------------------------------------------------------------


def test_template_has_headers_example_instructions_and_dropdowns(client, county, secretary):
    client.force_login(secretary)
    response = client.get(reverse("orgs:roster_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[:2] == ["花名册", "填写说明"]
    sheet = wb["花名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["D2"].value == EXAMPLE_ID_NUMBER
    allowed = {c.value for col in wb["填写说明"].iter_cols() for c in col}
    assert {"中共党员", "群众", "汉族", "维吾尔族", "大学本科", "男"} <= allowed
    assert sheet.data_validations.dataValidation  # drop-downs
    codes = [r[0].value for r in wb["组织代码"].iter_rows(min_row=2)]
    assert set(codes) == {"C0003", "C0004", "C0005"}  # only where the user may import


def test_template_refused_without_import_permission(client, county, make_user):
    client.force_login(make_user("member", county.branch1))
    assert client.get(reverse("orgs:roster_template")).status_code == 403


def test_the_template_imports_as_one_example_row_error(county, secretary):
    from grassroots.orgs.roster.workbooks import build_template

    handle = build_template([county.branch1], example_org_code="C0004")
    imp = services.roster_upload(
        organization=county.justice,
        uploaded_file=upload(handle.read(), "模板.xlsx"),
        actor=secretary,
    )
    plan = selectors.roster_preview(secretary, imp)
    assert [r.action for r in plan.rows] == [ERROR]
    assert "示例行" in " ".join(plan.rows[0].errors)


# --- Upload checks ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("名单.csv", "姓名,身份证号\n张三,1\n".encode(), "只能上传 .xlsx"),
        ("名单.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "不支持旧版 .xls"),
        ("名单.xlsx", "姓名,身份证号\n张三,1\n".encode(), "不是有效的 .xlsx"),
        ("名单.xlsx", b"PK\x03\x04garbage" * 10, "不是有效的 .xlsx"),
        ("名单.xlsx", b"", "空文件"),  # Django's own message
    ],
)
def test_files_that_are_not_xlsx_are_refused_and_nothing_is_written(
    client, county, secretary, settings, name, content, expected
):
    client.force_login(secretary)
    response = client.post(
        reverse("orgs:roster_import"),
        {"organization": county.justice.pk, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not RosterImport.objects.exists()
    assert stored_files(settings) == []


def test_a_zip_that_is_not_a_workbook_is_refused(county, secretary):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="不是有效的 .xlsx"):
        services.roster_upload(
            organization=county.justice, uploaded_file=upload(buf.getvalue()), actor=secretary
        )


def test_too_large_a_file_is_refused(county, secretary, settings):
    content = xlsx_bytes([row()])
    settings.ROSTER_UPLOAD_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError, match="文件过大"):
        services.roster_upload(
            organization=county.justice, uploaded_file=upload(content), actor=secretary
        )
    assert not RosterImport.objects.exists()


def test_too_large_a_request_is_refused_before_it_is_read(client, county, secretary, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1024
    client.force_login(secretary)
    big = SimpleUploadedFile("big.xlsx", b"x" * (200 * 1024))
    response = client.post(
        reverse("orgs:roster_import"), {"organization": county.justice.pk, "file": big}, follow=True
    )
    assert "文件过大" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(county, secretary, settings, monkeypatch):
    real = xlsx_bytes([row()])
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as source,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        with bomb.open("xl/media/padding.bin", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uploads.MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                entry.write(chunk)
    content = buf.getvalue()
    assert len(content) < 1024 * 1024  # small on the wire, over 100 MB unpacked

    def must_not_load(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_load)
    with pytest.raises(ValidationError, match="解压后过大"):
        services.roster_upload(
            organization=county.justice, uploaded_file=upload(content), actor=secretary
        )
    assert not RosterImport.objects.exists()
    assert stored_files(settings) == []


def test_too_many_rows_are_refused(county, secretary, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="超过 3 行"):
        services.roster_upload(
            organization=county.justice,
            uploaded_file=upload(xlsx_bytes([row() for _ in range(4)])),
            actor=secretary,
        )


def test_a_file_without_the_required_headers_is_refused(county, secretary):
    content = xlsx_bytes([{"姓名": "张三"}], headers=["姓名", "性别"])
    with pytest.raises(ValidationError, match="找不到表头"):
        services.roster_upload(
            organization=county.justice, uploaded_file=upload(content), actor=secretary
        )


def test_headers_are_matched_by_name_not_position(county, secretary):
    headers = [
        "身份证号码",
        "备注",
        "姓名",
        "组织代码",
        "手机号",
    ]  # an alias, an unknown column, any order
    values = row(birth=date(1985, 3, 14))
    values["身份证号码"] = values["身份证号"]
    imp, plan = plan_for(
        secretary, county.justice, [values], headers=headers, title="司法局党员花名册"
    )
    assert [r.action for r in plan.rows] == [CREATE]
    assert plan.rows[0].line == 3  # a title row above the headers
    assert plan.ignored_headers == ["备注"]
    person = plan.rows[0].person
    assert (person.name, person.mobile, person.primary_org) == (
        "李建国",
        "13912345678",
        county.branch1,
    )
    assert person.birth_date == date(1985, 3, 14)  # from the ID number


# --- Dry run: each kind of bad row -------------------------------------------


def _bad_check_digit():
    good = make_id_number(date(1985, 3, 14), "M", _rng)
    return good[:17] + ("0" if good[17] != "0" else "1")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"身份证号": "_bad_check_digit"}, "身份证号校验码错误"),
        ({"身份证号": "3201021985"}, "身份证号应为18位"),
        ({"birth": date(1985, 3, 14), "出生日期": date(1985, 3, 15)}, "出生日期与身份证号不一致"),
        ({"性别": "女"}, "性别与身份证号不一致"),
        ({"组织代码": "NOPE"}, "组织代码“NOPE”不存在"),
        ({"组织代码": "C0007"}, "组织代码“C0007”不存在"),  # exists, outside the user's scope
        ({"出生日期": "1985-02-30"}, "不是有效的日期"),
        ({"入党日期": "去年七月"}, "不是有效的日期"),
        ({"手机号": "1391234"}, "手机号应为以1开头的11位数字"),
        ({"性别": "未知"}, "“未知”不是可选的性别"),
        ({"民族": "火星族"}, "“火星族”不是可选的民族"),
        ({"学历": "幼儿园"}, "“幼儿园”不是可选的学历"),
        ({"政治面貌": "党外"}, "“党外”不是可选的政治面貌"),
        ({"姓名": None}, "请填写姓名"),
        ({"身份证号": None}, "请填写身份证号"),
        ({"身份证号": 3.20102198503141e17}, "存成了数字"),
        ({"入党日期": None}, "党员须填写入党日期"),
        ({"转正日期": date(2007, 7, 1)}, "转正日期不能早于入党日期"),
        ({"身份证号": EXAMPLE_ID_NUMBER, "出生日期": None, "性别": None}, "示例行"),
    ],
)
def test_each_kind_of_bad_row_is_reported_in_chinese(county, secretary, overrides, expected):
    overrides = {
        k: (_bad_check_digit() if v == "_bad_check_digit" else v) for k, v in overrides.items()
    }
    imp, plan = plan_for(secretary, county.justice, [row(), row(**overrides)])
    good, bad = plan.rows
    assert good.action == CREATE
    assert bad.action == ERROR
    assert bad.line == 3
    assert expected in " ".join(bad.errors), bad.errors
    assert plan.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 0, ERROR: 1}


def test_duplicate_id_numbers_in_the_file_mark_both_rows(county, secretary):
    same = row()
    imp, plan = plan_for(secretary, county.justice, [same, row(), dict(same, 姓名="李建军")])
    assert [r.action for r in plan.rows] == [ERROR, CREATE, ERROR]
    assert "与第 4 行重复" in plan.rows[0].errors[0]
    assert "与第 2 行重复" in plan.rows[2].errors[0]


def test_an_organization_in_view_but_outside_the_chosen_scope_is_named(county, make_user):
    admin = make_user("committee_admin", county.root)
    imp, plan = plan_for(admin, county.branch1, [row(组织代码="C0005")])
    assert "不在本次导入范围" in plan.rows[0].errors[0]


def test_a_person_outside_the_scope_is_not_touched(county, secretary):
    stranger = PersonFactory(primary_org=county.community)
    imp, plan = plan_for(
        secretary, county.justice, [row(身份证号=stranger.id_number, 出生日期=None, 性别=None)]
    )
    assert plan.rows[0].action == ERROR
    assert "管理范围以外的在册人员" in plan.rows[0].errors[0]


def test_a_person_who_left_must_be_restored_first(county, secretary):
    gone = PersonFactory(primary_org=county.branch1, status=PersonStatus.LEFT)
    imp, plan = plan_for(
        secretary, county.justice, [row(身份证号=gone.id_number, 出生日期=None, 性别=None)]
    )
    assert "请先在人员页面恢复其状态" in plan.rows[0].errors[0]


def test_labels_and_common_spellings_are_accepted(county, secretary):
    imp, plan = plan_for(
        secretary,
        county.justice,
        [
            row(
                民族="回",
                学历="本科",
                政治面貌="预备党员",
                转正日期=None,
                入党日期="2024年1月5日",
                出生日期="1985/3/14",
                birth=date(1985, 3, 14),
            )
        ],
    )
    assert plan.rows[0].action == CREATE, plan.rows[0].errors
    person = plan.rows[0].person
    assert (person.ethnicity, person.education, person.political_status) == (
        "03",
        "bachelor",
        "probationary",
    )
    assert person.joined_party_on == date(2024, 1, 5)


def test_dry_run_writes_nothing(county, secretary):
    before = (Person.objects.count(), Membership.objects.count(), LogEntry.objects.count())
    imp, plan = plan_for(secretary, county.justice, [row(), row()])
    assert plan.counts[CREATE] == 2
    assert (Person.objects.count(), Membership.objects.count(), LogEntry.objects.count()) == before


def test_dry_run_queries_do_not_grow_with_the_rows(county, secretary):
    PersonFactory.create_batch(3, primary_org=county.branch1)

    def count(n):
        existing = list(Person.objects.values_list("id_number", flat=True))
        rows = [row(组织代码=random.choice(["C0004", "C0005"])) for _ in range(n)]
        rows[0] = row(身份证号=existing[0], 出生日期=None, 性别=None)
        imp = services.roster_upload(
            organization=county.justice, uploaded_file=upload(xlsx_bytes(rows)), actor=secretary
        )
        with CaptureQueriesContext(connection) as ctx:
            plan = selectors.roster_preview(secretary, imp)
        assert plan.counts[ERROR] == 0, [r.errors for r in plan.rows if r.errors]
        return len(ctx.captured_queries)

    small, large = count(3), count(120)
    assert large == small
    assert large <= 4


# --- Confirmation ---------------------------------------------------------------


def test_confirm_creates_people_with_memberships_and_audit(county, secretary):
    imp, plan = plan_for(
        secretary,
        county.justice,
        [row(), row(组织代码="C0005", 姓名="王芳", sex="F"), row(手机号="1")],
    )
    done = services.roster_confirm(roster_import=imp, actor=secretary)
    assert done.status == RosterImportStatus.IMPORTED
    assert done.summary["counts"] == {CREATE: 2, UPDATE: 0, UNCHANGED: 0, ERROR: 1}
    assert done.summary["errors"][0]["line"] == 4
    people = {p.name: p for p in Person.objects.select_related("primary_org")}
    assert people["王芳"].primary_org == county.branch2
    assert people["王芳"].name_initials == "wf"
    assert people["王芳"].memberships.get().organization == county.branch2
    ct = ContentType.objects.get_for_model(Person)
    entry = LogEntry.objects.get(content_type=ct, object_id=people["王芳"].pk)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == secretary
    assert "*" in entry.changes["id_number"][1]  # masked as auditlog masks it
    assert "updated_at" not in entry.changes
    assert not done.file  # the file with ID numbers is gone


def test_reimporting_the_same_file_changes_nothing(county, secretary):
    content = xlsx_bytes([row(), row(), row(组织代码="C0005")])
    first = services.roster_upload(
        organization=county.justice, uploaded_file=upload(content), actor=secretary
    )
    services.roster_confirm(roster_import=first, actor=secretary)
    snapshot = list(Person.objects.order_by("id").values())
    logs, memberships = LogEntry.objects.count(), Membership.objects.count()

    again = services.roster_upload(
        organization=county.justice, uploaded_file=upload(content), actor=secretary
    )
    plan = selectors.roster_preview(secretary, again)
    assert plan.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 3, ERROR: 0}
    services.roster_confirm(roster_import=again, actor=secretary)
    assert list(Person.objects.order_by("id").values()) == snapshot
    assert (LogEntry.objects.count(), Membership.objects.count()) == (logs, memberships)


def test_reimport_updates_changed_fields_and_moves_through_the_membership_history(
    county, secretary
):
    person = PersonFactory(primary_org=county.branch1, mobile="13700000000", job_title="科员")
    values = row(
        身份证号=person.id_number,
        姓名=person.name,
        出生日期=None,
        性别=None,
        手机号="13711111111",
        职务=None,  # an empty cell keeps what is stored
        学历=None,
        工作单位=None,
        组织代码="C0005",
        入党日期=person.joined_party_on,
        转正日期=person.full_member_on,
    )
    imp, plan = plan_for(secretary, county.justice, [values])
    assert plan.rows[0].action == UPDATE
    assert set(plan.rows[0].changes) >= {"手机号", "组织代码"}
    services.roster_confirm(roster_import=imp, actor=secretary)
    person.refresh_from_db()
    assert (person.mobile, person.job_title, person.primary_org) == (
        "13711111111",
        "科员",
        county.branch2,
    )
    history = list(person.memberships.order_by("started_on", "id"))
    assert [m.organization for m in history] == [county.branch1, county.branch2]
    assert history[0].ended_on is not None and history[1].ended_on is None
    ct = ContentType.objects.get_for_model(Person)
    update = LogEntry.objects.get(
        content_type=ct, object_id=person.pk, action=LogEntry.Action.UPDATE
    )
    assert set(update.changes) == {"mobile", "primary_org"}


def test_nothing_is_half_saved_when_the_confirmation_fails_midway(county, secretary, monkeypatch):
    person = PersonFactory(primary_org=county.branch1, mobile="13700000000")
    rows = [
        row(),
        row(),
        row(
            身份证号=person.id_number, 出生日期=None, 性别=None, 姓名=person.name, 组织代码="C0005"
        ),
    ]
    imp, plan = plan_for(secretary, county.justice, rows)
    before = (Person.objects.count(), Membership.objects.count(), LogEntry.objects.count())

    def explode(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr("grassroots.orgs.roster.audit.AuditBatch.save", explode)
    with pytest.raises(RuntimeError):
        services.roster_confirm(roster_import=imp, actor=secretary)
    assert (Person.objects.count(), Membership.objects.count(), LogEntry.objects.count()) == before
    person.refresh_from_db()
    assert person.primary_org == county.branch1
    imp.refresh_from_db()
    assert imp.status == RosterImportStatus.PENDING and imp.file


def test_confirm_rechecks_rows_against_changes_since_the_dry_run(county, secretary):
    values = row()
    imp, plan = plan_for(secretary, county.justice, [values])
    assert plan.rows[0].action == CREATE
    PersonFactory(
        primary_org=county.community, id_number=values["身份证号"]
    )  # someone else, meanwhile
    done = services.roster_confirm(roster_import=imp, actor=secretary)
    assert done.summary["counts"][ERROR] == 1
    assert Person.objects.filter(id_number=values["身份证号"]).count() == 1


def test_an_import_is_confirmed_once(county, secretary):
    imp, plan = plan_for(secretary, county.justice, [row()])
    services.roster_confirm(roster_import=imp, actor=secretary)
    with pytest.raises(ValidationError, match="已经处理过"):
        services.roster_confirm(roster_import=imp, actor=secretary)
    assert Person.objects.count() == 1


def test_cancel_deletes_the_file_and_writes_nothing(
    county, secretary, settings, django_capture_on_commit_callbacks
):
    imp, plan = plan_for(secretary, county.justice, [row()])
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.roster_cancel(roster_import=imp, actor=secretary)
    imp.refresh_from_db()
    assert imp.status == RosterImportStatus.CANCELLED
    assert stored_files(settings) == []
    assert not Person.objects.exists()


def test_bulk_audit_entries_have_auditlogs_own_diff(county):
    from auditlog.diff import model_instance_diff

    from grassroots.orgs.roster.audit import instance_diff

    person = PersonFactory(primary_org=county.branch1, joined_party_on=None, full_member_on=None)
    person.political_status = "masses"
    changed = Person.objects.get(pk=person.pk)
    changed.mobile, changed.primary_org, changed.employer = "13800000001", county.branch2, "县委"
    concrete = {f.name for f in Person._meta.concrete_fields}
    assert instance_diff(None, person) == model_instance_diff(
        None, person, fields_to_check=concrete
    )
    assert instance_diff(person, changed) == model_instance_diff(
        person, changed, fields_to_check=concrete
    )
    assert set(instance_diff(person, changed)) == {
        "mobile",
        "primary_org",
        "employer",
        "political_status",
    }
    membership = person.memberships.get()
    assert instance_diff(None, membership) == model_instance_diff(
        None, membership, fields_to_check={f.name for f in Membership._meta.concrete_fields}
    )


def test_preview_page_queries_do_not_grow_with_the_rows(
    client, county, secretary, django_assert_max_num_queries
):
    small, _plan = plan_for(secretary, county.justice, [row() for _ in range(2)])
    large, _plan = plan_for(secretary, county.justice, [row() for _ in range(150)])
    client.force_login(secretary)
    client.get(reverse("orgs:roster_preview", args=[small.pk]))  # session, scopes, warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orgs:roster_preview", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("orgs:roster_preview", args=[large.pk]))
    assert page.content.decode().count('data-testid="roster-row"') == 150


def test_uploads_abandoned_for_a_day_are_cancelled_with_their_files(
    county, secretary, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    old, _plan = plan_for(secretary, county.justice, [row()])
    RosterImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        fresh, _plan = plan_for(secretary, county.justice, [row()])
    old.refresh_from_db()
    assert old.status == RosterImportStatus.CANCELLED and not old.file
    assert [f.name for f in stored_files(settings)] == [fresh.file.name.split("/")[-1]]


def test_nightly_task_cancels_everyones_abandoned_uploads(
    county, secretary, make_user, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from grassroots.orgs.tasks import purge_abandoned_roster_uploads

    other = make_user("committee_admin", county.justice)
    old, _plan = plan_for(secretary, county.justice, [row()])
    other_old, _plan = plan_for(other, county.justice, [row()])
    fresh, _plan = plan_for(other, county.justice, [row()])
    RosterImport.objects.filter(pk__in=[old.pk, other_old.pk]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_abandoned_roster_uploads.call_local()
    statuses = dict(RosterImport.objects.values_list("pk", "status"))
    assert statuses[old.pk] == statuses[other_old.pk] == RosterImportStatus.CANCELLED
    assert statuses[fresh.pk] == RosterImportStatus.PENDING
    assert [f.name for f in stored_files(settings)] == [fresh.file.name.split("/")[-1]]


def test_confirm_through_the_page_records_the_actor_and_address(client, county, secretary):
    imp, plan = plan_for(secretary, county.justice, [row(姓名="周明")])
    client.force_login(secretary)
    client.post(reverse("orgs:roster_confirm", args=[imp.pk]), REMOTE_ADDR="10.0.0.7")
    person = Person.objects.get(name="周明")
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
    )
    assert (entry.actor, entry.remote_addr) == (secretary, "10.0.0.7")


# --- Permissions -------------------------------------------------------------------


def test_import_into_an_organization_outside_the_scope_is_refused(client, county, secretary):
    with pytest.raises(PermissionDenied):
        services.roster_upload(
            organization=county.community,
            uploaded_file=upload(xlsx_bytes([row()])),
            actor=secretary,
        )
    client.force_login(secretary)
    response = client.post(
        reverse("orgs:roster_import"),
        {"organization": county.community.pk, "file": upload(xlsx_bytes([row()]))},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not RosterImport.objects.exists()


def test_import_page_allowed_with_import_roster_and_refused_without(
    client, county, secretary, make_user
):
    client.force_login(secretary)
    page = client.get(reverse("orgs:roster_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="roster-file"' in html and 'data-testid="roster-upload"' in html
    client.force_login(make_user("discipline_inspector", county.root))
    assert client.get(reverse("orgs:roster_import")).status_code == 403


def test_another_users_import_is_not_found(client, county, secretary, make_user):
    imp, plan = plan_for(secretary, county.justice, [row()])
    other = make_user("committee_admin", county.root)
    client.force_login(other)
    assert client.get(reverse("orgs:roster_preview", args=[imp.pk])).status_code == 404
    assert client.post(reverse("orgs:roster_confirm", args=[imp.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.roster_confirm(roster_import=imp, actor=other)
    assert not Person.objects.exists()


def test_export_refused_without_export_roster(client, county, make_user):
    client.force_login(make_user("discipline_inspector", county.root))
    assert client.get(reverse("orgs:roster_export")).status_code == 403


# --- The pages, as the browser test drives them ---------------------------------------


def test_upload_see_the_error_fix_upload_again_confirm_find_the_person(client, county, secretary):
    client.force_login(secretary)
    good = row(姓名="赵卫东")
    response = client.post(
        reverse("orgs:roster_import"),
        {"organization": county.justice.pk, "file": upload(xlsx_bytes([good, row(手机号="123")]))},
        follow=True,
    )
    html = response.content.decode()
    assert 'class="row-error table-danger" data-testid="roster-error-row" data-line="3"' in html
    assert "手机号应为以1开头的11位数字" in html
    assert 'data-testid="roster-confirm"' in html  # the good row could go already; we fix first

    response = client.post(
        reverse("orgs:roster_import"),
        {
            "organization": county.justice.pk,
            "file": upload(xlsx_bytes([good, row(手机号="13800138000")])),
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'data-testid="roster-error-row"' not in html
    imp = RosterImport.objects.order_by("-id").first()
    response = client.post(reverse("orgs:roster_confirm", args=[imp.pk]), follow=True)
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    people = client.get(reverse("orgs:people"), {"q": "赵卫东", "org": county.justice.pk})
    assert "赵卫东" in people.content.decode()


def test_preview_page_filters_error_rows(client, county, secretary):
    imp, plan = plan_for(secretary, county.justice, [row(), row(手机号="1"), row()])
    client.force_login(secretary)
    html = client.get(
        reverse("orgs:roster_preview", args=[imp.pk]), {"show": "error"}
    ).content.decode()
    assert html.count('data-testid="roster-error-row"') == 1
    assert 'data-testid="roster-row"' not in html


# --- Export --------------------------------------------------------------------------


def _export(client, **params):
    response = client.get(reverse("orgs:roster_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    return [dict(zip(header, r, strict=True)) for r in body]


def test_export_is_scoped_to_the_users_subtree_and_masks_id_numbers(client, county, secretary):
    inside = PersonFactory(primary_org=county.branch1, name="甲")
    PersonFactory(primary_org=county.community, name="乙")
    client.force_login(secretary)
    rows = _export(client)
    assert [r["姓名"] for r in rows] == ["甲"]
    first = rows[0]
    assert (
        first["身份证号"] != inside.id_number and "*" in first["身份证号"]
    )  # no orgs.view_id_number
    assert first["组织代码"] == "C0004" and first["所在组织"] == county.branch1.name
    assert first["政治面貌"] == "中共党员"
    assert first["出生日期"].date() == inside.birth_date
    # Then the columns other apps register (挂职经历).
    assert list(first) == [*HEADERS, "所在组织", *_registered_headers()]


def test_export_shows_full_id_numbers_where_the_user_may_read_them(client, county, make_user):
    person = PersonFactory(primary_org=county.branch1)
    client.force_login(make_user("committee_admin", county.justice))
    assert _export(client)[0]["身份证号"] == person.id_number


def test_export_writes_formula_like_text_as_text(client, county, make_user):
    from io import BytesIO

    from openpyxl import load_workbook

    PersonFactory(primary_org=county.branch1, name='=HYPERLINK("http://x.example/","点我")')
    Person.objects.update(employer="=1+2", job_title="@SUM(A1)")
    client.force_login(make_user("committee_admin", county.justice))
    response = client.get(reverse("orgs:roster_export"))
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert any(cell.value == "'=1+2" for cell in cells)


def test_export_follows_the_people_list_filters(client, county, make_user):
    PersonFactory(primary_org=county.branch1, name="甲", political_status="masses")
    PersonFactory(primary_org=county.branch2, name="乙")
    PersonFactory(primary_org=county.branch2, name="丙", status=PersonStatus.LEFT)
    client.force_login(make_user("committee_admin", county.root))
    assert {r["姓名"] for r in _export(client, org=county.branch2.pk)} == {"乙"}
    assert {r["姓名"] for r in _export(client, political_status="masses")} == {"甲"}
    assert {r["姓名"] for r in _export(client, status="")} == {"甲", "乙", "丙"}


def test_export_reimports_unchanged(client, county, make_user):
    admin = make_user("committee_admin", county.justice)
    PersonFactory.create_batch(3, primary_org=county.branch1)
    client.force_login(admin)
    response = client.get(reverse("orgs:roster_export"))
    content = b"".join(response.streaming_content)
    imp = services.roster_upload(
        organization=county.justice, uploaded_file=upload(content), actor=admin
    )
    plan = selectors.roster_preview(admin, imp)
    assert plan.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 3, ERROR: 0}, [
        r.errors for r in plan.rows
    ]
    assert plan.ignored_headers == ["所在组织", *_registered_headers()]


def _registered_headers() -> list[str]:
    from grassroots.core.registry import person_columns

    return [str(c.label) for c in person_columns.items()]


def test_export_queries_do_not_grow_with_the_rows(
    client, county, make_user, django_assert_max_num_queries
):
    PersonFactory.create_batch(30, primary_org=county.branch1)
    client.force_login(make_user("committee_admin", county.justice))
    with django_assert_max_num_queries(8):
        rows = _export(client)
    assert len(rows) == 30


# --- Speed (run with ROSTER_BENCH=1; prints the timings) --------------------------------------


@pytest.mark.skipif(not os.environ.get("ROSTER_BENCH"), reason="benchmark: set ROSTER_BENCH=1")
def test_bench_10000_new_rows(county, secretary, settings):
    n = int(os.environ.get("ROSTER_BENCH_ROWS", "10000"))
    rows = []
    for i in range(n):
        birth = date(1960, 1, 1) + timedelta(days=i % 14_000)
        first17 = f"320102{birth:%Y%m%d}{i // 14_000 % 10}{(i * 7) % 50 * 2 + 1:02d}"
        rows.append(
            row(
                birth=birth,
                身份证号=first17 + id_check_digit(first17),
                组织代码=("C0004", "C0005")[i % 2],
            )
        )
    content = xlsx_bytes(rows)
    logs = LogEntry.objects.count()
    t0 = time.perf_counter()
    imp = services.roster_upload(
        organization=county.justice, uploaded_file=upload(content), actor=secretary
    )
    t1 = time.perf_counter()
    plan = selectors.roster_preview(secretary, imp)
    t2 = time.perf_counter()
    assert plan.counts[CREATE] == n
    services.roster_confirm(roster_import=imp, actor=secretary)
    t3 = time.perf_counter()
    assert Person.objects.count() == n and Membership.objects.count() == n
    assert LogEntry.objects.count() - logs == 2 * n
    again = services.roster_upload(
        organization=county.justice, uploaded_file=upload(content), actor=secretary
    )
    t4 = time.perf_counter()
    services.roster_confirm(roster_import=again, actor=secretary)
    t5 = time.perf_counter()
    print(
        f"\n{connection.vendor} {n} rows ({len(content) // 1024} KB): upload {t1 - t0:.2f}s, "
        f"dry run {t2 - t1:.2f}s, confirm {t3 - t2:.2f}s; re-import upload {t4 - t3:.2f}s, confirm {t5 - t4:.2f}s"
    )
