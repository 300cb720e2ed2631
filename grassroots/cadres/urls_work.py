"""The work tab (计划与报告) of a secondment, one report, and the host leader's inbox."""

from django.urls import path

from .views import work as views

urlpatterns = [
    path("secondments/<int:pk>/work/", views.secondment_work, name="secondment_work"),
    path(
        "secondments/<int:pk>/work/reports/<int:report_pk>/",
        views.report_detail,
        name="report_detail",
    ),
    path("work/inbox/", views.work_inbox, name="work_inbox"),
]
