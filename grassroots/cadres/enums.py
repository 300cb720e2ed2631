"""Choices and declared transitions of secondment (挂职锻炼): programs, applications,
secondments, work plans, reports, leave and appraisal results."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    RECRUITING = "recruiting", _("报名中")
    SELECTING = "selecting", _("遴选中")
    PUBLICITY = "publicity", _("公示中")
    RUNNING = "running", _("挂职中")
    FINISHED = "finished", _("已结束")


PROGRAM_TRANSITIONS = {
    (ProgramStatus.DRAFT, ProgramStatus.RECRUITING): "cadres.manage_program",  # publish the call
    (ProgramStatus.RECRUITING, ProgramStatus.SELECTING): "cadres.manage_program",  # close it
    (ProgramStatus.SELECTING, ProgramStatus.PUBLICITY): "cadres.approve_program",  # approve list
    (ProgramStatus.PUBLICITY, ProgramStatus.RUNNING): "cadres.approve_program",  # list final
    (ProgramStatus.RUNNING, ProgramStatus.FINISHED): "cadres.manage_program",
}


class ApplicationKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("个人报名")
    RECOMMENDED = "recommended", _("单位推荐")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ASSIGNED = "assigned", _("已匹配岗位")
    NOT_SELECTED = "not_selected", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")


class SecondmentStatus(models.TextChoices):
    """A cadre's secondment, from being matched to a post to the archive."""

    MATCHED = "matched", _("已匹配")
    APPROVED = "approved", _("已审批")
    PUBLICITY = "publicity", _("公示中")
    CONFIRMED = "confirmed", _("待派出")
    PLACED = "placed", _("挂职中")
    COMPLETED = "completed", _("期满待鉴定")
    ARCHIVED = "archived", _("已归档")
    WITHDRAWN = "withdrawn", pgettext_lazy("挂职状态", "已撤销")


# (from, to) -> the codename the move needs, on the program's organizing body
SECONDMENT_TRANSITIONS = {
    (SecondmentStatus.MATCHED, SecondmentStatus.APPROVED): "cadres.approve_program",
    (SecondmentStatus.MATCHED, SecondmentStatus.WITHDRAWN): "cadres.manage_program",
    (SecondmentStatus.APPROVED, SecondmentStatus.PUBLICITY): "cadres.approve_program",
    (SecondmentStatus.APPROVED, SecondmentStatus.WITHDRAWN): "cadres.approve_program",
    (SecondmentStatus.PUBLICITY, SecondmentStatus.CONFIRMED): "cadres.approve_program",
    (SecondmentStatus.PUBLICITY, SecondmentStatus.WITHDRAWN): "cadres.approve_program",
    (SecondmentStatus.CONFIRMED, SecondmentStatus.PLACED): "cadres.manage_program",
    (SecondmentStatus.CONFIRMED, SecondmentStatus.WITHDRAWN): "cadres.manage_program",
    (SecondmentStatus.PLACED, SecondmentStatus.COMPLETED): "cadres.manage_program",
    (SecondmentStatus.COMPLETED, SecondmentStatus.ARCHIVED): "cadres.approve_program",
}

ACTIVE_SECONDMENT = (
    SecondmentStatus.MATCHED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.PUBLICITY,
    SecondmentStatus.CONFIRMED,
    SecondmentStatus.PLACED,
    SecondmentStatus.COMPLETED,
    SecondmentStatus.ARCHIVED,
)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已同意")
    RETURNED = "returned", _("已退回")


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("月度报告")
    STAGE = "stage", _("阶段小结")
    FINAL = "final", _("挂职总结")


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    ANNUAL = "annual", _("年休假")
    FAMILY = "family", _("探亲假")
    WEDDING_FUNERAL = "wedding_funeral", _("婚丧假")
    OTHER = "other", _("其他")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    CANCELLED = "cancelled", _("已撤回")
    RETURNED = "returned", _("已销假")


LEAVE_TRANSITIONS = {
    (LeaveStatus.PENDING, LeaveStatus.APPROVED),  # the last level approved
    (LeaveStatus.PENDING, LeaveStatus.REJECTED),  # any level refused
    (LeaveStatus.PENDING, LeaveStatus.CANCELLED),  # the cadre withdrew it
    (LeaveStatus.APPROVED, LeaveStatus.CANCELLED),  # withdrawn before it starts
    (LeaveStatus.APPROVED, LeaveStatus.RETURNED),  # 销假
}


class Approver(models.TextChoices):
    """Who approves a level of a leave request, relative to the cadre."""

    HOST_LEADER = "host_leader", _("接收单位领导")
    GROUP_LEADER = "group_leader", _("挂职干部组长")
    ORGANIZER = "organizer", _("组织单位")


class AppraisalStage(models.TextChoices):
    MIDTERM = "midterm", _("中期考核")
    FINAL = "final", _("期满考核")


class AppraisalResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class EventAction(models.TextChoices):
    """What a step on a secondment's timeline was (SecondmentEvent.action)."""

    MATCHED = "matched", _("匹配岗位")
    APPROVED = "approved", _("审批通过")
    PUBLICITY = "publicity", _("进入公示")
    CONFIRMED = "confirmed", _("公示期满无异议")
    PLACED = "placed", _("到岗")
    COMPLETED = "completed", _("挂职期满")
    ARCHIVED = "archived", _("归档")
    WITHDRAWN = "withdrawn", pgettext_lazy("挂职事件", "撤销")
    MANAGERS_SET = "managers_set", _("确定联系领导和小组")
    PLAN_SUBMITTED = "plan_submitted", _("提交工作计划")
    PLAN_APPROVED = "plan_approved", _("同意工作计划")
    PLAN_RETURNED = "plan_returned", _("退回工作计划")
    REPORT_SUBMITTED = "report_submitted", _("提交报告")
    REPORT_COMMENTED = "report_commented", _("接收单位提出意见")
    LEAVE_REQUESTED = "leave_requested", _("申请请假")
    LEAVE_APPROVED = "leave_approved", _("请假获批")
    LEAVE_REJECTED = "leave_rejected", _("请假未获批准")
    LEAVE_CANCELLED = "leave_cancelled", _("撤回请假")
    LEAVE_RETURNED = "leave_returned", _("销假")
    OBJECTION_ANSWERED = "objection_answered", _("答复公示异议")
    SUMMARY_SUBMITTED = "summary_submitted", _("提交挂职总结")
    APPRAISED = "appraised", _("确定考核结果")
    COMMENDED = "commended", _("表彰")
