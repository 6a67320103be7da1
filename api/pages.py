"""The user's own page of keys: API tokens to make, name and revoke, and their calendar address."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api.calendar import feed_for
from api.forms import KeyNameForm
from api.keys import IssuedKey, issue_key, key_for_secret, revoke_key
from api.models import AccessKey

# A user with more keys than this revokes one before making another: the page stays short.
MOST_ACTIVE_TOKENS = 20


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    """GET lists the keys; POST makes one (shown on the answer, once) or revokes one."""
    user: User = request.user  # type: ignore[assignment]
    form = KeyNameForm()
    issued: IssuedKey | None = None
    status = 200
    if request.method == "POST":
        if "revoke" in request.POST:
            revoked = revoke_key(user=user, pk=_int(request.POST["revoke"]))
            return redirect(reverse("api:keys") + ("?revoked=1" if revoked else ""))
        if "calendar" in request.POST:
            issued = issue_key(user=user, kind=AccessKey.Kind.CALENDAR_FEED, name="Calendar feed")
        else:
            form = KeyNameForm(request.POST)
            if form.is_valid() and _active_tokens(user) >= MOST_ACTIVE_TOKENS:
                form.add_error(None, f"You have {MOST_ACTIVE_TOKENS} tokens: revoke one you no longer use first.")
            if form.is_valid():
                try:
                    issued = issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name=form.cleaned_data["name"])
                    form = KeyNameForm()
                except ValidationError as error:
                    form.add_error("name", error.messages)
            if not form.is_valid() and form.is_bound:
                status = 400
    listed = AccessKey.objects.filter(user=user).order_by("revoked_at", "-created_at")[:100]
    feed_url = None
    if issued and issued.key.kind == AccessKey.Kind.CALENDAR_FEED:
        feed_url = request.build_absolute_uri(reverse("api:calendar", args=[issued.secret]))
    context = {
        "form": form,
        "issued": issued,
        "feed_url": feed_url,
        "tokens": [key for key in listed if key.kind == AccessKey.Kind.API_TOKEN],
        "feed": next((k for k in listed if k.kind == AccessKey.Kind.CALENDAR_FEED and k.is_active), None),
        "revoked": request.GET.get("revoked") == "1",
        "docs_url": reverse("api:docs"),
    }
    return render(request, "api/keys.html", context, status=status)


# A calendar program has no session: the secret address is its sign-in.
@login_not_required
@require_GET
def calendar(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed at its secret address; a revoked or unknown one is not found (and logged)."""
    key = key_for_secret(secret, AccessKey.Kind.CALENDAR_FEED)
    if key is None:
        raise Http404("No calendar has this address: it was revoked or mistyped.")
    response = HttpResponse(feed_for(key.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="balitrack.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _active_tokens(user: User) -> int:
    return AccessKey.objects.active().filter(user=user, kind=AccessKey.Kind.API_TOKEN).count()


def _int(value: str) -> int:
    return int(value) if value.isdecimal() and len(value) < 12 else 0
