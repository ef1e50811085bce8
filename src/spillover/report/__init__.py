"""Assessments: one call (or ``spillover assess GROUP``) writes an analyst's report from the event store,
and ``spillover check`` tests a written assessment's factual claims against the data.

* :func:`assess` — every analysis, key judgments in ICD 203 language, competing hypotheses, a
  self-contained HTML report, its PDF and a JSON companion;
* :func:`check_claims` — extract the checkable claims of a text and judge each against the store.
"""

from typing import TYPE_CHECKING

from spillover._lazy import function_over_submodule, lazy_attributes

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

function_over_submodule(__name__, "assess")  # the function, as it always was
