"""Assessments: one call (or ``spillover assess GROUP``) writes an analyst's report from the event store,
and ``spillover check`` tests a written assessment's factual claims against the data.

* :func:`assess` — every analysis, key judgments in ICD 203 language, competing hypotheses, a
  self-contained HTML report, its PDF and a JSON companion;
* :func:`check_claims` — extract the checkable claims of a text and judge each against the store.
"""

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


def __getattr__(name: str):  # noqa: ANN202 - lazy import keeps dateparser out of `import spillover.report`
    if name in ("check_claims", "ClaimVerdict"):
        import spillover.claims

        return getattr(spillover.claims, name)
    raise AttributeError(name)
