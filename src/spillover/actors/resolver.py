"""From a dataset's actor name to registry groups, never guessing.

Order of tests for one name: (1) a rule says the name identifies no one ("Unknown", "Unidentified Armed
Group (Mali)") → unresolved, category ``unknown``; (2) exact alias or canonical name, compared normalised
→ resolved, or ambiguous when several groups claim it for overlapping periods; (3) a rule says the name is a
generic description ("Muslim extremists") → ambiguous, category ``generic``; (4) a pattern rule generates an
entry ("Military Forces of Mali (2013-)" → ``state-MLI``); (5) a compound name ("A and/or B", "A; B",
UCDP's "A, B") is split and each part resolved; "and/or" marks every part uncertain; (6) the safe variants
of :mod:`spillover.actors.names` (article, acronym, country qualifier that fits, transliteration) — a
variant two groups claim is ambiguous, never decided.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd
from rapidfuzz import fuzz, process, utils

from spillover.actors import names as variants_of
from spillover.actors.dates import to_date, within
from spillover.actors.layers import clean_name
from spillover.actors.registry import AliasClaim, Registry
from spillover.actors.text import normalise

#: ``scoped``: the name stands for one group once the event's date and country are known (its aliases hold
#: for periods or countries), for several without them
Status = Literal["resolved", "scoped", "ambiguous", "unresolved"]
Category = Literal["named", "unknown", "generic"]

#: Source names used by the event store (and common spellings) → alias dataset keys.
DATASET_OF_SOURCE = {
    "ged": "ucdp",
    "ucdp": "ucdp",
    "gtd": "gtd",
    "acled": "acled",
    "rand": "rand",
    "rdwti": "rand",
    "gdelt": "gdelt",
}

_AND_OR = re.compile(r"\s+and/or\s+", re.IGNORECASE)


def dataset_key(source: str | None) -> str | None:
    """The alias dataset of an event source ('ged' → 'ucdp'); None when unknown."""
    if source is None:
        return None
    return DATASET_OF_SOURCE.get(str(source).strip().lower().split(":")[0].split("_")[0])


@dataclass(frozen=True)
class Candidate:
    """One actor name inside a compound name."""

    name: str
    uncertain: bool = False  # one of several alternatives ("A and/or B")
    joint: bool = False  # one of several actors acting together ("A; B", UCDP "A, B")


@dataclass(frozen=True)
class Resolution:
    name: str
    status: Status
    group_ids: tuple[str, ...] = ()
    matched_alias: str | None = None
    via: str = "none"  # alias | pattern:<rule> | generic | unknown | split | none
    category: Category = "named"
    uncertain: bool = False
    joint: bool = False
    parts: tuple[Resolution, ...] = field(default=(), repr=False)
    date_sensitive: bool = False
    #: groups the name stands for on other dates or in other countries (its scoped aliases)
    alternatives: tuple[str, ...] = ()

    @property
    def group_id(self) -> str | None:
        """The single group, when the name resolves to exactly one."""
        return self.group_ids[0] if self.status == "resolved" and len(self.group_ids) == 1 else None


@dataclass(frozen=True)
class Suggestion:
    alias: str
    group_id: str
    group_name: str
    score: float


def split_candidates(name: str, dataset: str | None = None) -> list[Candidate]:
    """The actor names inside ``name``: "A and/or B" → A, B (uncertain); "A; B" → A, B (joint); UCDP
    coalition sides "A, B" → A, B (joint).  A plain name gives itself."""
    pieces = [p.strip() for p in name.split(";") if p.strip()]
    joint = len(pieces) > 1
    out: list[Candidate] = []
    for piece in pieces:
        alternatives = [a.strip() for a in _AND_OR.split(piece) if a.strip()]
        uncertain = len(alternatives) > 1
        for alt in alternatives:
            commas = [c.strip() for c in alt.split(",") if c.strip()] if dataset in (None, "ucdp") else [alt]
            for part in commas:
                out.append(Candidate(part, uncertain=uncertain, joint=joint or len(commas) > 1))
    return out or [Candidate(name.strip())]


class Resolver:
    """Resolves names against one registry.  Build it once; it indexes every alias."""

    def __init__(self, registry: Registry | None = None) -> None:
        if registry is None:
            from spillover.actors.lineage import default_registry

            registry = default_registry()
        self.registry = registry
        self._claims: dict[str, list[AliasClaim]] = defaultdict(list)
        self._weak: dict[str, list[AliasClaim]] = defaultdict(list)
        self._variant_index: tuple[dict[str, list[AliasClaim]], dict[str, list[AliasClaim]]] | None = None
        for claim in registry.alias_claims():
            (self._weak if claim.weak else self._claims)[claim.norm].append(claim)
        self._cache: dict[tuple[str, str | None, dt.date | None, str | None], Resolution] = {}
        self._choices: list[tuple[str, str]] | None = None

    @property
    def _acronyms(self) -> dict[str, list[AliasClaim]]:
        return self._variants()[0]

    @property
    def _skeletons(self) -> dict[str, list[AliasClaim]]:
        return self._variants()[1]

    def _variants(self) -> tuple[dict[str, list[AliasClaim]], dict[str, list[AliasClaim]]]:
        """Acronym and transliteration-skeleton indexes of the strong claims, built the first time a name
        needs a variant (most names resolve exactly)."""
        if self._variant_index is None:
            acronyms: dict[str, list[AliasClaim]] = defaultdict(list)
            skeletons: dict[str, list[AliasClaim]] = defaultdict(list)
            for claims in self._claims.values():
                for claim in claims:
                    _, inner = variants_of.split_parenthesis(variants_of.strip_article(claim.alias))
                    if inner is not None and variants_of.looks_like_acronym(inner):
                        # '(CAR)' in 'Christians (CAR)' is a country, not the group's acronym
                        short_code = len(inner) <= 3 and inner.isupper()
                        if not (short_code and variants_of.country_qualifier(claim.alias)):
                            acronyms[normalise(inner)].append(claim)
                    key = variants_of.skeleton(variants_of.without_acronym(claim.alias))
                    if len(key) >= 3:
                        skeletons[key].append(claim)
            self._variant_index = (acronyms, skeletons)
        return self._variant_index

    # --- one name -------------------------------------------------------------------------------------

    def resolve(
        self, name: str, source: str | None = None, date: Any = None, country: str | None = None
    ) -> Resolution:
        """Resolve one name as written by ``source`` (gtd, ged/ucdp, acled, rand, gdelt) on ``date`` in
        ``country`` (ISO3): aliases valid only for a period or in some countries are used only there."""
        dataset = dataset_key(source)
        day = to_date(date) if date is not None and not _is_missing(date) else None
        place = country if isinstance(country, str) and country else None
        key = (name, dataset, day, place)
        if key not in self._cache:
            self._cache[key] = self._resolve(str(name).strip(), dataset, day, place)
        return self._cache[key]

    def _resolve(
        self, name: str, dataset: str | None, day: dt.date | None, place: str | None = None
    ) -> Resolution:
        if not name:
            return Resolution(name, "unresolved", category="unknown", via="unknown")
        rule = self.registry.name_rule(name, dataset)
        if rule is not None and rule.category == "unknown":
            return Resolution(name, "unresolved", category="unknown", via="unknown")
        by_alias = self._by_alias(name, dataset, day, place)
        if by_alias is not None:
            return by_alias
        if rule is not None:
            cands = tuple(self.registry.canonical_id(c) for c in rule.candidates)
            return Resolution(name, "ambiguous", cands, category="generic", via="generic")
        generated = self.registry.match_pattern(name, dataset)
        if generated is not None:
            group, pattern = generated
            return Resolution(name, "resolved", (group.id,), name, via=f"pattern:{pattern.name}")
        parts = split_candidates(name, dataset)
        if len(parts) > 1:
            return self._combine(name, parts, dataset, day, place)
        return self._by_variant(name, dataset, day, place) or Resolution(name, "unresolved")

    # --- variants -------------------------------------------------------------------------------------

    def _by_variant(
        self, name: str, dataset: str | None, day: dt.date | None, place: str | None = None
    ) -> Resolution | None:
        """The name cleaned, then each safe variant as an exact alias, then as an acronym, then as a
        transliteration; the first variant that finds a group (or several: ambiguous) answers."""
        cleaned = clean_name(name)
        forms = [variants_of.Variant(cleaned, "cleaned"), *variants_of.variants(cleaned)]
        for v in forms:
            exact = v.text != name and v.step != "acronym"  # an acronym alone may name another group
            found = self._by_alias(v.text, dataset, day, place) if exact else None
            if found is not None and (checked := self._fits_country(found, v)) is not None:
                return replace(checked, name=name, via=f"variant:{v.step}")
        for v in forms:
            found = self._by_acronym(name, v) or self._by_skeleton(name, v)
            if found is not None and (checked := self._fits_country(found, v)) is not None:
                return checked
        return None

    def _by_acronym(self, name: str, v: variants_of.Variant) -> Resolution | None:
        """A lone acronym ('JeM'), or a name's own acronym ('Abu Sayyaf Group (ASG)') when the name's words
        are those of the group's name that carries the same acronym (so 'Kuki Liberation Army (KLA)' is not
        the Kosovo Liberation Army)."""
        if not variants_of.looks_like_acronym(v.text):
            return None
        claims = self._acronyms.get(normalise(v.text), [])
        body, inner = variants_of.split_parenthesis(variants_of.strip_article(clean_name(name)))
        if inner is not None:
            claims = [
                c for c in claims if variants_of.same_words(body, variants_of.split_parenthesis(c.alias)[0])
            ]
        return self._from_claims(name, claims, "variant:acronym")

    def _by_skeleton(self, name: str, v: variants_of.Variant) -> Resolution | None:
        if variants_of.looks_like_acronym(v.text):
            return None
        key = variants_of.skeleton(variants_of.without_acronym(v.text))
        claims = [
            c
            for c in self._skeletons.get(key, [])
            if variants_of.close_spelling(
                variants_of.without_acronym(v.text), variants_of.without_acronym(c.alias)
            )
        ]
        return self._from_claims(name, claims, "variant:transliteration")

    def descriptive(self, name: str) -> tuple[str, ...]:
        """Groups whose descriptive names (UCDP's full and English names, not used to resolve event data)
        are ``name`` or one of its safe variants: the generated relations layer uses them so that it does
        not add a group twice ('Islamic Salvation Army' is UCDP's full name of 'AIS')."""
        forms = [
            clean_name(name),
            *(v.text for v in variants_of.variants(clean_name(name)) if v.step != "acronym"),
        ]
        ids = [
            self.registry.canonical_id(c.group_id) for f in forms for c in self._weak.get(normalise(f), [])
        ]
        return tuple(dict.fromkeys(ids))

    def _from_claims(self, name: str, claims: list[AliasClaim], via: str) -> Resolution | None:
        if not claims:
            return None
        curated = [c for c in claims if c.layer == "curated"] or claims
        ids = tuple(dict.fromkeys(self.registry.canonical_id(c.group_id) for c in curated))
        status: Status = "resolved" if len(ids) == 1 else "ambiguous"
        return Resolution(name, status, ids, curated[0].alias, via=via)

    def _fits_country(self, found: Resolution, v: variants_of.Variant) -> Resolution | None:
        """Keep the groups based or active in the qualifier's country; None when none is."""
        if v.country is None:
            return found
        ids = tuple(
            g
            for g in found.group_ids
            if v.country in {self.registry.group(g).country, *self.registry.group(g).countries}
        )
        if not ids:
            return None
        return replace(found, group_ids=ids, status="resolved" if len(ids) == 1 else "ambiguous")

    def _by_alias(
        self, name: str, dataset: str | None, day: dt.date | None, place: str | None = None
    ) -> Resolution | None:
        claims = self._claims.get(normalise(name), [])
        if not claims:
            return None
        if dataset is not None:
            preferred = [c for c in claims if c.dataset in (dataset, "other")]
            claims = preferred or claims
        curated = [c for c in claims if c.layer == "curated"]
        claims = curated or claims
        dated = any(c.scoped for c in claims)
        if day is not None:
            claims = [c for c in claims if within(day, c.start, c.end)] or []
            if not claims:
                return Resolution(name, "unresolved", via="alias-out-of-period", date_sensitive=True)
        if place is not None and any(c.countries for c in claims):
            # a claim for this country wins over a claim for everywhere; a claim for other countries only
            # does not apply here
            here = [c for c in claims if place in c.countries]
            claims = here or [c for c in claims if not c.countries]
            if not claims:
                return Resolution(name, "unresolved", via="alias-out-of-place", date_sensitive=True)
        every = tuple(dict.fromkeys(self.registry.canonical_id(c.group_id) for c in claims))
        if day is None and place is None and dated and len(every) > 1:
            # no date or place to choose with: a claim for everywhere and always answers, the scoped ones are
            # alternatives; with none, the name is scoped (it resolves per event)
            plain = [c for c in claims if not c.scoped]
            ids = tuple(dict.fromkeys(self.registry.canonical_id(c.group_id) for c in plain))
            others = tuple(g for g in every if g not in ids)
            if len(ids) == 1:
                return Resolution(
                    name,
                    "resolved",
                    ids,
                    plain[0].alias,
                    via="alias",
                    date_sensitive=True,
                    alternatives=others,
                )
            if not ids:
                return Resolution(name, "scoped", every, claims[0].alias, via="alias", date_sensitive=True)
        ids = every
        status: Status = "resolved" if len(ids) == 1 else "ambiguous"
        return Resolution(name, status, ids, claims[0].alias, via="alias", date_sensitive=dated)

    def _combine(
        self,
        name: str,
        parts: list[Candidate],
        dataset: str | None,
        day: dt.date | None,
        place: str | None = None,
    ) -> Resolution:
        results = [
            replace(self.resolve(p.name, dataset, day, place), uncertain=p.uncertain, joint=p.joint)
            for p in parts
        ]
        named = [r for r in results if r.category == "named"]
        if not named:
            return Resolution(name, "unresolved", category="unknown", via="unknown", parts=tuple(results))
        if any(r.status == "unresolved" for r in named):
            status: Status = "unresolved"
        elif any(r.status == "ambiguous" for r in results):
            status = "ambiguous"
        else:
            status = "resolved"
        ids = tuple(dict.fromkeys(g for r in results if r.category == "named" for g in r.group_ids))
        return Resolution(
            name,
            status,
            ids,
            None,
            via="split",
            uncertain=any(p.uncertain for p in parts),
            joint=any(p.joint for p in parts),
            parts=tuple(results),
            date_sensitive=any(r.date_sensitive for r in results),
        )

    # --- suggestions ----------------------------------------------------------------------------------

    def suggest(self, name: str, limit: int = 5) -> list[Suggestion]:
        """ "Did you mean": groups whose names or aliases are closest to ``name``."""
        if self._choices is None:
            seen: dict[tuple[str, str], None] = {}
            for claims in (*self._claims.values(), *self._weak.values()):
                for c in claims:
                    seen[(c.alias, self.registry.canonical_id(c.group_id))] = None
            self._choices = list(seen)
        # very short aliases ('IS', 'SLA') match anything partially; offer them only for short queries
        labels = [alias if len(alias) >= 4 or len(name) <= 6 else "" for alias, _ in self._choices]
        hits = process.extract(
            name,
            labels,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=limit * 4,
            score_cutoff=50,
        )
        out: list[Suggestion] = []
        taken: set[str] = set()
        for _, score, index in hits:
            alias, gid = self._choices[index]
            if gid in taken:
                continue
            taken.add(gid)
            out.append(Suggestion(alias, gid, self.registry.group(gid).name, float(score)))
            if len(out) == limit:
                break
        return out

    def hold_generated(self, resolved: pd.DataFrame) -> None:
        """Resolve again each name of ``resolved`` (:meth:`resolve_names`' columns) that names a group the
        registry does not hold, so that it holds it.

        Why: a pattern rule's group (``ethnic-militia-fulani-NGA``) joins the registry when a name makes
        it, and a resolution read from where it was kept (the store's table, the user cache) made none, so
        in a fresh process :meth:`lookup` did not know the id of a group whose events are in the store."""
        for name, source, ids in zip(
            resolved["name"], resolved["source"], resolved["candidate_ids"], strict=True
        ):
            if any(g not in self.registry for g in (ids if ids is not None else ())):
                self.resolve(name, source)

    def lookup(self, name_or_id: str) -> str:
        """A group id from an id or any name a user types; KeyError with suggestions when unknown.

        A name typed by a user that only a transliteration skeleton matches may be a typo of another group's
        name: it is offered first among the suggestions, never taken silently."""
        if name_or_id in self.registry:
            return self.registry.canonical_id(name_or_id)
        result = self.resolve(name_or_id)
        fuzzy = result.via == "variant:transliteration"
        if result.status == "resolved" and len(result.group_ids) == 1 and not fuzzy:
            return result.group_ids[0]
        suggestions = self.suggest(name_or_id)
        if fuzzy and result.group_id is not None:
            first = Suggestion(
                result.matched_alias or "", result.group_id, self.registry.group(result.group_id).name, 100.0
            )
            suggestions = [first, *(s for s in suggestions if s.group_id != result.group_id)]
        close = ", ".join(f"{s.group_id} ({s.alias})" for s in suggestions)
        if result.status == "ambiguous":
            raise KeyError(f"{name_or_id!r} is ambiguous: {', '.join(result.group_ids)}")
        raise KeyError(f"unknown group {name_or_id!r}; did you mean: {close}?")

    # --- many names -----------------------------------------------------------------------------------

    def resolve_names(
        self,
        frame: pd.DataFrame,
        name_col: str = "name",
        source_col: str | None = "source",
        date_col: str | None = None,
    ) -> pd.DataFrame:
        """``frame`` with resolution columns added; each distinct (source, name) is resolved once (and again
        per date only for names whose aliases are dated)."""
        out = frame.copy()
        sources = out[source_col] if source_col and source_col in out else pd.Series(None, index=out.index)
        keys = pd.DataFrame(
            {"name": out[name_col].astype("string").fillna(""), "source": sources.astype("object")}
        )
        distinct = keys.drop_duplicates()
        resolved = {
            (r.name, r.source): self.resolve(r.name, r.source) for r in distinct.itertuples(index=False)
        }
        results = [resolved[(n, s)] for n, s in zip(keys["name"], keys["source"], strict=True)]
        if date_col is not None and date_col in out:
            results = [
                self.resolve(r.name, s, d) if r.date_sensitive else r
                for r, s, d in zip(results, keys["source"], out[date_col], strict=True)
            ]
        out["status"] = [r.status for r in results]
        out["group_ids"] = [list(r.group_ids) for r in results]
        out["candidate_ids"] = [list(dict.fromkeys([*r.group_ids, *_alternatives(r)])) for r in results]
        out["group_id"] = [r.group_id for r in results]
        out["matched_alias"] = [r.matched_alias for r in results]
        out["via"] = [r.via for r in results]
        out["category"] = [r.category for r in results]
        out["uncertain"] = [r.uncertain for r in results]
        out["joint"] = [r.joint for r in results]
        return out


def _alternatives(res: Resolution) -> list[str]:
    """Every group a resolution may stand for on another date or in another country (its parts' too)."""
    return [*res.alternatives, *(g for part in res.parts for g in (*part.group_ids, *_alternatives(part)))]


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def resolve_names(frame: pd.DataFrame, resolver: Resolver | None = None, **columns: Any) -> pd.DataFrame:
    """Module-level shortcut for :meth:`Resolver.resolve_names` on the default registry."""
    return (resolver or Resolver()).resolve_names(frame, **columns)


_RESOLVERS: dict[int, Resolver] = {}


def default_resolver() -> Resolver:
    """The resolver over the default registry, built once per registry (building it indexes every alias)."""
    from spillover.actors.lineage import default_registry

    registry = default_registry()
    if id(registry) not in _RESOLVERS:
        _RESOLVERS.clear()
        _RESOLVERS[id(registry)] = Resolver(registry)
    return _RESOLVERS[id(registry)]


def resolver_inputs(resolver: Resolver) -> str | None:
    """What a resolver's answers depend on, to key results kept with it (:mod:`spillover.memo`): its
    registry's inputs (:func:`~spillover.actors.registry.registry_inputs`); None for a subclass (it may answer
    otherwise) or a registry not built from files, whose results are not kept."""
    from spillover.actors.registry import registry_inputs

    return registry_inputs(resolver.registry) if type(resolver) is Resolver else None
