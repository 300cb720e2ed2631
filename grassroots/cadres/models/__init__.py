"""Secondment (挂职锻炼): programs and posts, applications, the secondments themselves with
their plans, reports and leave, and appraisals."""

from .appraisal import Appraisal, AppraisalRound
from .leave import LeaveRequest, LeaveRule, LeaveStep
from .programs import Application, CadreGroup, Objection, Post, Program, ProgramTraining
from .secondments import Report, Secondment, SecondmentEvent, WorkPlan

__all__ = [
    "Application",
    "Appraisal",
    "AppraisalRound",
    "CadreGroup",
    "LeaveRequest",
    "LeaveRule",
    "LeaveStep",
    "Objection",
    "Post",
    "Program",
    "ProgramTraining",
    "Report",
    "Secondment",
    "SecondmentEvent",
    "WorkPlan",
]
