"""Routes that take the place of some of `django.contrib.auth.urls`: the project includes
this before Django's under `accounts/`, so the first match wins."""

from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.urls import path

from athletes.forms import ConfirmedAddressPasswordResetForm
from coach_platform.throttles import AddressRateThrottle

# Reset requests per client address (the form mails, and is open to anyone).
RESET_RATE = "10/hour"


class PasswordReset(PasswordResetView):
    form_class = ConfirmedAddressPasswordResetForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not AddressRateThrottle("password-reset", RESET_RATE).allow_request(request, None):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, "Too many requests from here: try again in an hour.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


urlpatterns = [
    path(
        "password_reset/",
        PasswordReset.as_view(),
        name="password_reset",
    ),
]
