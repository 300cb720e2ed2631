"""Stub: replaced by its owner."""

from django.urls import path

from .views import work as views

urlpatterns = [
    path("secondments/<int:pk>/work/", views.secondment_work, name="secondment_work"),
]
