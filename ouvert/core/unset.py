"""``UNSET``: the default of an optional keyword of a partial update, meaning "leave as it is"
(``None`` or ``""`` may be real values to write)."""

from __future__ import annotations

import enum
from typing import Final


class Unset(enum.Enum):
    UNSET = "unset"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset.UNSET


def given(**values: object) -> dict[str, object]:
    """The keywords that were passed (not ``UNSET``), as a dict of field → value."""
    return {name: value for name, value in values.items() if value is not UNSET}
