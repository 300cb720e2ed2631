"""Activities (活动) with sign-up, check-in, photos and report; volunteer hours."""

from django.urls import path

from .views import activities as views

urlpatterns: list = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/mine/", views.my_activities, name="my_activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/held/", views.activity_held, name="activity_held"),
    path("activities/<int:pk>/signup/", views.activity_signup, name="activity_signup"),
    path(
        "activities/<int:pk>/signup/cancel/",
        views.activity_signup_cancel,
        name="activity_signup_cancel",
    ),
    path(
        "activities/<int:pk>/signups/", views.activity_signup_manage, name="activity_signup_manage"
    ),
    path("activities/<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/qr/code/", views.activity_qr_code, name="activity_qr_code"),
    path("activities/<int:pk>/checkin/", views.activity_checkin, name="activity_checkin"),
    path(
        "activities/<int:pk>/signups/<int:signup_pk>/checkin/",
        views.activity_checkin_mark,
        name="activity_checkin_mark",
    ),
    path("activities/<int:pk>/photos/", views.activity_photo_upload, name="activity_photo_upload"),
    path("activities/<int:pk>/photos/<int:photo_pk>/", views.activity_photo, name="activity_photo"),
    path(
        "activities/<int:pk>/photos/<int:photo_pk>/thumb/",
        views.activity_photo_thumb,
        name="activity_photo_thumb",
    ),
    path("activities/<int:pk>/report/", views.activity_report, name="activity_report"),
    path("volunteer/", views.volunteer_mine, name="volunteer_mine"),
    path("volunteer/ledger/", views.volunteer_ledger, name="volunteer_ledger"),
    path("volunteer/ledger/export/", views.volunteer_export, name="volunteer_export"),
]
