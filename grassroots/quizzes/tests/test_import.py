"""Importing questions from Excel: the template, the dry run listing every bad row, the
confirmation in one transaction, no duplicates on a second import, the file removed."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grassroots.quizzes.enums import ImportStatus
from grassroots.quizzes.importing import ERROR, EXISTING, NEW, REPEATED
from grassroots.quizzes.models import Question, QuestionImport
from grassroots.quizzes.services import imports as services
from grassroots.quizzes.workbooks import COLUMNS, build_template

from .factories import make_member

pytestmark = pytest.mark.django_db

HEADERS = [header for _key, header, _w, _r in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GOOD = [
    {
        "题型": "单选题",
        "题干": "党的最高领导机关是（ ）。",
        "选项A": "党的全国代表大会和它所产生的中央委员会",
        "选项B": "中央政治局",
        "选项C": "中央书记处",
        "正确答案": "A",
        "难度": "易",
        "标签": "党章",
    },
    {
        "题型": "多选题",
        "题干": "“三会一课”中的“三会”是指（ ）。",
        "选项A": "支部党员大会",
        "选项B": "支部委员会",
        "选项C": "党小组会",
        "选项D": "民主生活会",
        "正确答案": "A、B、C",
        "难度": "中",
        "标签": "三会一课，组织生活",
    },
    {"题型": "判断", "题干": "预备党员的预备期为一年。", "正确答案": "√", "难度": "1"},
    {
        "题型": "填空题",
        "题干": "党员每年集中学习培训一般不少于____学时。",
        "正确答案": "32|三十二",
        "解析": "党员教育管理工作条例",
        "难度": "难",
    },
]
BAD = [
    {"题型": "问答题", "题干": "什么是党性？", "正确答案": "略"},
    {"题型": "单选题", "题干": "选项跳空的题", "选项A": "甲", "选项C": "丙", "正确答案": "A"},
    {"题型": "单选题", "题干": "答案不是字母", "选项A": "甲", "选项B": "乙", "正确答案": "甲"},
    {"题型": "单选题", "题干": "答案超出选项", "选项A": "甲", "选项B": "乙", "正确答案": "D"},
    {"题型": "判断题", "题干": "判断题的答案写错", "正确答案": "可能"},
    {"题型": "多选题", "题干": "多选只有一个答案", "选项A": "甲", "选项B": "乙", "正确答案": "A"},
    {
        "题型": "单选题",
        "题干": "难度写错",
        "选项A": "甲",
        "选项B": "乙",
        "正确答案": "A",
        "难度": "超难",
    },
    {"题型": "单选题", "题干": "", "选项A": "甲", "选项B": "乙", "正确答案": "A"},
]


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="题库.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def officer(county, make_user):
    return make_user("org_dept_admin", county.root)


def test_template_has_instructions_examples_and_drop_downs():
    workbook = load_workbook(build_template())
    assert workbook.sheetnames == ["题目", "填写说明"]
    sheet = workbook["题目"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A2"].value == "单选题"
    ranges = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "'填写说明'!$C$2:$C$5" in ranges["A2"]
    difficulty_col = HEADERS.index("难度")
    letter = chr(ord("A") + difficulty_col)
    assert "'填写说明'!$D$2:$D$4" in ranges[f"{letter}2"]
    assert "32学时" in workbook["填写说明"]["A7"].value or any(
        "填空题" in (c.value or "") for c in workbook["填写说明"]["A"]
    )


def test_template_round_trips_through_the_import(county, officer):
    handle = build_template()
    imported = services.question_import_upload(
        organization=county.root, uploaded_file=upload(handle.read()), actor=officer
    )
    plan = services.import_plan(imported)
    assert plan.counts == {NEW: 4, EXISTING: 0, REPEATED: 0, ERROR: 0}


def test_dry_run_lists_every_bad_row_and_writes_nothing(county, officer):
    imported = services.question_import_upload(
        organization=county.root, uploaded_file=upload(xlsx(GOOD + BAD)), actor=officer
    )
    plan = services.import_plan(imported)
    assert plan.counts[NEW] == 4
    assert plan.counts[ERROR] == len(BAD)
    errors = {row.line: " ".join(row.errors) for row in plan.rows if row.is_error}
    first_bad = len(GOOD) + 2
    assert "题型“问答题”无法识别" in errors[first_bad]
    assert "选项不能跳空" in errors[first_bad + 1]
    assert "应为选项字母" in errors[first_bad + 2]
    assert "不存在的选项" in errors[first_bad + 3]
    assert "判断题的正确答案" in errors[first_bad + 4]
    assert "多选题至少应有两个正确选项" in errors[first_bad + 5]
    assert "难度“超难”无法识别" in errors[first_bad + 6]
    assert "请填写题干" in errors[first_bad + 7]
    assert not Question.objects.exists()
    assert imported.file and imported.file.storage.exists(imported.file.name)


def test_confirm_writes_the_valid_rows_once_and_removes_the_file(
    county, officer, django_capture_on_commit_callbacks
):
    imported = services.question_import_upload(
        organization=county.root, uploaded_file=upload(xlsx(GOOD + BAD[:2])), actor=officer
    )
    name = imported.file.name
    storage = imported.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        done = services.question_import_confirm(question_import=imported, actor=officer)
    assert done.status == ImportStatus.IMPORTED
    assert done.summary["counts"] == {NEW: 4, EXISTING: 0, REPEATED: 0, ERROR: 2}
    assert Question.objects.count() == 4
    multiple = Question.objects.get(qtype="multiple")
    assert multiple.answer == [0, 1, 2]
    assert sorted(t.name for t in multiple.tags.all()) == sorted(["三会一课", "组织生活"])
    fill = Question.objects.get(qtype="fill_blank")
    assert fill.answer == [["32", "三十二"]] and fill.difficulty == 3
    assert Question.objects.get(qtype="true_false").answer == [True]
    assert not storage.exists(name)
    assert not done.file
    with pytest.raises(ValidationError, match="已经处理过了"):
        services.question_import_confirm(question_import=done, actor=officer)

    # The same file again: every question is recognized, nothing is added.
    again = services.question_import_upload(
        organization=county.root, uploaded_file=upload(xlsx(GOOD)), actor=officer
    )
    plan = services.import_plan(again)
    assert plan.counts[EXISTING] == 4 and plan.counts[NEW] == 0
    services.question_import_confirm(question_import=again, actor=officer)
    assert Question.objects.count() == 4


def test_a_question_twice_in_one_file_is_imported_once(county, officer):
    shuffled = {**GOOD[0], "选项A": GOOD[0]["选项B"], "选项B": GOOD[0]["选项A"], "正确答案": "B"}
    imported = services.question_import_upload(
        organization=county.root, uploaded_file=upload(xlsx([GOOD[0], shuffled])), actor=officer
    )
    plan = services.import_plan(imported)
    assert [row.status for row in plan.rows] == [NEW, REPEATED]
    assert "与第 2 行的题目相同" in plan.rows[1].errors[0]


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"not a spreadsheet", "题库.xlsx", "不是有效的 .xlsx"),
        (b"x", "题库.xls", "不支持旧版 .xls"),
        (b"", "题库.xlsx", "文件是空的"),
    ],
)
def test_bad_files_are_refused(county, officer, content, name, message):
    with pytest.raises(ValidationError, match=message):
        services.question_import_upload(
            organization=county.root, uploaded_file=upload(content, name), actor=officer
        )
    assert not QuestionImport.objects.exists()


def test_a_file_without_the_headers_is_refused(county, officer):
    with pytest.raises(ValidationError, match="找不到表头"):
        services.question_import_upload(
            organization=county.root,
            uploaded_file=upload(xlsx([{"姓名": "张三"}], headers=["姓名", "身份证号"])),
            actor=officer,
        )


def test_only_the_uploader_within_scope_may_import(county, make_user, officer):
    secretary = make_user("branch_secretary", county.branch1)
    with pytest.raises(PermissionDenied):
        services.question_import_upload(
            organization=county.branch2, uploaded_file=upload(xlsx(GOOD)), actor=secretary
        )
    with pytest.raises(PermissionDenied):
        services.question_import_upload(
            organization=county.branch1,
            uploaded_file=upload(xlsx(GOOD)),
            actor=make_member(county.branch1),
        )
    imported = services.question_import_upload(
        organization=county.branch1, uploaded_file=upload(xlsx(GOOD)), actor=officer
    )
    with pytest.raises(PermissionDenied):
        services.question_import_confirm(question_import=imported, actor=secretary)


def test_cancel_deletes_the_file(county, officer, django_capture_on_commit_callbacks):
    imported = services.question_import_upload(
        organization=county.root, uploaded_file=upload(xlsx(GOOD)), actor=officer
    )
    name, storage = imported.file.name, imported.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.question_import_cancel(question_import=imported, actor=officer)
    assert not storage.exists(name)
    assert not Question.objects.exists()


def test_import_pages(client, county, officer):
    client.force_login(officer)
    template = client.get(reverse("quizzes:import_template"))
    assert template.status_code == 200
    assert template["Content-Type"] == XLSX
    response = client.post(
        reverse("quizzes:import"),
        {"organization": county.root.pk, "file": upload(xlsx(GOOD + BAD))},
    )
    assert response.status_code == 302
    imported = QuestionImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert preview.count('data-testid="import-error-row"') == len(BAD)
    assert "题型“问答题”无法识别" in preview
    assert not Question.objects.exists()
    response = client.post(reverse("quizzes:import_confirm", args=[imported.pk]))
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "已写入 4 道新题" in result
    assert Question.objects.count() == 4


def test_an_upload_error_is_shown_on_the_form(client, county, officer):
    client.force_login(officer)
    response = client.post(
        reverse("quizzes:import"),
        {"organization": county.root.pk, "file": upload(b"plain text", "题库.xlsx")},
    )
    assert response.status_code == 200
    assert "不是有效的 .xlsx" in response.content.decode()
