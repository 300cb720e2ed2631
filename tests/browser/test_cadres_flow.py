"""A secondment program (挂职锻炼) end to end, through the pages: an officer of the organization
department sets up a program with two posts and a group and publishes the call; two people of
the sending unit apply; the officer matches them to the posts, approves the list, which goes
public (read logged out), confirms it once the window is over, names the managers and places
both; a cadre files a monthly report and a leave of 3 working days that the host leader and
then the group leader approve; the officer starts the mid-term appraisal, five colleagues vote
by their printed codes on phones (a used code is refused), the named raters vote through 我的测评,
and the officer closes the round and reads the tally.

Setup through the ORM, outside the story: the county and the accounts, the pre-dispatch study
session with both cadres marked present (the officer links it on the program's page), the
default leave rules (a transactional test starts from an empty database), and the end of the
publicity window moved into the past (Program.publicity_starts_on/ends_on) instead of waiting
five working days."""

import importlib
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.cadres.enums import LeaveStatus, ProgramStatus, SecondmentStatus
from grassroots.cadres.models import (
    CadreGroup,
    LeaveRequest,
    Program,
    ProgramTraining,
    Report,
    Secondment,
)
from grassroots.core.calendar import add_working_days, working_days_between
from grassroots.evaluations.models import Token
from grassroots.orgs.enums import Education
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.enums import AttendanceStatus
from grassroots.study.tests.factories import AttendanceFactory, StudySessionFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes
SHOTS = Path("/tmp/shots")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def _install_default_leave_rules() -> None:
    """The rules the migration installs (host leader; above 2 days the group leader; above 5
    the organizing body), flushed by the previous transactional test."""
    migration = importlib.import_module("grassroots.cadres.migrations.0003_default_leave_rules")
    migration.install(django_apps, None)


def _new_page(browser, *, phone: bool = False):
    extra = PHONE if phone else {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **extra)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def _success(page) -> str:
    alert = page.locator(".alert-success").first
    alert.wait_for()
    return alert.inner_text()


def _fill_every_dimension(form) -> None:
    """Pick the first level (the best) in every dimension of every subject on a sheet."""
    groups = form.locator("[role=radiogroup]")
    for index in range(groups.count()):
        groups.nth(index).locator("label").first.click()


def _absolute(live_server, url: str) -> str:
    return live_server.url + url if url.startswith("/") else url


