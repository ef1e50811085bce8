"""Cross-source event matching: which events of different datasets are one real-world event.

GED, ACLED, GTD and RAND often report the same attack.  Counting both doubles it; so before any count we
look for *links*: pairs of events from different sources (or from different files of one source, e.g. two
ACLED exports numbered differently) that are likely the same event.  Four components are compared:

* **date** — the events' ``[date_start, date_end]`` intervals (which already span the week or month of a
  coarse date) must overlap once widened by a tolerance (±1 day: a night attack is dated on either side of
  midnight).  Intervals wider than ``max_interval_days`` (a year-precision GED row is a yearly tally, not an
  event) are never matched.
* **place** — with coordinates on both sides, the haversine distance must be within a tolerance that grows
  with the coarser side's geo precision (point 10 km … admin1 150 km).  When a side has no usable
  coordinates (RAND gives city names only) the normalised place names are compared with ``rapidfuzz``:
  the city against the other side's location (full credit) or admin1 (partial credit).  Two different
  place names, or coordinates too far apart, veto the pair.  Country-level places are compatible but weak.
* **actor** — the armed groups of each event after actor resolution (:mod:`spillover.actors`): sharing a
  registry id is best, being of one family (predecessor, successor, component, splinter) is next, a side
  without a named armed group ("Unknown") is compatible but scores lower, two different groups veto.
* **toll** — fatalities, compared by relative difference; unknown on a side scores in the middle.  Tolls
  never veto: a disagreement in tolls is exactly what the coverage report wants to show.

Blocking is done in DuckDB SQL on (country, month) (:mod:`spillover.fusion.blocking`) so that only events of
one country and month meet; scoring is vectorised in pandas/numpy.  :func:`decide_merges` applies the merge
rule (see its docstring) and the links are kept in the store table ``event_links`` (appended, never overwritten).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from spillover._duck import has_table, scalar
from spillover.actors import FAMILY_PARTS, Resolver, family
from spillover.actors.hierarchy import GENERIC_KINDS, NON_ARMED_KINDS
from spillover.actors.registry import Registry
from spillover.fusion.blocking import H, candidate_pairs, ids_of, pairs_each
from spillover.fusion.rule import RULE_VERSION, MatchRule
from spillover.store import Store

#: Registry kinds that are not a perpetrator worth comparing: victims, bystanders, states, communities, and
#: generic categories (an "identity militia" names no one organisation).
NON_PERPETRATOR_KINDS = NON_ARMED_KINDS | GENERIC_KINDS

#: Family links that make two groups "compatible perpetrators": datasets disagree exactly there (GED's
#: "Jama'atu Ahlis Sunna" vs ACLED's "Islamic State (West Africa)", GTD's AQIM vs ACLED's JNIM).
FAMILY_LINKS = FAMILY_PARTS

LINK_COLUMNS = [
    "event_id_a",
    "event_id_b",
    "score",
    "reason",
    "rule_version",
    "merged",
    "scope",
    "linked_at",
]

_LINKS_DDL = """CREATE TABLE IF NOT EXISTS event_links (
    event_id_a VARCHAR, event_id_b VARCHAR, score DOUBLE, reason VARCHAR, rule_version VARCHAR,
    merged BOOLEAN, scope VARCHAR, linked_at TIMESTAMP)"""

_PLACE_WORDS = re.compile(
    r"\b(town|city|village|villages|district|state|province|lga|local government area|region|wilaya|"
    r"governorate|prefecture|department|county|area|camp|commune|cercle|near|outskirts|of|the)\b"
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


# --- actors ------------------------------------------------------------------------------------------------


def perpetrator_groups(
    store: Store, event_ids: Iterable[str], resolver: Resolver | None = None
) -> pd.DataFrame:
    """(event_id, group_id) for every armed group an event names in any role, after resolution.

    States, civilians and communities are left out: two events are not the same because both involve
    "the army", and a GED side "Government of Nigeria" must not contradict a GTD perpetrator."""
    resolver = resolver or Resolver()
    ids = pd.DataFrame({"event_id": list(dict.fromkeys(event_ids))})
    if ids.empty:
        return pd.DataFrame(columns=["event_id", "group_id"])
    with store.registered(_fx_ids=ids):
        actors = store.query(
            "SELECT DISTINCT a.event_id, e.source, a.name FROM event_actors a "
            "JOIN events e USING (event_id) SEMI JOIN _fx_ids i ON i.event_id = a.event_id"
        )
    names = actors[["source", "name"]].drop_duplicates()
    resolved = resolver.resolve_names(names, name_col="name", source_col="source")
    resolved = resolved.loc[resolved["status"] != "unresolved", ["source", "name", "group_ids"]]
    resolved = resolved.explode("group_ids").rename(columns={"group_ids": "group_id"}).dropna()
    resolved = resolved[resolved["group_id"].map(lambda g: _is_perpetrator(g, resolver.registry))]
    out = actors.merge(resolved, on=["source", "name"])[["event_id", "group_id"]]
    return out.drop_duplicates(ignore_index=True)


def _is_perpetrator(group_id: str, registry: Registry) -> bool:
    try:
        kind = registry.group(group_id).kind
    except KeyError:
        return not group_id.startswith(("state-", "civilians"))
    return kind not in NON_PERPETRATOR_KINDS


def related_groups(group_ids: Iterable[str], registry: Registry) -> set[tuple[str, str]]:
    """Ordered pairs (g, h) of distinct groups of one family (see :data:`FAMILY_LINKS`)."""
    ids = sorted(set(group_ids))
    related: set[tuple[str, str]] = set()
    for gid in ids:
        try:
            members = family(gid, include=FAMILY_LINKS, registry=registry).ids
        except KeyError:
            continue
        related.update((gid, m) for m in members if m != gid)
        related.update((m, gid) for m in members if m != gid)
    return related


def _joined(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per ``_pair``: its distinct ``column`` values, sorted and joined with commas.

    Why not ``groupby().agg(lambda)``: a Python call per pair cost ~1 s on a branch's 6,000 rows; most pairs
    have one value, taken as it is, and only the others are joined."""
    distinct = frame[["_pair", column]].drop_duplicates().sort_values(["_pair", column], kind="stable")
    several = distinct["_pair"].duplicated(keep=False)
    one = distinct.loc[~several].set_index("_pair")[column]
    many = distinct.loc[several].groupby("_pair")[column].agg(",".join)
    return pd.concat([one, many]).sort_index()


