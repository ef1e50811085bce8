"""One call writes an analyst's report: :func:`assess`.

It runs every analysis once (:mod:`spillover.report.analyses`), weighs the competing hypotheses
(:mod:`spillover.report.ach`), generates the key judgments (:mod:`spillover.report.key_judgments`), and
writes into ``out_dir``:

* ``<group>-assessment.html`` — self-contained (inline CSS and SVG, no script, opens offline);
* ``<group>-assessment.pdf`` — the same document printed by WeasyPrint: narrative, figures (PNG), tables
  cut to their first rows, and a summary of the evidence that links the HTML and the CSV annex;
* ``<group>-assessment-evidence.csv`` — the evidence annex: one row per key judgment and event;
* ``<group>-assessment.json`` — the key judgments with every number and every evidence event id, the
  hypothesis matrices and the parameters, for machines and for checking.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spillover._alloc import collector_paused
from spillover._lazy import lazy_module
from spillover.fusion.files import files_behind
from spillover.palette import source_name
from spillover.report import sections
from spillover.report import sections_appraisal as appraisal
from spillover.report.ach import Matrix, matrices
from spillover.report.analyses import Parameters, Results, run_analyses, view_sentence
from spillover.report.annex import evidence_frame, report_stem, write_evidence_csv
from spillover.report.judgments import (
    CONFIDENCE_LEVELS,
    ENTRIES,
    EVENTS,
    MODELS,
    PERIODS,
    WHY_NO_DIFFERENCE,
    KeyJudgment,
)
from spillover.report.key_judgments import bottom_line, key_judgments
from spillover.report.render import render_html, table, write_pdf
from spillover.store import Store

charts = lazy_module("spillover.report.charts")  # altair and vl-convert load when a figure is drawn

if TYPE_CHECKING:
    from spillover.claims import CheckResult

#: Section ids of the report, in order (also the anchors of the HTML).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("key-judgments", "Key judgments"),
    ("competing-hypotheses", "Competing hypotheses"),
    ("origins", "Origins and lineage"),
    ("activity", "Activity and tactics"),
    ("expansion", "Expansion"),
    ("targets", "Targets and Western interests"),
    ("financing", "Financing and hostages"),
    ("autonomy", "Autonomy from the parent"),
    ("fragmentation", "Fragmentation"),
    ("response", "Response"),
    ("outlook", "Outlook"),
    ("methods", "Methods and data annex"),
    ("evidence", "Evidence"),
)
FORMATS: tuple[str, ...] = ("html", "pdf")


@dataclass
class Assessment:
    """What :func:`assess` produced: the files, the judgments and everything behind them."""

    group_id: str
    name: str
    out_dir: Path
    html: Path | None
    pdf: Path | None
    json: Path
    evidence_csv: Path | None
    run: dict[str, Any]
    key_judgments: list[KeyJudgment]
    matrices: list[Matrix]
    sections: list[str]
    params: Parameters
    results: Results = field(repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    figure_failures: list[str] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.html, self.pdf, self.json, self.evidence_csv) if p is not None]

    def judgment(self, key: str) -> KeyJudgment:
        return next(j for j in self.key_judgments if j.key == key)

    def to_dict(self) -> dict[str, Any]:
        """The assessment as its JSON companion holds it (plain JSON types): ``assess --format json``."""
        return json.loads(json.dumps(document(self), default=_json_default, ensure_ascii=False))

    def to_frame(self) -> pd.DataFrame:
        """The key judgments, one row each (topic, likelihood, confidence, sentence): ``assess --format csv``."""
        rows = [
            {
                "key": j.key, "topic": j.topic, "status": j.status,
                "likelihood": j.likelihood.term if j.likelihood else None,
                "band": j.likelihood.band if j.likelihood else None,
                "probability": j.likelihood.probability if j.likelihood else None,
                "confidence": j.confidence, "sentence": j.sentence, "section": j.section,
            }
            for j in self.key_judgments
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=JUDGMENT_COLUMNS)


@contextlib.contextmanager
def progress_steps(show: bool | None, total: int) -> Iterator[Callable[[str], None]]:
    """A ``step(message)`` callable showing the assessment's progress on stderr: a rich progress bar on a
    terminal, one plain line per step when stderr is a pipe or a file (``show`` None: on a terminal only)."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield lambda _msg: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        started = time.perf_counter()
        yield lambda message: console.print(
            f"[{time.perf_counter() - started:4.0f} s] {message}", markup=False
        )
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:  # fmt: skip
        task = bar.add_task("assessing", total=total)
        first = [True]

        def step(message: str) -> None:
            if not first[0]:
                bar.advance(task)
            first[0] = False
            bar.update(task, description=message)

        yield step
        bar.update(task, completed=total, description="done")


