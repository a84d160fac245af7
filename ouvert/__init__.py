"""Ouvert: one platform for open government (data, consultations, micro-acquisitions,
open access, action plans)."""

__version__ = "0.1.0"
