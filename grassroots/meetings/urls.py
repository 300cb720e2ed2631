"""Organizational life: meetings, attendance and minutes, compliance, activities, pairings."""

from .urls_activities import urlpatterns as activity_urls
from .urls_attendance import urlpatterns as attendance_urls
from .urls_compliance import urlpatterns as compliance_urls
from .urls_meetings import urlpatterns as meeting_urls
from .urls_pairings import urlpatterns as pairing_urls

urlpatterns: list = [
    *attendance_urls,
    *activity_urls,
    *pairing_urls,
    *compliance_urls,
    *meeting_urls,
]
app_name = "meetings"
