from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.records"
    label = "records"
