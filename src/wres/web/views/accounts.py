"""Passwords: a signed-in user changes their own; an administrator sends a reset link (the admin's user
list), which sets a new one. Every change and every link sent is in the audit log.

There is no public "forgot your password" page: accounts are given out by programme leads and the national
team, who know their people and can send a link from the admin after checking who is asking. A public page
would let anyone have mail sent to any address and, by timing, learn which addresses have accounts.
Django's views do the work (tokens that work once and expire, the session hash that signs out every other
session when a password changes); these classes add the GOV.UK pages and the audit.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as reset_lockout
from crispy_forms_gds.layout import Field
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wres.web.access import audit
from wres.web.forms import SignInForm, form_helper
from wres.web.models import Profile

NEW_PASSWORD_HINT = " ".join(password_validation.password_validators_help_texts())


def _authority(user: AbstractBaseUser) -> Any:
    try:
        return user.profile.authority  # type: ignore[attr-defined]
    except Profile.DoesNotExist:
        return None


class _NewPassword:
    """The new-password boxes as GOV.UK asks: plain labels, the rules as hint text, errors that say what to do."""

    def _style(self, *fields: Any, button: str) -> None:
        self.fields["new_password1"].label = "New password"  # type: ignore[attr-defined]
        self.fields["new_password1"].help_text = NEW_PASSWORD_HINT  # type: ignore[attr-defined]
        self.fields["new_password2"].label = "Type the new password again"  # type: ignore[attr-defined]
        self.fields["new_password2"].help_text = ""  # type: ignore[attr-defined]
        self.error_messages["password_mismatch"] = "The two new passwords are different: type the same password in both boxes"  # type: ignore[attr-defined]
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = "Enter the new password" if name == "new_password1" else "Type the new password again"  # type: ignore[attr-defined]
        self.helper = form_helper(*(Field.text(f, field_width=20) for f in fields), button=button)


class ChangePasswordForm(_NewPassword, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages["password_incorrect"] = "Your current password is not right: enter the password you signed in with"
        self._style("old_password", "new_password1", "new_password2", button="Change password")


class NewPasswordForm(_NewPassword, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style("new_password1", "new_password2", button="Set password")


class PasswordChange(auth.PasswordChangeView):
    """Django's view (it keeps this session and ends the user's others), with the GOV.UK page and the audit."""

    form_class = ChangePasswordForm
    template_name = "web/registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit(self.request, "password changed", form.user.get_username(), authority=_authority(form.user))
        messages.success(self.request, "Your password has been changed. Anywhere else you were signed in, you have been signed out.")
        return response


class PasswordResetConfirm(auth.PasswordResetConfirmView):
    """The page a reset link opens: a new password, once; an expired or used link says what to do."""

    form_class = NewPasswordForm
    template_name = "web/registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        reset_lockout(username=form.user.get_username())  # a lock from wrong guesses at the old one ends with it
        audit(self.request, "password reset", form.user.get_username(), authority=_authority(form.user), actor=form.user)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "web/registration/password_reset_complete.html")


def send_reset_link(request: HttpRequest, user: AbstractBaseUser) -> None:
    """E-mail `user` a link to set a new password (Django's token: it works once, for PASSWORD_RESET_TIMEOUT,
    and no more once the password or the last sign-in changes), and audit it. The link names this site as the
    administrator reached it (ALLOWED_HOSTS bounds which names those can be)."""
    email = user.email  # type: ignore[attr-defined]
    path = reverse("password-reset-confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)])
    context = {"user": user, "link": request.build_absolute_uri(path), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    PasswordResetForm().send_mail("web/registration/reset_email_subject.txt", "web/registration/reset_email.txt", context,
                                  settings.DEFAULT_FROM_EMAIL, email)
    audit(request, "password reset link sent", user.get_username(), authority=_authority(user), to=email)


class SignIn(auth.LoginView):
    """Django's sign-in, on a page that states when a session ends."""

    template_name = "web/registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "idle_minutes": settings.SESSION_IDLE_MINUTES,
                "absolute_hours": settings.SESSION_ABSOLUTE_HOURS}
