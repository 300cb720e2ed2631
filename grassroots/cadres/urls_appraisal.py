"""Stub: replaced by its owner."""

from django.urls import path

from .views import appraisal as views

urlpatterns = [
    path(
        "secondments/<int:pk>/appraisal/", views.secondment_appraisal, name="secondment_appraisal"
    ),
]
