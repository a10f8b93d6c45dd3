"""Django's debug 500 page does not show passwords from DATABASE_URL or other URLs."""

import sys

import pytest
from django.views.debug import SafeExceptionReporterFilter, technical_500_response

PASSWORD = "s3cret-Pa55word"
DATABASE_URL = f"postgres://app:{PASSWORD}@db.example.com:5432/app"
CACHE_URL = f"redis://cache:{PASSWORD}@cache.example.com:6379/0"


def debug_page(rf, **meta):
    """The HTML of Django's technical 500 page for a request whose META holds `meta`.

    The development server copies every environment variable into request.META,
    so DATABASE_URL shows up there exactly like this.
    """
    request = rf.get("/boom/", HTTP_ACCEPT="text/html")
    request.META.update(meta)
    return render_500(request)


def render_500(request):
    # The page also lists each frame's local variables; this frame holds only
    # the request, so whatever shows a secret comes from META or the settings.
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = technical_500_response(request, *sys.exc_info())
    assert response.status_code == 500
    return response.content.decode()


def test_database_url_is_hidden(rf):
    page = debug_page(rf, DATABASE_URL=DATABASE_URL)

    assert "DATABASE_URL" in page
    assert "RuntimeError" in page
    assert PASSWORD not in page


def test_a_password_in_any_url_is_hidden_but_the_rest_is_shown(rf, settings):
    settings.CACHE_LOCATION = CACHE_URL

    page = debug_page(rf, REDIS_URL=CACHE_URL)

    assert PASSWORD not in page
    # Both the request value and the setting keep everything but the password.
    assert page.count("redis://cache:********************@cache.example.com:6379/0") == 2


def test_a_password_containing_at_signs_is_hidden_whole(rf):
    page = debug_page(rf, MIRROR_URL="https://user:p@ss@w0rd@mirror.example.com/simple")

    assert "p@ss@w0rd" not in page
    assert "w0rd" not in page
    assert "https://user:********************@mirror.example.com/simple" in page


@pytest.mark.parametrize("value", ["https://mirror.example.com/simple", "user@example.com"])
def test_values_without_a_password_are_left_alone(rf, value):
    assert value in debug_page(rf, PLAIN_VALUE=value)


def test_control_djangos_own_filter_shows_the_password(rf):
    # The page really shows these values: with Django's filter alone they leak.
    request = rf.get("/boom/", HTTP_ACCEPT="text/html")
    request.META["DATABASE_URL"] = DATABASE_URL
    request.exception_reporter_filter = SafeExceptionReporterFilter()

    assert DATABASE_URL in render_500(request)
