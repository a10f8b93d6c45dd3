import factory

from ..models import DayPart, Slot, Team


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class DayPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayPart

    name = factory.Sequence(lambda n: f"Day part {n}")
    position = factory.Sequence(lambda n: n)


class SlotFactory(factory.django.DjangoModelFactory):
    """A whole-day slot (no day part) of a new team, unless told otherwise."""

    class Meta:
        model = Slot

    team = factory.SubFactory(TeamFactory)
    day_part = None
    level = factory.Sequence(lambda n: n + 1)
