"""Assessments: one call (or ``spillover assess GROUP``) writes an analyst's report from the event store,
and ``spillover check`` tests a written assessment's factual claims against the data.

* :func:`assess` — every analysis, key judgments in ICD 203 language, competing hypotheses, a
  self-contained HTML report, its PDF and a JSON companion;
* :func:`check_claims` — extract the checkable claims of a text and judge each against the store.
"""

import sys
import types
from typing import TYPE_CHECKING, Any

from spillover._lazy import lazy_attributes

if TYPE_CHECKING:
    from spillover.claims import check_claims
    from spillover.report.analyses import Parameters, Results, run_analyses
    from spillover.report.assess import Assessment, assess
    from spillover.report.judgments import KeyJudgment, Likelihood, confidence_level, estimative_term

__all__ = [
    "Assessment",
    "KeyJudgment",
    "Likelihood",
    "Parameters",
    "Results",
    "assess",
    "check_claims",
    "confidence_level",
    "estimative_term",
    "run_analyses",
]

#: where each name lives, imported on first use (PEP 562): importing one module of the package must not
#: load the analyses, scipy and altair
_LAZY = {
    "Parameters": "spillover.report.analyses",
    "Results": "spillover.report.analyses",
    "run_analyses": "spillover.report.analyses",
    "Assessment": "spillover.report.assess",
    "assess": "spillover.report.assess",
    "KeyJudgment": "spillover.report.judgments",
    "Likelihood": "spillover.report.judgments",
    "confidence_level": "spillover.report.judgments",
    "estimative_term": "spillover.report.judgments",
    "check_claims": "spillover.claims",
    "ClaimVerdict": "spillover.claims",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


class _Package(types.ModuleType):
    """``spillover.report.assess`` is the function, as it always was: importing the submodule of that name
    sets the package's attribute to the module, so the function is put there instead."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "assess" and isinstance(value, types.ModuleType):
            value = value.assess
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
