"""docs/constraints.md keeps up with the code it describes."""

import re

from django.conf import settings

from ..models import Slot

DOC = settings.BASE_DIR / "docs" / "constraints.md"
PACKAGE = settings.BASE_DIR / __name__.partition(".")[0]


def test_the_doc_names_every_constraint_slot_declares():
    text = DOC.read_text()

    # Named inline (`name`) or in a code block as written in models.py (name="name").
    missing = [
        constraint.name
        for constraint in Slot._meta.constraints
        if f"`{constraint.name}`" not in text and f'name="{constraint.name}"' not in text
    ]
    assert missing == []


def test_every_test_file_the_doc_names_exists():
    named = set(re.findall(r"`((?:\w+/)+test_\w+\.py)`", DOC.read_text()))

    assert named  # the doc's "Testing it" section lists them
    assert sorted(path for path in named if not (PACKAGE / path).is_file()) == []