def _open(store: Store | str | os.PathLike[str] | None) -> tuple[Store, bool]:
    if isinstance(store, Store):
        return store, False
    from spillover.config import default_store_path

    return Store(store if store is not None else default_store_path(), read_only=True), True


def assess(
    store: Store | str | os.PathLike[str] | None,
    group: str,
    parent: str | None = None,
    since: str | None = None,
    until: str | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    *,
    formats: Sequence[str] = FORMATS,
    params: Parameters | None = None,
    claims_file: str | os.PathLike[str] | None = None,
    show_progress: bool | None = None,
) -> Assessment:
    """Assess ``group`` from the store and write the report (HTML, PDF, JSON) into ``out_dir``.

    ``store`` is an open :class:`Store` or the path of one (opened read-only).  ``parent`` defaults to the
    organisation the registry says the group is affiliated or pledged to.  ``since``/``until`` bound the
    events (ISO dates).  ``formats`` chooses HTML and/or PDF (the PDF is printed from the HTML).
    ``claims_file`` adds a section checking a written assessment's factual claims against the data.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}; choose from {FORMATS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db, opened = _open(store)
    timings: dict[str, float] = {}
    try:
        with progress_steps(show_progress, total=10 + len(formats)) as step:
            started = time.perf_counter()
            # the analyses and figures allocate millions of objects that mostly live until the report is
            # written: the cyclic collector walking them again and again cost ~10% of a first run
            with collector_paused():
                results, ach, judgments, kept_as = analysed(db, group, parent, since, until, params, step)
            timings.update(results.timings)
            claims = []
            if claims_file is not None:
                step("checking the claims of the written assessment")
                from spillover.claims import check_claims, read_claims_text

                claims = check_claims(read_claims_text(claims_file), db, results.selection.group_id)
            step("drawing figures")
            clock = time.perf_counter()
            run = {"since": since, "until": until, "parent": parent}
            stem = report_stem(results.selection.group_id, run, results.params, Parameters())
            token = sections.FIGURES_KEY.set(kept_as)
            try:
                with collector_paused():
                    context = build_context(results, judgments, ach, db, claims)
            finally:
                sections.FIGURES_KEY.reset(token)
            context["evidence_csv"] = f"{stem}-evidence.csv"
            context["html_name"] = f"{stem}.html" if "html" in formats else None
            timings["figures"] = time.perf_counter() - clock
            html_path = pdf_path = None
            step("rendering HTML")
            clock = time.perf_counter()
            if "html" in formats:
                html_path = out / f"{stem}.html"
                html_path.write_text(render_html(context), encoding="utf-8")
            timings["html"] = time.perf_counter() - clock
            if "pdf" in formats:
                step("printing the PDF")
                clock = time.perf_counter()
                pdf_path = write_pdf(render_html(context, printed=True), out / f"{stem}.pdf")
                timings["pdf"] = time.perf_counter() - clock
            timings["total"] = time.perf_counter() - started
            assessment = Assessment(
                group_id=results.selection.group_id, name=results.selection.name, out_dir=out, html=html_path, pdf=pdf_path,
                json=out / f"{stem}.json", evidence_csv=write_evidence_csv(
                    evidence_frame(appraisal.evidence_events(results), judgments), out / f"{stem}-evidence.csv"),
                run=run, key_judgments=judgments, matrices=list(ach), sections=[s for s, _ in context["toc_all"]],
                params=results.params, results=results, timings=timings, figure_failures=context["failures"], claims=claims,
            )  # fmt: skip
            write_json(assessment, assessment.json)
    finally:
        if opened:
            db.close()
    return assessment


def analysed(
    db: Store,
    group: str,
    parent: str | None,
    since: str | None,
    until: str | None,
    params: Parameters | None,
    step: Callable[[str], None],
) -> tuple[Results, list[Matrix], list[KeyJudgment], tuple | None]:
    """Every analysis, the competing hypotheses and the key judgments of an assessment, and the key they
    are kept under (None when they are not: a registry not loaded from files).

    Kept between runs (:mod:`spillover.memo`), keyed by the store's content, the arguments, the registry's
    and the data folder's files and the package's source: an assessment asked again of an unchanged store
    is read back, not recomputed (its timings then say so)."""
    from spillover.actors import default_registry
    from spillover.actors.registry import registry_inputs
    from spillover.config import local_data_dir
    from spillover.memo import folder_fingerprint, kept, reattach, store_content

    def compute() -> tuple[Results, list[Matrix], list[KeyJudgment]]:
        results = run_analyses(db, group, parent=parent, since=since, until=until, params=params, step=step)
        step("weighing competing hypotheses and writing key judgments")
        ach = matrices(results)
        return results, ach, key_judgments(results, *ach)

    built_from = registry_inputs(default_registry())
    if built_from is None:
        return (*compute(), None)
    started = time.perf_counter()
    key = (store_content(db), group, parent, since, until, repr(params or Parameters()), built_from,
           folder_fingerprint(local_data_dir()))  # fmt: skip
    computed: list[bool] = []
    results, ach, judgments = kept("assessment", key, lambda: computed.append(True) or compute())
    if not computed:
        reattach((results, ach, judgments), db)
        results.timings = {"analyses (read back from an earlier run)": time.perf_counter() - started}
    return results, ach, judgments, key


def build_context(
    r: Results,
    judgments: list[KeyJudgment],
    ach: Sequence[Matrix],
    store: Store,
    claims: list[Any],
) -> dict[str, Any]:
    """Everything the template needs."""
    failures: list[str] = []
    sel = r.selection
    ev = r.events
    span = (
        f"{len(ev):,} events, {pd.to_datetime(ev['date_start']).min():%Y-%m-%d} to {pd.to_datetime(ev['date_start']).max():%Y-%m-%d}"
        if len(ev)
        else "no events"
    )
    toc = list(SECTIONS)
    if claims:
        toc.insert(-2, ("claims", "Claims checked"))
    from spillover.fusion.coverage import source_coverage

    source_cov = source_coverage(store)
    context: dict[str, Any] = {
        "title": f"Assessment: {sel.name}",
        "version": _version(),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "span": span,
        "period": f"{sel.since or '…'} to {sel.until or '…'}" if sel.since or sel.until else "",  # as read
        "toc": [{"id": i, "title": t} for i, t in toc],
        "toc_all": toc,
        "bottom_line": bottom_line(r, judgments, *ach),
        "judgments": [sections.judgment_view(j) for j in judgments],
        "scale": sections.scale_table(),
        "matrices": [sections.matrix_view(m) for m in ach],
        "origins": sections.origins(r, failures),
        "activity": sections.activity(r, failures, source_cov),
        "coverage": appraisal.coverage(r, failures, source_cov),
        "expansion": sections.expansion(r, failures, charts.find_basemap()),
        "targets": sections.targets(r),
        "financing": sections.financing(r),
        "autonomy": appraisal.autonomy(r, failures),
        "fragmentation": appraisal.fragmentation(r),
        "response": appraisal.response(r),
        "outlook": appraisal.outlook(r, judgments),
        "methods": methods(r, store),
        "evidence": appraisal.evidence(r, judgments),
        "evidence_limit": sections.EVIDENCE_LIMIT,
        "claims": claims_view(claims) if claims else None,
        "failures": failures,
    }
    if failures:
        context["methods"]["limitations"].extend(f"Figure not drawn — {f}" for f in failures)
    return context


def _version() -> str:
    try:
        return metadata.version("spillover")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def context_files(r: Results) -> pd.DataFrame:
    """The non-event data behind the report: instability datasets, curated files, the basemap."""
    from importlib import resources

    from spillover.instability.registry import DATASET_PATTERNS, find_dataset

    rows = []
    for source in DATASET_PATTERNS:
        path = find_dataset(source)
        if path is not None:
            rows.append(
                {"what": f"instability onsets ({source})", "file": path.name, "sha256": _sha256(path)}
            )
    for package, name, what in (
        ("spillover.instability", "data/onsets.yaml", "curated onsets (interventions, collapses)"),
        ("spillover.actors", "data/registry.yaml", "actor registry"),
        ("spillover.analysis", "data/country_groups.yaml", "country groups (Western)"),
    ):
        ref = resources.files(package).joinpath(name)
        rows.append(
            {
                "what": what,
                "file": f"{package}/{name}",
                "sha256": hashlib.sha256(ref.read_bytes()).hexdigest(),
            }
        )
    basemap = charts.find_basemap()
    if basemap is not None:
        rows.append(
            {
                "what": "Natural Earth countries (map, neighbours)",
                "file": basemap.name,
                "sha256": _sha256(basemap),
            }
        )
    missing = r.onsets.attrs.get("missing_sources", [])
    for source in missing:
        rows.append(
            {
                "what": f"instability onsets ({source})",
                "file": "NOT FOUND — registry incomplete",
                "sha256": "",
            }
        )
    return pd.DataFrame(rows)


def sources_used(r: Results) -> pd.DataFrame:
    """Per analysis: how many events of each source entered it."""
    from spillover.analysis.fragmentation import located
    from spillover.analysis.tactics import primary_tactics

    def counts(frame: pd.DataFrame | None) -> str:
        if frame is None or frame.empty:
            return "none"
        return ", ".join(f"{source_name(s)} {n}" for s, n in frame["source"].value_counts().items())

    ev = r.events
    rows = [
        ("selection (all analyses)", counts(ev)),
        ("tactics (known tactic)", counts(ev[primary_tactics(ev) != "unknown"]) if len(ev) else "none"),
        (
            "expansion and opportunism (dated, with a country)",
            counts(r.expansion.events if r.expansion is not None else None),
        ),
        ("fragmentation (located finer than country)", counts(located(ev)[0]) if len(ev) else "none"),
        (
            "targets (known target nationality)",
            counts(ev[ev["target_nationality"].notna()]) if len(ev) else "none",
        ),
        ("Western interests / kidnapping comparison (other actors)", counts(r.comparison)),
        ("autonomy (parent)", counts(r.parent.events if r.parent is not None else None)),
        (
            "response (files covering both windows)",
            "; ".join(sorted({source_name(s) for _, ba in r.interventions for s in ba.sources})) or "none",
        ),
        (
            "trend (files covering both windows)",
            ", ".join(map(source_name, r.trend.sources)) if r.trend is not None else "none",
        ),
    ]
    return pd.DataFrame(rows, columns=["analysis", "events by source"])


def methods(r: Results, store: Store) -> dict[str, Any]:
    """The methods and data annex."""
    ev = r.events
    per_file = _events_per_file(ev, "group_events")
    parent_file = _events_per_file(r.parent.events if r.parent is not None else None, "parent_events")
    files = r.files.merge(per_file, left_on="file_id", right_index=True, how="left").merge(
        parent_file, left_on="file_id", right_index=True, how="left"
    )
    files[["group_events", "parent_events"]] = files[["group_events", "parent_events"]].fillna(0).astype(int)
    used = files[(files["group_events"] > 0) | (files["parent_events"] > 0)]
    sel = r.selection
    certainty_text = (
        f"Events are attributed through the actor registry: every raw actor name of the store resolved once, the names standing "
        f"for a member of the family kept ({len(sel.names)} names). Only attributions with certainty "
        f"{' or '.join(r.params.certainty)} are used; {r.n_uncertain_left_out} stored report(s) that the sources only suspect "
        "the group of were left out. "
        + view_sentence(sel)
        + " "
        + (
            "Reports of one event (by two datasets, or by two files of one dataset) are linked by spillover.fusion "
            "(overlapping dates, nearby places, compatible actors) and merged: the tolls are reconciled (median of "
            "the sources), the descriptive columns come from one representative report (whose id the "
            "evidence tables give, with every report merged into it), and where file coverage matters an event counts "
            "for every file and source behind it. Comparisons with other actors use the same sources, countries "
            "and years; the other actors' reports are not merged."
            if "event_ids" in ev
            else "An event named by two sources (e.g. GTD and RAND) appears once per source: the sources are not "
            "merged, and every comparison is made within matching sources, countries and years."
        )
    )
    tests = [
        f"Sustained presence: a country is entered at the first of {r.params.min_events} events within {r.params.window_months} months; "
        "the origin country is not an expansion.",
        "Opportunism: the share of entries that follow an exploitable instability onset (coup, war onset or restart, regime "
        "collapse, uprising, loss of territory; an intervention against the group makes the entry retaliation; a war the group "
        f"itself fights is its own conflict) within W months, W = {', '.join(map(str, r.params.windows))} "
        f"(primary {r.params.primary_window}).",
        "Null model 'permute': entry dates shuffled among the entry countries (exact over all orderings when few) — keeps when "
        "and where the group expanded, breaks which date went with which place.",
        "Null model 'uniform': entry dates drawn uniformly within the group's active period, countries kept.",
        "Null model 'neighbours': entry countries drawn from the countries the group was active in and their neighbours "
        f"(within 500 km), dates kept. {r.params.n_draws:,} draws per Monte Carlo test, seed {r.params.seed}; p-values with the +1 correction.",
        f"Event study: the group's monthly events in a country from {r.params.event_study_months} months before to after each "
        "exogenous onset, against the same months in countries the group was active in without an onset in that window.",
        "Tactic shift: the tactic's share among events with a known tactic after vs before the group's identity change "
        "(renaming or merger into it, else its first pledge or affiliation to the parent, else its own first pledge or "
        "affiliation), from files that code the tactic and sources seeing both sides; one-sided Fisher exact p as evidence.",
        "Western interests and kidnapping: the group's share against other actors' events in the same (source, country, year) "
        "cells, with the comparison repeated within each source; one-sided Fisher exact p as evidence.",
        "Response and trend: counts in two equal windows, counting only events from files that cover the country over both "
        "windows; exact conditional binomial p as evidence.",
        "Autonomy: six components of spillover.analysis.autonomy (geography, tactics, targets, synchronisation, leadership, "
        f"self-financing), each needing {r.params.autonomy_min_events} events; a country is the parent's area only with "
        f"{r.params.parent_area_min_events}+ parent events there; peers are the parent's other affiliates with events.",
        f"Theatres: DBSCAN on great-circle distance per year (eps {r.params.eps_km:.0f} km, {r.params.min_samples} events).",
    ]
    language = [
        "Likelihood: ICD 203 bands; a value on a boundary belongs to the band farther from even chance, except 45% and 55% "
        "(roughly even chance); probabilities are clipped to 1–99%.",
        "Each likelihood is the posterior probability that the judgment's proposition is true under a stated model, never "
        "1 − p: the p-values of the classical tests are quoted as evidence only.",
        *MODELS.values(),
        WHY_NO_DIFFERENCE,
        "Cannot assess: a tactic is read only from files that code it (UCDP GED and the GTD subset without attack types leave "
        "the suicide flag unknown); two windows are compared only when the same sources have events of any actor in the "
        "group's countries in both. Judgments about the present hold as of the last date the data cover there.",
        f"Confidence ({'/'.join(CONFIDENCE_LEVELS)}): events — low below {EVENTS.moderate_at}, moderate below {EVENTS.high_at}, "
        f"else high (no judgment below {EVENTS.minimum}); country entries — {ENTRIES.moderate_at}/{ENTRIES.high_at} "
        f"(none below {ENTRIES.minimum}); years — {PERIODS.moderate_at}/{PERIODS.high_at} (none below {PERIODS.minimum}). "
        "A single source caps confidence at moderate; a result that does not survive its sensitivity checks drops one level.",
        "Competing hypotheses: Heuer's rule — the hypothesis with the fewest inconsistent rows prevails; the marking rules are "
        "fixed in advance (spillover.report.ach).",
    ]
    limitations = _limitations(r)
    timings = (
        "Computing time of the analyses: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.timings.items()) + "."
    )
    return {
        "files_text": (
            f"{len(used)} of the store's {len(files)} files hold events of the group or its parent; their sha256 is the file's "
            "identity in the store (spillover data files)."
        ),
        "files": table(
            used,
            {
                "name": "File",
                "source": "Source",
                "layout": "Layout",
                "file_id": "sha256",
                "rows": "Rows",
                "group_events": "Group events",
                "parent_events": "Parent events",
            },
            caption="Event files used",
        ),  # fmt: skip
        "context_files": table(
            context_files(r), {"what": "Data", "file": "File", "sha256": "sha256"}, caption="Context data"
        ),
        "certainty_text": certainty_text,
        "sources_used": table(
            sources_used(r),
            {"analysis": "Analysis", "events by source": "Events by source"},
            caption="Events entering each analysis, by source",
        ),
        "parameters": appraisal.parameters_table(r),
        "tests": tests,
        "language": language,
        "limitations": limitations,
        "timings_text": timings,
    }


def _events_per_file(events: pd.DataFrame | None, name: str) -> pd.Series:
    """Events per file of the store (a merged event counts for every file behind it)."""
    if events is None or events.empty:
        return pd.Series(dtype=int, name=name)
    return files_behind(events).explode().value_counts().rename(name)


def _limitations(r: Results) -> list[str]:
    ev = r.events
    out = []
    if len(ev):
        from spillover.analysis.fragmentation import located
        from spillover.analysis.tactics import primary_tactics

        unknown = int((primary_tactics(ev) == "unknown").sum())
        unlocated = len(ev) - len(located(ev)[0])
        out.append(
            f"{unknown} of {len(ev)} events have no tactic in their source (e.g. the GTD subset without attack types)."
        )
        out.append(f"{unlocated} of {len(ev)} events are located only to the country or not at all (e.g. RAND): they count for "
                   "expansion but not for theatres or the map.")  # fmt: skip
        spans = sections.source_spans(ev)
        out.append("Sources cover different years (" + ", ".join(f"{s} {a}–{b}" for s, (a, b) in spans.iterrows()) +
                   "): trends are only read within files that cover the whole comparison.")  # fmt: skip
    missing = r.onsets.attrs.get("missing_sources", [])
    if missing:
        out.append(
            f"Instability datasets not found ({', '.join(missing)}): the onset registry is incomplete."
        )
    out.append("Event data record violence, not intent, command or money: autonomy and financing are read from traces in the "
               "data and never observed directly.")  # fmt: skip
    return out


def claims_view(claims: CheckResult) -> dict[str, Any]:
    rows = [
        {"claim": c.text, "kind": c.kind, "verdict": c.label, "data": c.data_figure, "explanation": c.explanation,
         "events": c.event_ids}
        for c in claims
    ]  # fmt: skip
    return {
        "summary": f"{len(claims)} checkable claims found: {claims.summary_line()}.",
        "table": table(
            pd.DataFrame(rows),
            {
                "claim": "Claim",
                "kind": "Kind",
                "verdict": "Verdict",
                "data": "The data say",
                "explanation": "How it was checked",
                "events": "Events consulted",
            },
        ),  # fmt: skip
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.ndarray | set | frozenset | tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


#: The columns of :meth:`Assessment.to_frame`.
JUDGMENT_COLUMNS = [
    "key",
    "topic",
    "status",
    "likelihood",
    "band",
    "probability",
    "confidence",
    "sentence",
    "section",
]


def write_json(a: Assessment, path: Path) -> Path:
    """The machine-readable companion of the report."""
    path.write_text(
        json.dumps(document(a), indent=1, default=_json_default, ensure_ascii=False), encoding="utf-8"
    )
    return path


def document(a: Assessment) -> dict[str, Any]:
    """The machine-readable assessment: files, run, key judgments, competing hypotheses, parameters,
    selection, measures, claims and timings."""
    return {
        "group_id": a.group_id,
        "name": a.name,
        "generated": datetime.now(UTC).isoformat(),
        "files": {"html": a.html, "pdf": a.pdf, "evidence_csv": a.evidence_csv},
        "run": a.run,
        "key_judgments": [dataclasses.asdict(j) for j in a.key_judgments],
        "competing_hypotheses": [
            {
                "key": m.key,
                "title": m.title,
                "hypotheses": m.hypotheses,
                "verdict": m.verdict(),
                "winner": m.winner,
                "inconsistencies": m.inconsistencies(),
                "evidence": [dataclasses.asdict(e) for e in m.evidence],
            }
            for m in a.matrices
        ],  # fmt: skip
        "parameters": {**a.run, **dataclasses.asdict(a.params)},
        "selection": a.results.selection.parameters(),
        "measures": {name: result.to_dict() for name, result in a.results.headline.items()},
        "claims": [c.as_dict() for c in a.claims],
        "timings": a.timings,
    }
