"""URLs of a meeting's records: the QR check-in, attendance marks, minutes and files."""

from django.urls import path

from .views import attendance, minutes

urlpatterns = [
    path("<int:pk>/qr/", attendance.meeting_qr, name="meeting_qr"),
    path("<int:pk>/qr/code/", attendance.meeting_qr_code, name="meeting_qr_code"),
    path("<int:pk>/checkin/", attendance.meeting_checkin, name="meeting_checkin"),
    path(
        "<int:pk>/attendance/<int:attendance_pk>/mark/",
        attendance.attendance_mark,
        name="attendance_mark",
    ),
    path(
        "<int:pk>/attendance/<int:attendance_pk>/remove/",
        attendance.attendance_remove_extra,
        name="attendance_remove_extra",
    ),
    path(
        "<int:pk>/attendance/all-present/",
        attendance.attendance_all_present,
        name="attendance_all_present",
    ),
    path(
        "<int:pk>/attendance/rest-absent/",
        attendance.attendance_rest_absent,
        name="attendance_rest_absent",
    ),
    path(
        "<int:pk>/attendance/extra/", attendance.attendance_add_extra, name="attendance_add_extra"
    ),
    path("<int:pk>/minutes/edit/", minutes.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/publish/", minutes.minutes_publish, name="minutes_publish"),
    path("<int:pk>/minutes/revise/", minutes.minutes_revise, name="minutes_revise"),
    path("<int:pk>/minutes/", minutes.minutes_revisions, name="minutes_revisions"),
    path(
        "<int:pk>/minutes/v<int:number>/",
        minutes.minutes_revision_detail,
        name="minutes_revision_detail",
    ),
    path("<int:pk>/files/upload/", minutes.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/files/<int:attachment_pk>/",
        minutes.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/files/<int:attachment_pk>/thumbnail/",
        minutes.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path(
        "<int:pk>/files/<int:attachment_pk>/delete/",
        minutes.attachment_delete,
        name="attachment_delete",
    ),
]
