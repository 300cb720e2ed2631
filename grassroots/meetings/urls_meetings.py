"""The meetings' own pages: the list, one's own meetings, scheduling, a meeting's page and its
actions."""

from django.urls import path

from .views import meetings

urlpatterns: list = [
    path("", meetings.meeting_list, name="meeting_list"),
    path("mine/", meetings.my_meetings, name="my_meetings"),
    path("new/", meetings.meeting_create, name="meeting_create"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/notice/", meetings.meeting_notice, name="meeting_notice"),
    path("<int:pk>/held/", meetings.meeting_held, name="meeting_held"),
    path("<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/rsvp/", meetings.meeting_rsvp, name="meeting_rsvp"),
]
