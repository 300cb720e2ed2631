from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grassroots.accounts import selectors


@login_required
def token_list(request):
    return render(request, "accounts/tokens.html", {"tokens": selectors.tokens_of(request.user)})
