"""Stub: replaced by its owner."""

from django.urls import path

from .views import secondments as views

urlpatterns = [
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment_detail"),
]
