from . import urls_ballots, urls_campaigns

app_name = "evaluations"

urlpatterns = [*urls_campaigns.urlpatterns, *urls_ballots.urlpatterns]
