"""spillover: evidence-backed assessments of armed groups from public conflict-event data."""

__version__ = "0.1.0"
