"""The sign-in form."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from access.login_throttle import USERNAME_MAX, login_refused


class LoginForm(AuthenticationForm):
    """Django's, with the username's length enforced: AuthenticationForm sets the field's
    max_length after the field is built, which draws the HTML limit but validates nothing, so a
    300-character username went on to the lockout table's varchar(255) and a 500."""

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX:
            login_refused(self.request, username)
            raise ValidationError(
                f"is {len(username)} characters long; a username has at most {USERNAME_MAX}",
                code="max_length",
            )
        return username
