"""Who does a write: a person, or an explicit system actor naming the background work.

Every service takes ``by: Actor``. A :class:`~ouvert.core.models.User` (signed in or anonymous) is
checked by the service's permission rules; a :class:`SystemActor` is trusted work that no person
asked for at that moment (a scheduled harvest, an ingestion task, the demo loader, a management
command) and says which, so the audit log reads ``system:harvest`` rather than a blank.

``by=None`` is never "the system": where a service still accepts ``None`` it means anonymous, and a
write that needs a permission refuses it. Only code that runs without a person behind it (tasks,
schedules, ``ouvert`` commands, demo hooks) passes one of the actors below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from .models import User


@dataclass(frozen=True, slots=True)
class SystemActor:
    """Background work acting on its own authority; ``name`` says which (``"harvest"``, ``"ingest"``…)."""

    name: str

    # Read like an anonymous user by code that only asks "is this a signed-in person?"
    is_authenticated = False
    is_anonymous = False
    pk = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"a system actor needs a short name (letters, digits, - or _), not {self.name!r}")

    @property
    def label(self) -> str:
        """How the audit log names it: ``system:<name>``."""
        return f"system:{self.name}"

    def __str__(self) -> str:
        return self.label


Actor: TypeAlias = "User | SystemActor"

HARVEST = SystemActor("harvest")
"""Scheduled and command-line harvest runs (``ouvert harvest``, the scheduler)."""
INGEST = SystemActor("ingest")
"""Background loading of uploaded files (map layers from a stored file, datastore tables they feed)."""
DEMO = SystemActor("demo")
"""``ouvert demo`` and the apps' ``demo_load`` hooks."""
COMMAND = SystemActor("command")
"""Operator commands (``ouvert createadmin``…): the person is whoever holds the server's shell."""
QUALITY = SystemActor("quality")
"""Recomputed quality and reference-dataset status (no person decides it)."""
MODERATION = SystemActor("moderation")
"""Automatic moderation (an item hidden after enough reports)."""
SCHEDULE = SystemActor("schedule")
"""Events of the calendar (a consultation opening at its date) and the notice machinery itself (a
webhook disabled after repeated failures)."""


def is_system(actor: object) -> TypeIs[SystemActor]:
    """True for a :class:`SystemActor` only (never for ``None`` or an anonymous user)."""
    return isinstance(actor, SystemActor)


def actor_label(actor: object) -> str:
    """The audit log's name for ``actor``: the person's e-mail, ``system:<name>``, or ``anonyme``."""
    if is_system(actor):
        return actor.label
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.email)  # type: ignore[attr-defined]
    return "anonyme"
SYNTHETIC = SystemActor("synthetic")
"""``ouvert synthetic-check``: the probe that publishes a test dataset and removes it."""
