"""factory-boy factories for records and tickets."""

import factory
from factory.django import DjangoModelFactory

from ..models import Record, Ticket


class RecordFactory(DjangoModelFactory):
    """A record saved the usual way, so it has its ticket."""

    class Meta:
        model = Record

    title = factory.Faker("sentence", nb_words=4)
    description = factory.Faker("paragraph")


class BulkLoadedRecordFactory(RecordFactory):
    """A record as bulk_create and import_records leave it: saved, without a ticket."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        manager = cls._get_manager(model_class)
        (record,) = manager.bulk_create([model_class(*args, **kwargs)])
        return record


class TicketFactory(DjangoModelFactory):
{%- if cookiecutter.numbering == "sequence" and cookiecutter.ticket_scope == "global" %}
    """A ticket for a bulk-loaded record, numbered by the database's sequence."""

    class Meta:
        model = Ticket

    record = factory.SubFactory(BulkLoadedRecordFactory)
{%- else %}
    """A ticket for a bulk-loaded record, issued the way the app issues one."""

    class Meta:
        model = Ticket

    record = factory.SubFactory(BulkLoadedRecordFactory)

    @classmethod
    def _create(cls, model_class, record):
        return cls._get_manager(model_class).issue_for(record)
{%- endif %}
