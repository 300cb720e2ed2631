"""Stub: replaced by its owner."""

from django.urls import path

from .views import leave as views

urlpatterns = [
    path("secondments/<int:pk>/leave/", views.secondment_leave, name="secondment_leave"),
]
