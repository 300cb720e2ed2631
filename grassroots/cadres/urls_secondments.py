"""Secondments: the overview page and its actions, my secondments, the officers' pages of
approval, publicity and placement, the program dashboard, and the public publicity pages."""

from django.urls import path

from .views import dashboard, publicity
from .views import secondments as views

urlpatterns = [
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment_detail"),
    path("secondments/<int:pk>/withdraw/", views.secondment_withdraw, name="secondment_withdraw"),
    path("secondments/<int:pk>/managers/", views.secondment_managers, name="secondment_managers"),
    path("secondments/<int:pk>/place/", views.secondment_place, name="secondment_place"),
    path("secondments/<int:pk>/complete/", views.secondment_complete, name="secondment_complete"),
    path("mine/", views.my_secondments, name="my_secondments"),
    path("programs/<int:pk>/approval/", publicity.program_approval, name="program_approval"),
    path("programs/<int:pk>/objections/", publicity.program_objections, name="program_objections"),
    path("programs/<int:pk>/confirm/", publicity.program_confirm, name="program_confirm"),
    path("programs/<int:pk>/placement/", publicity.program_placement, name="program_placement"),
    path("objections/<int:pk>/answer/", publicity.objection_answer, name="objection_answer"),
    path("programs/<int:pk>/dashboard/", dashboard.program_dashboard, name="program_dashboard"),
    path(
        "programs/<int:pk>/dashboard/export/",
        dashboard.program_dashboard_export,
        name="program_dashboard_export",
    ),
    path("publicity/<str:key>/", publicity.publicity, name="publicity"),
    path("publicity/<str:key>/follow/", publicity.objection_follow, name="objection_follow"),
]
