"""Asking for a password-reset link, throttled, with the e-mail sent away from the request."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponse, HttpResponseRedirect

from accounts.services import password_reset_request
from balitrack.lib.client_address import client_address


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset form. Whatever happens to the request (an e-mail on its way, no account
    with that address, or a throttle refusing it), the visitor is sent to the same "check your
    e-mail" page."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        password_reset_request(email=form.cleaned_data["email"], address=client_address(self.request))
        return HttpResponseRedirect(self.get_success_url())
