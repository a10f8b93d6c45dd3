"""The admin lists and adds teams, day parts and slots."""

import pytest

from ..models import Slot
from .factories import DayPartFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["team", "daypart", "slot"])
def test_changelist_and_add_form_render(admin_client, model):
    SlotFactory(day_part=DayPartFactory())
    SlotFactory(day_part=None)

    for page in ("", "add/"):
        response = admin_client.get(f"/admin/scheduling/{model}/{page}")
        assert response.status_code == 200, page


def test_admin_adds_a_slot(admin_client):
    existing = SlotFactory(level=1)

    response = admin_client.post(
        "/admin/scheduling/slot/add/",
        {"team": existing.team_id, "day_part": "", "level": 2, "label": "Backup"},
    )

    assert response.status_code == 302
    assert Slot.objects.get(label="Backup").level == 2
