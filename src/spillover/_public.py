"""The names of the Python API: ``spillover.<name>`` (the package's face, loaded on first use) is
``spillover.api.<name>``; one list for both."""

NAMES = (
    "GroupSelection",
    "assess",
    "autonomy",
    "check",
    "expansion",
    "open_store",
    "opportunism",
    "profile",
    "select",
    "tactics",
    "theatres",
)
