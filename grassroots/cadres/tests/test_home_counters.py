"""The home page counts what waits for a host leader (plans and reports) and an approver (leave),
and shows nothing to a person with nothing waiting."""

from grassroots.cadres.services import plans
from grassroots.cadres.tests import builders
from grassroots.cadres.tests.test_work_pages_views import add_reports


def test_host_leader_sees_the_count_on_the_home_page(client, county):
    placed = builders.secondment(county)
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    add_reports(placed.secondment, 2, filed=True)

    client.force_login(placed.host_user)
    counters = {c["label"]: c["value"] for c in client.get("/").context["counters"]}
    assert counters.get("待批阅的计划和报告") == 3  # the plan and two reports

    client.force_login(placed.group_user)
    counters = {c["label"]: c["value"] for c in client.get("/").context["counters"]}
    assert "待批阅的计划和报告" not in counters