def test_a_secondment_program_from_the_call_to_the_mid_term_tally(
    page, browser, live_server, county, make_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _install_default_leave_rules()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of 截止报名
    today = timezone.localdate()
    now = timezone.now().astimezone(SHANGHAI).replace(second=0, microsecond=0)
    closes = now + timedelta(hours=2)
    starts_on = closes.date()
    ends_on = starts_on + timedelta(days=365)

    make_user("org_dept_admin", county.root, username="zzb01")
    cadre_a = make_user(
        None,
        None,
        username="gz01",
        person=PersonFactory(
            primary_org=county.branch1,
            name="张挂职",
            education=Education.BACHELOR,
            birth_date=date(today.year - 35, 5, 1),
        ),
    ).person
    cadre_b = make_user(
        None,
        None,
        username="gz02",
        person=PersonFactory(
            primary_org=county.branch2,
            name="李挂职",
            education=Education.MASTER,
            birth_date=date(today.year - 52, 5, 1),
        ),
    ).person
    town_leader = make_user(
        None, None, username="jsz01", person=PersonFactory(primary_org=county.town, name="赵镇长")
    ).person
    community_leader = make_user(
        None,
        None,
        username="jsz02",
        person=PersonFactory(primary_org=county.community, name="钱书记"),
    ).person
    group_leader = make_user(
        None, None, username="zz01", person=PersonFactory(primary_org=county.dept, name="孙组长")
    ).person
    # 岗前培训: a study session both cadres attended (the officer links it on the page).
    training = StudySessionFactory(
        organization=county.dept,
        title="挂职干部岗前培训班",
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=3),
    )
    for person in (cadre_a, cadre_b):
        AttendanceFactory(session=training, person=person, status=AttendanceStatus.PRESENT)

    # 1. The officer creates the program, two posts, a group, links the training, publishes.
    log_in(page, live_server, "zzb01", PASSWORD)
    page.goto(f"{live_server.url}/cadres/programs/new/")
    form = page.locator("[data-testid=program-form]")
    form.locator("#id_organization").select_option(str(county.dept.pk))
    form.locator("#id_title").fill("2026年县委组织部第一批挂职干部")
    form.locator("#id_starts_on").fill(starts_on.isoformat())
    form.locator("#id_ends_on").fill(ends_on.isoformat())
    form.locator("#id_sending_units").select_option([str(county.justice.pk)])
    form.locator("#id_notice").fill("选派县司法局年轻干部到乡镇、社区挂职锻炼一年。")
    form.locator("#id_call_closes_at").fill(closes.strftime(LOCAL_INPUT))
    _submit(page, form)
    assert "已创建挂职批次" in _success(page)
    program = Program.objects.get(title="2026年县委组织部第一批挂职干部")
    assert program.status == ProgramStatus.DRAFT
    assert page.url == f"{live_server.url}/cadres/programs/{program.pk}/"
    program_url = page.url

    posts = (
        ("镇长助理", county.town, town_leader, {"min_education": "bachelor", "max_age": "45"}),
        ("社区书记助理", county.community, community_leader, {"expertise": "法律、信访"}),
    )
    for title, host, leader, extra in posts:
        page.click("[data-testid=post-create]")
        form = page.locator("[data-testid=record-form]")
        form.locator("#id_host").select_option(str(host.pk))
        form.locator("#id_title").fill(title)
        form.locator("#id_duties").fill(f"协助做好{host.name}的日常工作。")
        form.locator("#id_places").fill("1")
        form.locator("#id_host_leader").select_option(str(leader.pk))
        if "min_education" in extra:
            form.locator("#id_min_education").select_option(extra["min_education"])
            form.locator("#id_max_age").fill(extra["max_age"])
        if "expertise" in extra:
            form.locator("#id_expertise").fill(extra["expertise"])
        _submit(page, form)
        assert "已添加岗位" in _success(page)
    assert page.locator("[data-testid=post-row]").count() == 2

    page.click("[data-testid=groups] a:has-text('添加小组')")
    form = page.locator("[data-testid=record-form]")
    form.locator("#id_name").fill("第一组")
    form.locator("#id_leader").select_option(str(group_leader.pk))
    _submit(page, form)
    assert "已添加小组" in _success(page)
    assert "孙组长" in page.inner_text("[data-testid=groups]")

    page.click("[data-testid=trainings] a:has-text('关联培训')")
    form = page.locator("[data-testid=record-form]")
    form.locator("#id_session").select_option(str(training.pk))
    _submit(page, form)
    assert "已关联培训" in _success(page)
    assert ProgramTraining.objects.filter(program=program, session=training, required=True)

    assert page.locator("[data-testid=publish-problems]").count() == 0
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    assert "选派通知已发布" in _success(page)
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING

    # 2. Two people of the sending unit apply on the call page.
    statements = {
        "gz01": ("在司法局从事基层法治宣传五年，希望到乡镇锻炼。", "法治宣传"),
        "gz02": ("长期从事人民调解和信访工作，愿意到社区服务群众。", "法律、信访"),
    }
    for username, (statement, expertise) in statements.items():
        context, applicant = _new_page(browser, phone=True)
        log_in(applicant, live_server, username, PASSWORD)
        applicant.goto(f"{live_server.url}/cadres/calls/{program.pk}/")
        assert "乡镇、社区挂职锻炼" in applicant.inner_text("[data-testid=notice]")
        form = applicant.locator("[data-testid=apply-form]")
        form.locator("#id_statement").fill(statement)
        form.locator("#id_expertise").fill(expertise)
        _submit(applicant, form)
        assert "报名已提交" in _success(applicant)
        context.close()
    assert program.applications.count() == 2

    # 3. The officer closes the call and matches: the score and its reasons are shown.
    page.goto(program_url)
    with page.expect_navigation():
        page.click("[data-testid=close-call]")
    assert "报名已截止" in _success(page)
    assert page.url.startswith(f"{live_server.url}/cadres/programs/{program.pk}/matching/")
    post_pks = dict(program.posts.values_list("title", "pk"))
    town_post = page.locator(f"#post-{post_pks['镇长助理']}")
    community_post = page.locator(f"#post-{post_pks['社区书记助理']}")
    a_on_town = town_post.locator("[data-testid=candidate]").filter(has_text="张挂职")
    b_on_town = town_post.locator("[data-testid=candidate]").filter(has_text="李挂职")
    assert a_on_town.locator("[data-testid=score]").inner_text().strip().isdigit()
    assert "学历符合" in a_on_town.locator("[data-testid=reasons]").inner_text()
    assert "年龄符合" in a_on_town.locator("[data-testid=reasons]").inner_text()
    assert "年龄超限" in b_on_town.locator("[data-testid=reasons]").inner_text()
    b_on_community = community_post.locator("[data-testid=candidate]").filter(has_text="李挂职")
    assert "专业领域匹配" in b_on_community.locator("[data-testid=reasons]").inner_text()

    with page.expect_navigation():
        a_on_town.locator("[data-testid=assign]").click()
    assert "已将张挂职匹配到“镇长助理”" in _success(page)
    with page.expect_navigation():
        b_on_community.locator("[data-testid=assign]").click()
    assert "已将李挂职匹配到“社区书记助理”" in _success(page)
    assert "已匹配 1 / 名额 1" in town_post.locator("[data-testid=places-counter]").inner_text()
    assert (
        "已匹配 1 / 名额 1" in community_post.locator("[data-testid=places-counter]").inner_text()
    )

    # Approval (the program's 审批 tab): the list goes public.
    page.goto(program_url)
    page.click("[data-testid=program-tab-approval]")
    form = page.locator("[data-testid=approve-form]")
    approval_list = page.inner_text("[data-testid=approval-list]")
    assert "张挂职" in approval_list and "李挂职" in approval_list
    form.locator("#id_comment").fill("经部务会研究，同意。")
    _submit(page, form)
    assert "已审批，名单进入公示" in _success(page)
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLICITY
    public_url = page.locator("[data-testid=public-link]").get_attribute("href")

    context, visitor = _new_page(browser, phone=True)  # no account
    visitor.goto(public_url)
    public_list = visitor.locator("[data-testid=public-list]")
    public_list.wait_for()
    assert "张挂职" in public_list.inner_text() and "李挂职" in public_list.inner_text()
    assert visitor.locator("[data-testid=objection-form]").count() == 1
    context.close()

    # Setup, not story: the publicity window ended yesterday (instead of waiting for it).
    Program.objects.filter(pk=program.pk).update(
        publicity_starts_on=today - timedelta(days=8), publicity_ends_on=today - timedelta(days=1)
    )
    page.reload()
    with page.expect_navigation():
        page.click("[data-testid=confirm-form] button[type=submit]")
    assert "名单已确认" in _success(page)
    program.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING

    # Placement: name each cadre's host leader and group, then place everyone ready.
    # (Saving the managers lands on the cadre's page, not back on the placement list.)
    group = CadreGroup.objects.get(program=program)
    page.click("[data-testid=program-tab-placement]")
    placement_url = page.url
    for name in ("张挂职", "李挂职"):
        page.goto(placement_url)
        row = page.locator("[data-testid=placement-list] tr").filter(has_text=name)
        row.locator("a:has-text('联系领导和小组')").click()
        form = page.locator("[data-testid=managers-form]")
        form.wait_for()
        form.locator("#id_group").select_option(str(group.pk))
        _submit(page, form)
        assert "已确定联系领导和小组" in _success(page)
    page.goto(placement_url)
    form = page.locator("[data-testid=place-all-form]")
    assert "2 人已具备派出条件" in form.inner_text()
    _submit(page, form)
    assert "已登记 2 名挂职干部到岗" in _success(page)
    secondment_a = Secondment.objects.get(program=program, person=cadre_a)
    secondment_b = Secondment.objects.get(program=program, person=cadre_b)
    assert secondment_a.status == SecondmentStatus.PLACED
    assert secondment_a.host_leader_id == town_leader.pk and secondment_a.group_id == group.pk
    assert secondment_b.host_leader_id == community_leader.pk

    # 4. The cadre, on a phone: the monthly report, then a leave of 3 working days.
    cadre_context, cadre = _new_page(browser, phone=True)
    log_in(cadre, live_server, "gz01", PASSWORD)
    cadre.goto(f"{live_server.url}/cadres/mine/")
    cadre.click("[data-testid=my-secondment-row]")
    cadre.click(".nav-tabs a:has-text('计划与报告')")
    first_due = cadre.locator("[data-testid=report-row]").filter(has_text="待提交").first
    first_due.locator("a:has-text('填写')").click()
    form = cadre.locator("[data-testid=report-form]")
    form.locator("textarea").fill("本月熟悉镇情，走访了三个村，参与了两次矛盾纠纷调解。")
    _submit(cadre, form)
    assert "报告已提交" in _success(cadre)
    assert Report.objects.filter(
        secondment=secondment_a, kind="monthly", submitted_at__isnull=False
    ).exists()

    leave_starts = add_working_days(today, 1)
    leave_ends = add_working_days(leave_starts, 2)
    assert working_days_between(leave_starts, leave_ends) == 3
    cadre.click(".nav-tabs a:has-text('请销假')")
    form = cadre.locator("[data-testid=leave-request-form]")
    form.locator("#id_kind").select_option("personal")
    form.locator("#id_starts_on").fill(leave_starts.isoformat())
    form.locator("#id_ends_on").fill(leave_ends.isoformat())
    form.locator("#id_reason").fill("家中老人住院，需回家照料。")
    _submit(cadre, form)
    assert "已提交请假申请（3 个工作日）" in _success(cadre)
    leave = LeaveRequest.objects.get(secondment=secondment_a)
    card = cadre.locator(f"#leave-{leave.pk}")
    assert "3 个工作日" in card.locator("[data-testid=leave-days]").inner_text()
    assert "审批中" in card.locator("[data-testid=leave-status]").inner_text()

    # The host leader (level 1), then the group leader (level 2), approve in their inbox.
    for username, done in (("jsz01", "已转下一级审批"), ("zz01", "已批准该请假")):
        context, approver = _new_page(browser, phone=True)
        log_in(approver, live_server, username, PASSWORD)
        approver.goto(f"{live_server.url}/cadres/leave/inbox/")
        card = approver.locator(f"#leave-{leave.pk}")
        card.locator("textarea[name=comment]").fill("同意，注意安全。")
        with approver.expect_navigation():
            card.locator("[data-testid=leave-approve]").click()
        assert done in _success(approver)
        context.close()
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED

    cadre.reload()
    status = cadre.locator(f"#leave-{leave.pk} [data-testid=leave-status]")
    status.wait_for()
    assert "已批准" in status.inner_text()
    cadre.screenshot(path=str(SHOTS / "cadre_leave_phone.png"), full_page=True)

    # The program's dashboard (情况一览) shows the leave taken.
    page.goto(program_url)
    page.click("[data-testid=program-tab-dashboard]")
    row = page.locator("[data-testid=dashboard-row]").filter(has_text="张挂职")
    assert "3" in row.locator("[data-testid=leave-days]").inner_text()
    page.screenshot(path=str(SHOTS / "program_dashboard.png"), full_page=True)

    # 5. The mid-term appraisal, from the program's 考核 tab.
    page.goto(program_url)
    page.click("[data-testid=program-tab-appraisal]")
    page.click("[data-testid=round-start]")
    form = page.locator("[data-testid=round-start-form]")
    form.locator("#id_stage").select_option("midterm")
    opens = timezone.now().astimezone(SHANGHAI).replace(second=0, microsecond=0)
    form.locator("#id_opens_at").fill((opens - timedelta(minutes=1)).strftime(LOCAL_INPUT))
    form.locator("#id_closes_at").fill((opens + timedelta(days=7)).strftime(LOCAL_INPUT))
    form.locator("#id_colleague_tokens").fill("5")
    _submit(page, form)
    assert "考核测评已开始" in _success(page)
    round_card = page.locator("[data-testid=round-midterm]")
    round_card.locator("a:has-text('打印测评码')").click()
    cards = page.locator("[data-testid=token-card]").filter(has_text="张挂职")
    cards.first.wait_for()
    assert cards.count() == 5
    links = [cards.nth(i).locator(".gr-token-url").inner_text().strip() for i in range(5)]
    assert len(set(links)) == 5

    # Five colleagues, each with a phone and no account, vote once by their code.
    for index, link in enumerate(links):
        context, rater = _new_page(browser, phone=True)
        rater.goto(_absolute(live_server, link))
        sheet = rater.locator("[data-testid=token-sheet]")
        sheet.wait_for()
        assert "张挂职" in sheet.inner_text()
        _fill_every_dimension(sheet)
        if index == 0:
            rater.screenshot(path=str(SHOTS / "token_ballot_phone.png"), full_page=True)
        _submit(rater, sheet)
        thanks = rater.locator("[data-testid=token-thanks]")
        thanks.wait_for()
        assert "提交成功" in thanks.inner_text()
        context.close()
    assert Token.objects.filter(subject__person=cadre_a, used=True).count() == 5

    context, rater = _new_page(browser, phone=True)  # a used code, a sixth time
    rater.goto(_absolute(live_server, links[0]))
    error = rater.locator("[data-testid=token-error]")
    error.wait_for()
    assert "该测评码已使用" in error.inner_text()
    context.close()

    # The named raters vote through 我的测评: the cadre, the host leader, the group leader.
    for username in ("gz01", "jsz01", "zz01"):
        context, rater = (None, cadre) if username == "gz01" else _new_page(browser, phone=True)
        if context is not None:
            log_in(rater, live_server, username, PASSWORD)
        rater.goto(f"{live_server.url}/evaluations/mine/")
        rater.locator("[data-testid=my-campaign] a:has-text('去测评')").first.click()
        sheet = rater.locator("[data-testid=ballot-sheet]")
        sheet.wait_for()
        _fill_every_dimension(sheet)
        _submit(rater, sheet)
        assert "已提交" in _success(rater)
        if context is not None:
            context.close()
    cadre_context.close()

    # The officer closes the round and reads the tally: on the cadre's tab and the results.
    page.goto(program_url)
    page.click("[data-testid=program-tab-appraisal]")
    with page.expect_navigation():
        page.click("[data-testid=round-midterm] [data-testid=round-close]")
    assert "测评已结束" in _success(page)
    page.click("[data-testid=appraisal-table] a:has-text('张挂职')")
    total = page.locator("[data-testid=round-midterm] [data-testid=tally-total]")
    total.wait_for()
    assert total.inner_text().strip().startswith("100")  # every sheet said 好 throughout
    assert page.locator("[data-testid=decide-form-midterm]").count() == 1
    page.locator("[data-testid=round-midterm] a:has-text('测评结果')").click()
    results = page.locator("[data-testid=results-row]").filter(has_text="张挂职")
    results.wait_for()
    assert "100.00" in results.inner_text()  # the weighted total
    turnout = page.inner_text("[data-testid=turnout-table]")
    assert "接收单位同事" in turnout and "%" in turnout
    page.screenshot(path=str(SHOTS / "appraisal_results.png"), full_page=True)
