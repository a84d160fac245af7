"""Embedded default: SQLite in the data dir, console e-mail, worker inside ``ouvert serve``."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
