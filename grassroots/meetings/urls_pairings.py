"""Pairings (结对共建): list, export, form, detail, ending early."""

from django.urls import path

from .views import pairings

urlpatterns = [
    path("pairings/", pairings.pairing_list, name="pairing_list"),
    path("pairings/export/", pairings.pairing_export, name="pairing_export"),
    path("pairings/new/", pairings.pairing_create, name="pairing_create"),
    path(
        "pairings/contacts/",
        pairings.pairing_contact_options,
        name="pairing_contact_options",
    ),
    path("pairings/<int:pk>/", pairings.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/edit/", pairings.pairing_edit, name="pairing_edit"),
    path("pairings/<int:pk>/end/", pairings.pairing_end, name="pairing_end"),
]
