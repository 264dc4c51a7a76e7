"""The service navigation on every signed-in page: the items a role has, the section highlighted, and
aria-current ("page" on the item's own page, "true" elsewhere in its section), as GOV.UK's service
navigation marks them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<li class="govuk-service-navigation__item( govuk-service-navigation__item--active)?">'
    r'<a class="govuk-service-navigation__link" href="([^"]+)"(?: aria-current="(page|true)")?>([^<]+)</a></li>'
)


def navigation(client: Client, path: str) -> list[tuple[str, str, bool, str | None]]:
    """(label, href, highlighted, aria-current) of each navigation link on the page, in order."""
    response = client.get(path)
    assert response.status_code == 200, path
    return [(label, href, bool(active), current or None) for active, href, current, label in ITEM.findall(response.content.decode())]


MEMBER = ["Dashboard", "Submit a return", "Submissions", "Action plan", "Governance", "Staff survey", "Change password"]


def test_an_analyst_has_every_item_and_their_page_is_current(users: dict[str, User]) -> None:
    nav = navigation(client_for(users["analyst_A"]), "/plan/")
    assert [label for label, *_ in nav] == MEMBER
    assert [(label, active, current) for label, _, active, current in nav if active or current] == [("Action plan", True, "page")]
    assert dict((label, href) for label, href, *_ in nav)["Submit a return"] == "/submit/"


def test_a_page_deeper_in_a_section_highlights_it_as_current_but_not_as_the_page(users: dict[str, User]) -> None:
    nav = navigation(client_for(users["analyst_A"]), "/plan/new/")
    assert [(label, active, current) for label, _, active, current in nav if active or current] == [("Action plan", True, "true")]


def test_a_role_that_may_not_submit_has_no_submit_item(users: dict[str, User]) -> None:
    for who in ("viewer_A", "network_A"):
        nav = navigation(client_for(users[who]), "/dashboard/")
        assert [label for label, *_ in nav] == [m for m in MEMBER if m != "Submit a return"], who
        assert [(label, current) for label, _, _, current in nav if current] == [("Dashboard", "page")]


def test_the_national_programme_has_its_own_items(users: dict[str, User]) -> None:
    c = client_for(users["national"])
    nav = navigation(c, "/national/")
    assert [(label, href) for label, href, *_ in nav] == [("Submissions", "/national/"), ("National report", "/national/report/"),
                                                          ("Change password", "/accounts/password/")]
    assert [(label, active, current) for label, _, active, current in nav if active or current] == [("Submissions", True, "page")]
    # the report's page is under /national/: its own item is the page, and the section's first item stays highlighted
    nav = navigation(c, "/national/report/")
    assert [(label, active, current) for label, _, active, current in nav if active or current] == [
        ("Submissions", True, "true"), ("National report", False, "page")]


def test_an_account_without_a_profile_has_only_its_password(db: None) -> None:
    admin = User.objects.create_superuser("admin-nav", password="a-long-password-2026")
    nav = navigation(client_for(admin), "/accounts/password/")
    assert nav == [("Change password", "/accounts/password/", False, "page")]  # its section is /accounts/


def test_no_navigation_before_signing_in(db: None) -> None:
    assert navigation(Client(), "/accounts/login/") == []
