"""Appraisal, exchange meeting, commendation and archive pages of the cadres app."""

from django.urls import path

from .views import appraisal as views

urlpatterns = [
    path(
        "secondments/<int:pk>/appraisal/", views.secondment_appraisal, name="secondment_appraisal"
    ),
    path(
        "secondments/<int:pk>/appraisal/<int:round_pk>/decide/",
        views.appraisal_decide,
        name="appraisal_decide",
    ),
    path("secondments/<int:pk>/commend/", views.secondment_commend, name="secondment_commend"),
    path("secondments/<int:pk>/archive/", views.secondment_archive, name="secondment_archive"),
    path("programs/<int:pk>/appraisals/", views.program_appraisal, name="program_appraisal"),
    path("programs/<int:pk>/appraisals/start/", views.round_start, name="appraisal_round_start"),
    path(
        "programs/<int:pk>/appraisals/<int:round_pk>/close/",
        views.round_close,
        name="appraisal_round_close",
    ),
    path("programs/<int:pk>/exchange-meeting/", views.exchange_meeting, name="exchange_meeting"),
    path("programs/<int:pk>/archive/", views.program_archive, name="program_archive"),
    path("archive/", views.archive_list, name="archive"),
    path("archive/export/", views.archive_export, name="archive_export"),
]
