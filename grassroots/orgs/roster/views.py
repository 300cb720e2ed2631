from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def template_download(request):
    return HttpResponse(status=501)


@login_required
def import_upload(request):
    return HttpResponse(status=501)


@login_required
def export_people(request):
    return HttpResponse(status=501)