def actor_compatibility(pairs: pd.DataFrame, groups: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Per pair: ``actor_level`` (same / family / unknown / different) and ``actor_detail``, the groups that
    decided it."""
    index = pairs[["event_id_a", "event_id_b"]].reset_index(drop=True).reset_index(names="_pair")
    ga = index.merge(
        groups.rename(columns={"event_id": "event_id_a", "group_id": "group_a"}), on="event_id_a"
    )
    gb = index.merge(
        groups.rename(columns={"event_id": "event_id_b", "group_id": "group_b"}), on="event_id_b"
    )
    both = ga.merge(gb[["_pair", "group_b"]], on="_pair")
    related = related_groups(groups["group_id"], registry)
    # a boolean array, never a list: an empty list would select no *columns* of ``both``
    is_family = np.fromiter(
        ((a, b) in related for a, b in zip(both["group_a"], both["group_b"], strict=True)), bool, len(both)
    )
    same = _joined(both[both["group_a"] == both["group_b"]], "group_a")
    fam = _joined(both[is_family].assign(_link=lambda d: d["group_a"] + "~" + d["group_b"]), "_link")
    groups_a = _joined(ga, "group_a").reindex(index["_pair"])
    groups_b = _joined(gb, "group_b").reindex(index["_pair"])
    level = np.select(
        [
            index["_pair"].isin(same.index),
            index["_pair"].isin(fam.index),
            groups_a.notna() & groups_b.notna(),
        ],
        ["same", "family", "different"],
        default="unknown",
    )
    detail = np.select(
        [level == "same", level == "family", level == "different"],
        [
            "same group " + same.reindex(index["_pair"]).fillna("").to_numpy(),
            "one family " + fam.reindex(index["_pair"]).fillna("").to_numpy(),
            "different groups " + groups_a.fillna("").to_numpy() + " vs " + groups_b.fillna("").to_numpy(),
        ],
        default=np.where(
            groups_a.isna() & groups_b.isna(),
            "no named armed group on either side",
            "no named armed group on one side",
        ),
    )
    return pd.DataFrame({"actor_level": level, "actor_detail": detail}, index=pairs.index)


# --- places ------------------------------------------------------------------------------------------------


def normalise_place(name: object) -> str:
    """Lower-case words of a place name without accents and generic words: 'Maiduguri town' → 'maiduguri'."""
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _NOT_WORD.sub(" ", text.replace("'", "").replace("’", ""))
    return " ".join(_PLACE_WORDS.sub(" ", text).split())


def normalised_places(names: pd.Series) -> pd.Series:
    """:func:`normalise_place` of each name, computed once per distinct name (a branch's candidate pairs
    repeat a few thousand places some 60,000 times); a missing name is ""."""
    codes, distinct = pd.factorize(names)
    normalised = np.array([*(normalise_place(n) for n in distinct), ""], dtype=object)
    return pd.Series(normalised[codes], index=names.index, dtype=object)


def _similarity(left: pd.Series, right: pd.Series) -> np.ndarray:
    """Pairwise token-set similarity (0-100) of two series of normalised names; 0 where one is empty."""
    if left.empty:
        return np.zeros(0)
    sims = process.cpdist(left.tolist(), right.tolist(), scorer=fuzz.token_set_ratio, workers=-1)
    sims = np.asarray(sims, dtype=float)
    sims[(left.to_numpy() == "") | (right.to_numpy() == "")] = 0.0
    return sims


def _formatted(values: pd.Series | np.ndarray, spec: str) -> np.ndarray:
    """``format(v, spec)`` of each number (``nan`` for a missing one), each distinct number formatted once:
    a branch's ~15,000 candidate pairs repeat a few hundred distances, tolls and scores."""
    numbers = np.ascontiguousarray(np.asarray(values, dtype=float))
    codes, distinct = pd.factorize(numbers.view(np.int64))  # by bits: -0.0 stays "-0"
    return np.array([format(v, spec) for v in distinct.view(np.float64).tolist()], dtype=object)[codes]


def place_components(pairs: pd.DataFrame, rule: MatchRule) -> pd.DataFrame:
    """Per pair: ``place_mode`` (distance / name / admin1-name / coarse / names-differ), score and detail."""
    out = pd.DataFrame(index=pairs.index)
    dist = pairs["distance_km"].astype(float)
    tol = pairs["place_tolerance_km"].astype(float).replace(0, np.nan)
    weight = pairs["coarser_geo"].map(dict(rule.place_precision_weight)).fillna(0.5).astype(float)
    by_distance = dist.notna()
    la, lb = normalised_places(pairs["location_a"]), normalised_places(pairs["location_b"])
    aa, ab = normalised_places(pairs["admin1_a"]), normalised_places(pairs["admin1_b"])
    loc_sim = _similarity(la, lb)
    adm_sim = np.maximum(_similarity(la, ab), _similarity(aa, lb))
    has_names = (la != "") & (lb != "")
    same_name = loc_sim >= rule.name_similarity_min
    same_admin = adm_sim >= rule.name_similarity_min
    mode = np.select(
        [by_distance, same_name, same_admin, has_names],
        ["distance", "name", "admin1-name", "names-differ"],
        default="coarse",
    )
    score = np.select(
        [mode == "distance", mode == "name", mode == "admin1-name", mode == "names-differ"],
        [
            (1 - 0.5 * (dist / tol).clip(0, 1)) * weight,
            loc_sim / 100,
            0.7 * adm_sim / 100,
            0.0,
        ],
        default=rule.place_unknown_score,
    )
    out["place_mode"] = mode
    out["place_score"] = np.nan_to_num(score.astype(float), nan=rule.place_unknown_score)
    out["name_similarity"] = np.where(mode == "admin1-name", adm_sim, loc_sim)
    out["place_detail"] = _place_detail(pairs, mode, dist, out["name_similarity"])
    return out


def _place_detail(pairs: pd.DataFrame, mode: np.ndarray, dist: pd.Series, sim: pd.Series) -> pd.Series:
    geo = pairs["geo_a"].astype(str) + "/" + pairs["geo_b"].astype(str)
    tol = _formatted(pairs["place_tolerance_km"], ".0f")
    names = pairs["location_a"].fillna("?").astype(str) + " ~ " + pairs["location_b"].fillna("?").astype(str)
    similar = _formatted(sim, ".0f")
    detail = np.select(
        [mode == "distance", mode == "name", mode == "admin1-name", mode == "names-differ"],
        [
            _formatted(dist, ".1f") + " km (" + geo + ", tolerance " + tol + " km)",
            "same place name " + names + " (" + similar + ")",
            "place name ~ admin1 " + names + " (" + similar + ")",
            "different places " + names,
        ],
        default="place not comparable (" + geo + ")",
    )
    return pd.Series(detail, index=pairs.index)


# --- dates and tolls -----------------------------------------------------------------------------------------


def date_components(pairs: pd.DataFrame) -> pd.DataFrame:
    """Date score: 1 for overlapping day-precise dates, less per day of gap and for wide intervals."""
    gap = pairs["date_gap_days"].astype(float)
    tol = pairs["date_tolerance_days"].astype(float)
    width = pairs["interval_days"].astype(float)
    width_factor = np.select([width <= 1, width <= 7, width <= 31], [1.0, 0.8, 0.5], default=0.3)
    out = pd.DataFrame(index=pairs.index)
    out["date_score"] = (1 - gap / (tol + 1)) * width_factor
    same = np.where(gap == 0, np.where(width <= 1, "same day", "overlapping periods"), "")
    out["date_detail"] = np.where(
        gap == 0,
        same + np.where(width > 1, " (" + width.astype(int).astype(str) + " days wide)", ""),
        gap.astype(int).astype(str) + " day(s) apart",
    )
    return out


def toll_components(pairs: pd.DataFrame, rule: MatchRule) -> pd.DataFrame:
    """Toll score from the relative difference of fatalities: 1 - |a - b| / (max(a, b) + 1)."""
    fa, fb = pairs["fatalities_a"].astype(float), pairs["fatalities_b"].astype(float)
    known = fa.notna() & fb.notna()
    score = 1 - (fa - fb).abs() / (np.maximum(fa, fb) + 1)
    out = pd.DataFrame(index=pairs.index)
    out["toll_score"] = score.where(known, rule.toll_unknown_score)
    texts = [np.where(f.isna().to_numpy(), "?", _formatted(f, "g")) for f in (fa, fb)]
    out["toll_detail"] = "deaths " + texts[0].astype(object) + " vs " + texts[1].astype(object)
    return out


# --- scoring and decisions ------------------------------------------------------------------------------------


def score_pairs(
    pairs: pd.DataFrame, groups: pd.DataFrame, registry: Registry, rule: MatchRule | None = None
) -> pd.DataFrame:
    """Candidate pairs with each component's score, the weighted ``score``, the ``veto`` (why a pair can never
    be merged, empty when none) and a ``reason`` string listing every component."""
    rule = rule or MatchRule()
    if pairs.empty:
        return pairs.assign(
            score=pd.Series(dtype=float), veto=pd.Series(dtype=object), reason=pd.Series(dtype=object)
        )
    scored = pd.concat(
        [
            pairs,
            date_components(pairs),
            place_components(pairs, rule),
            actor_compatibility(pairs, groups, registry),
            toll_components(pairs, rule),
        ],
        axis=1,
    )
    scored["actor_score"] = scored["actor_level"].map(dict(rule.actor_scores)).astype(float)
    w = rule.weights
    scored["score"] = (
        w["date"] * scored["date_score"]
        + w["place"] * scored["place_score"]
        + w["actor"] * scored["actor_score"]
        + w["toll"] * scored["toll_score"]
    ).round(4)
    scored["veto"] = np.select(
        [scored["place_mode"] == "names-differ", scored["actor_level"] == "different"],
        ["different place names", "different armed groups"],
        default="",
    )
    parts = [
        (scored[f"{c}_detail"].tolist(), f"{w[c]:g}", _formatted(scored[f"{c}_score"], ".2f").tolist())
        for c in ("date", "place", "actor", "toll")
    ]
    (dd, dw, ds), (pd_, pw, ps), (ad, aw, as_), (td, tw, ts) = parts
    scored["reason"] = [
        f"date: {dd[i]} ({dw}×{ds[i]}); place: {pd_[i]} ({pw}×{ps[i]}); actor: {ad[i]} ({aw}×{as_[i]}); "
        f"toll: {td[i]} ({tw}×{ts[i]})" + (f"; VETO: {v}" if v != "" else "")
        for i, v in enumerate(scored["veto"].tolist())
    ]
    return scored


def decide_merges(scored: pd.DataFrame, rule: MatchRule | None = None) -> pd.Series:
    """Which pairs are merged: the merge rule.

    A pair is *eligible* when it has no veto and ``score >= rule.threshold``.  Eligible pairs are taken
    greedily, best score first (ties by event ids, so the result is deterministic), and a pair is merged
    unless it would put two events of one origin (source, or source file with ``across_files``) into one
    fused event.  This makes the assignment one-to-one for every pair of sources and keeps fused events
    free of chains (GED₁–ACLED–GTD–GED₂ cannot happen): each real event is reported once per source.

    One exception: a source in ``rule.split_sources`` (GED) records one attack as one row per dyad
    (government vs group, group vs civilians) at the same place and time; rows of one origin with the
    same ``split_key`` (origin, first day, coordinates, place name) may share a fused event.

    Finally every eligible pair whose two events ended in one fused event is marked merged too (a
    redundant link: GED–ACLED when both already joined through a second ACLED file).  Returns a boolean
    Series aligned on ``scored``.
    """
    rule = rule or MatchRule()
    merged = pd.Series(False, index=scored.index)
    if scored.empty:
        return merged
    eligible = scored[(scored["veto"] == "") & (scored["score"] >= rule.threshold)]
    order = eligible.sort_values(["score", "event_id_a", "event_id_b"], ascending=[False, True, True])
    parent: dict[str, str] = {}
    keys: dict[str, dict[str, str]] = {}  # root → {origin: split key}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    columns = ["event_id_a", "event_id_b", "origin_a", "origin_b", "split_key_a", "split_key_b"]
    for a, b, oa, ob, ka, kb in order[columns].itertuples(index=False, name=None):
        for node, origin, key in ((a, oa, ka), (b, ob, kb)):
            if node not in parent:
                parent[node] = node
                keys[node] = {origin: key}
        ra, rb = root(a), root(b)
        if ra == rb or any(keys[ra][o] != k for o, k in keys[rb].items() if o in keys[ra]):
            continue
        parent[rb] = ra
        keys[ra].update(keys.pop(rb))
    same_cluster = [root(a) == root(b) for a, b in zip(order["event_id_a"], order["event_id_b"], strict=True)]
    merged[order.index[same_cluster]] = True
    return merged


def match_events(
    store: Store,
    events: pd.DataFrame | Iterable[str] | None = None,
    *,
    rule: MatchRule | None = None,
    resolver: Resolver | None = None,
) -> pd.DataFrame:
    """Every candidate link among ``events`` (default: the whole store), scored, with ``merged`` decided.

    Columns: event_id_a, event_id_b, source_a, source_b, score, reason, rule_version, merged, the component
    scores and details, and the raw figures compared (dates, places, fatalities).

    The links among a given set of events with the default registry are kept between runs
    (:mod:`spillover.memo`), keyed by the rule, the store's content and the ids (:func:`match_each`)."""
    if events is None:
        rule, resolver = rule or MatchRule(), resolver or Resolver()
        return _matched(store, None, rule, resolver)
    return match_each(store, {0: events}, rule=rule, resolver=resolver)[0]


def match_each(
    store: Store,
    sets: Mapping[H, pd.DataFrame | Iterable[str]],
    *,
    rule: MatchRule | None = None,
    resolver: Resolver | None = None,
) -> dict[H, pd.DataFrame]:
    """:func:`match_events` of each set of events (e.g. each group's): the sets not kept yet are blocked together
    (one pairs query and one actors query for all), then each set's own pairs scored and merged as if alone:
    a pair's blocking tests read its two events only, so a set's pairs are the union's with both ends in it;
    every selection of a group (each section of an assessment, the web app) matches once per store content."""
    from spillover.actors.resolver import resolver_inputs
    from spillover.memo import ids_key, kept_each, store_content

    rule = rule or MatchRule()
    resolver = resolver or Resolver()
    ids = {key: ids_of(events) or [] for key, events in sets.items()}
    built_from = resolver_inputs(resolver)
    if built_from is None:
        return _matched_each(store, ids, rule, resolver)
    by_hash = {ids_key(each): each for each in ids.values()}
    found = kept_each(
        "links", (repr(rule), store_content(store), built_from), list(by_hash),
        lambda missing: _matched_each(store, {h: by_hash[h] for h in missing}, rule, resolver),
    )  # fmt: skip
    return {key: found[ids_key(each)] for key, each in ids.items()}


def _matched_each(
    store: Store, ids: Mapping[H, list[str]], rule: MatchRule, resolver: Resolver
) -> dict[H, pd.DataFrame]:
    """The links of each set of ids among its own events, the candidate pairs and perpetrators read once."""
    if not ids:
        return {}
    pairs = pairs_each(store, ids, rule)
    linked = pd.unique(np.concatenate([_linked(p) for p in pairs.values()]))
    groups = perpetrator_groups(store, linked, resolver)
    out = {}
    for key, mine in pairs.items():
        out[key] = _scored(
            mine, groups[groups["event_id"].isin(_linked(mine))].reset_index(drop=True), rule, resolver
        )
    return out


def _matched(store: Store, ids: list[str] | None, rule: MatchRule, resolver: Resolver) -> pd.DataFrame:
    pairs = candidate_pairs(store, ids, rule)
    return _scored(pairs, perpetrator_groups(store, _linked(pairs), resolver), rule, resolver)


def _linked(pairs: pd.DataFrame) -> np.ndarray:
    return pd.concat([pairs["event_id_a"], pairs["event_id_b"]]).unique()


def _scored(pairs: pd.DataFrame, groups: pd.DataFrame, rule: MatchRule, resolver: Resolver) -> pd.DataFrame:
    """Candidate pairs scored, with ``merged`` decided among them, best first."""
    scored = score_pairs(pairs, groups, resolver.registry, rule)
    scored["merged"] = decide_merges(scored, rule)
    scored["rule_version"] = rule.version
    return scored.sort_values(["score", "event_id_a"], ascending=[False, True], ignore_index=True)


# --- the event_links table -------------------------------------------------------------------------------------


def ensure_links_table(store: Store) -> None:
    """Create ``event_links`` when the store has none (links live beside events; events are never touched)."""
    store.con.execute(_LINKS_DDL)


def save_links(store: Store, links: pd.DataFrame, scope: str = "store") -> int:
    """Append ``links`` to ``event_links``; a link already stored for the same pair, rule version and scope is
    kept as it was (never overwritten).  Returns the number of rows added."""
    ensure_links_table(store)
    rows = links.assign(scope=scope, linked_at=datetime.now(UTC).replace(tzinfo=None))[LINK_COLUMNS]
    with store.registered(_fx_links=rows):
        before = scalar(store.con, "SELECT count(*) FROM event_links")
        store.con.execute(
            f"INSERT INTO event_links SELECT {', '.join(LINK_COLUMNS)} FROM _fx_links n "
            "WHERE NOT EXISTS (SELECT 1 FROM event_links o WHERE o.event_id_a = n.event_id_a "
            "AND o.event_id_b = n.event_id_b AND o.rule_version = n.rule_version AND o.scope = n.scope)"
        ).fetchall()
        after = scalar(store.con, "SELECT count(*) FROM event_links")
    return int(after - before)


def load_links(store: Store, *, rule_version: str = RULE_VERSION, scope: str | None = None) -> pd.DataFrame:
    """Stored links of one rule version (and scope); an empty frame when the store has no ``event_links``."""
    if not has_table(store.con, "event_links"):
        return pd.DataFrame(columns=LINK_COLUMNS)
    where, params = "WHERE rule_version = ?", [rule_version]
    if scope is not None:
        where, params = where + " AND scope = ?", [*params, scope]
    return store.query(f"SELECT * FROM event_links {where} ORDER BY score DESC, event_id_a", params)


def link_store(store: Store, rule: MatchRule | None = None, resolver: Resolver | None = None) -> pd.DataFrame:
    """Match every event of a (writable) store and append the links to ``event_links`` (scope ``store``)."""
    links = match_events(store, rule=rule, resolver=resolver)
    save_links(store, links, scope="store")
    return links
