"""What Django's error reports (the debug 500 page, error e-mails) may show.

Django's SafeExceptionReporterFilter already replaces settings and request
values whose names look secret (KEY, PASS, TOKEN, ...) with stars. Two gaps
matter here: DATABASE_URL, whose name looks harmless but whose value carries
the database password (the development server copies every environment
variable into request.META), and any other URL with a password in it.
https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/error-reporting/#filtering-error-reports
"""

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host -> the password part, up to the last "@" before the host.
PASSWORD_IN_URL = re.compile(r"(?P<start>\b[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^\s/?#]*@", re.I)


class SecretHidingFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        rf"{SafeExceptionReporterFilter.hidden_settings.pattern}|DATABASE_URL", re.I
    )

    def cleanse_setting(self, key, value):
        """Django's cleansing, then any password left inside a URL replaced with stars."""
        value = super().cleanse_setting(key, value)
        if isinstance(value, str):
            return PASSWORD_IN_URL.sub(rf"\g<start>{self.cleansed_substitute}@", value)
        return value
