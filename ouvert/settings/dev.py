"""Embedded default: SQLite in the data dir, console e-mail, worker inside ``ouvert serve``.

DEBUG stays off unless asked for (``DEBUG=true``, or ``ouvert serve --debug``): this profile is
also what a small deployment runs, and DEBUG pages show settings and code to anyone."""

from .base import *  # noqa: F403
