"""Routes that take the place of some of `django.contrib.auth.urls`: the project includes
this before Django's under `accounts/`, so the first match wins."""

from django.contrib.auth.views import PasswordResetView
from django.urls import path

from athletes.forms import ConfirmedAddressPasswordResetForm

urlpatterns = [
    path(
        "password_reset/",
        PasswordResetView.as_view(form_class=ConfirmedAddressPasswordResetForm),
        name="password_reset",
    ),
]
