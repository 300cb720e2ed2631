"""Study and training (学习培训): plans, sessions, attendance, self-study, the hours ledger, the
materials library and reflections."""

from .library import Material, MaterialTag
from .reflections import Reflection, ReflectionEvent
from .sessions import (
    Attendance,
    HoursCredit,
    HoursTarget,
    MakeUp,
    SelfStudy,
    StudyPlan,
    StudySession,
    StudyYear,
)

__all__ = [
    "Attendance",
    "HoursCredit",
    "HoursTarget",
    "MakeUp",
    "Material",
    "MaterialTag",
    "Reflection",
    "ReflectionEvent",
    "SelfStudy",
    "StudyPlan",
    "StudySession",
    "StudyYear",
]
