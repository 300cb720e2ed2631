"""URLs of voting and results: 我的测评, an account's sheet, the public token sheet, results
with their printable page and Excel export."""

from django.urls import path

from .views import ballots, results

urlpatterns = [
    path("mine/", ballots.my_campaigns, name="my_campaigns"),
    path("<int:pk>/vote/", ballots.ballot_sheet, name="ballot_sheet"),
    path("t/done/", ballots.token_thanks, name="token_thanks"),
    path("t/<str:code>/", ballots.token_ballot, name="token_ballot"),
    path("<int:pk>/results/", results.campaign_results, name="campaign_results"),
    path("<int:pk>/results/named/", results.named_ballots, name="named_ballots"),
    path("<int:pk>/results/xlsx/", results.campaign_results_xlsx, name="campaign_results_xlsx"),
]
