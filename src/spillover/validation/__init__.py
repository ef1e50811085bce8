"""Validation: a casebook of documented facts about armed groups, checked against the analyses.

    from spillover.validation import load_casebook, validate
    result = validate(store, load_casebook())      # or load_casebook("my_casebook.yaml")
    result.agreement, result.to_dict()

The command-line form is ``spillover validate`` (:func:`spillover.cli.report.validate`).
"""

from __future__ import annotations

from spillover.validation.casebook import Casebook, CasebookError, Fact, load_casebook
from spillover.validation.run import FactResult, ValidationResult, validate

__all__ = ["Casebook", "CasebookError", "Fact", "FactResult", "ValidationResult", "load_casebook", "validate"]
