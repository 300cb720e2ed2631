from . import urls_appraisal, urls_leave, urls_programs, urls_secondments, urls_work

app_name = "cadres"

urlpatterns = [
    *urls_programs.urlpatterns,
    *urls_secondments.urlpatterns,
    *urls_work.urlpatterns,
    *urls_leave.urlpatterns,
    *urls_appraisal.urlpatterns,
]
