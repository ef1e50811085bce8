"""Actor registry: who is who across datasets, and who became whom.

Group knowledge lives in ``data/registry.yaml`` (curated, sourced) layered over the UCDP Actor list; this
package only loads, checks and queries it.  Entry points::

    from spillover.actors import load_registry, Resolver, as_of, family

    reg = load_registry()                       # shipped registry (+ UCDP layer if $SPILLOVER_DATA_DIR has it)
    Resolver(reg).resolve("AQIM: Al Qaeda in the Islamic Maghreb", source="acled")
    as_of("aqim", "2005-06-01").name            # 'Salafist Group for Preaching and Combat'
"""

from __future__ import annotations

from spillover.actors.attribution import attribute_events
from spillover.actors.coverage import classify_names, coverage, unresolved_names
from spillover.actors.dates import FuzzyDate, parse_fuzzy
from spillover.actors.graph import (
    export_lineage,
    lineage_graph,
    lineage_tree_text,
    render_lineage,
    write_graphml,
    write_node_link,
)
from spillover.actors.hierarchy import (
    GENERIC_KINDS,
    NON_ARMED_KINDS,
    PARENT_RELATIONS,
    branches,
    is_armed_group,
    parents,
    rivals,
)
from spillover.actors.lineage import (
    FAMILY_PARTS,
    AsOf,
    Family,
    as_of,
    default_registry,
    expand_umbrella,
    family,
    identity_chain,
    lineage,
    rollup,
    tag_as_of,
)
from spillover.actors.models import DATASETS, RELATION_TYPES, Group, Relation
from spillover.actors.registry import Registry, RegistryError, check_file, load_registry
from spillover.actors.relations import RelationsResult, relations, relations_chart
from spillover.actors.resolver import (
    Candidate,
    Resolution,
    Resolver,
    Suggestion,
    default_resolver,
    resolve_names,
    split_candidates,
)

__all__ = [
    "default_resolver",
    "GENERIC_KINDS",
    "NON_ARMED_KINDS",
    "PARENT_RELATIONS",
    "branches",
    "is_armed_group",
    "parents",
    "rivals",
    "DATASETS",
    "FAMILY_PARTS",
    "RELATION_TYPES",
    "AsOf",
    "Candidate",
    "Family",
    "FuzzyDate",
    "Group",
    "Registry",
    "RegistryError",
    "Relation",
    "RelationsResult",
    "Resolution",
    "Resolver",
    "Suggestion",
    "as_of",
    "attribute_events",
    "check_file",
    "classify_names",
    "coverage",
    "default_registry",
    "expand_umbrella",
    "export_lineage",
    "family",
    "identity_chain",
    "lineage",
    "lineage_graph",
    "lineage_tree_text",
    "load_registry",
    "parse_fuzzy",
    "relations",
    "relations_chart",
    "render_lineage",
    "resolve_names",
    "rollup",
    "split_candidates",
    "tag_as_of",
    "unresolved_names",
    "write_graphml",
    "write_node_link",
]
