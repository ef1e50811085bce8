"""The registry as a graph: networkx for analysis and export, a matplotlib timeline, a rich tree.

The timeline puts time on the x axis and one lane per group (from founding to dissolution), with each
dated relation drawn as an arrow from one lane to the other at its date, so successions, pledges and
memberships read left to right as they happened.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.tree import Tree

from spillover._lazy import lazy_module
from spillover.actors.dates import to_date
from spillover.actors.lineage import FAMILY_PARTS, _incoming, _reg, family
from spillover.actors.models import Group
from spillover.actors.registry import Registry

nx = lazy_module("networkx")  # imported when a graph is built (~0.2 s)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RELATION_COLOURS = {
    "renamed_to": "#1b9e77",
    "merged_into": "#d95f02",
    "split_from": "#e7298a",
    "pledged_allegiance_to": "#7570b3",
    "affiliate_of": "#66a61e",
    "rival_of": "#a6761d",
    "component_of": "#1f78b4",
    "allied_with": "#e6ab02",
}


def _node_attrs(g: Group) -> dict[str, Any]:
    return {
        "name": g.name,
        "kind": g.kind,
        "country": g.country or "",
        "origin": g.origin,
        "founded": str(g.founded) if g.founded else "",
        "dissolved": str(g.dissolved) if g.dissolved else "",
    }


def lineage_graph(registry: Registry | None = None, groups: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """Every group as a node and every relation as an edge keyed by its type (optionally only among
    ``groups``).  Attributes are strings so the graph exports to GraphML as is."""
    reg = _reg(registry)
    keep = {reg.canonical_id(g) for g in groups} if groups is not None else set(reg.groups)
    graph = nx.MultiDiGraph()
    for gid in keep:
        graph.add_node(gid, **_node_attrs(reg.groups[gid]))
    for gid in keep:
        for r in reg.groups[gid].relations:
            if r.target not in keep:
                continue
            graph.add_edge(
                gid,
                r.target,
                key=r.type,
                type=r.type,
                start=str(r.start) if r.start else "",
                end=str(r.end) if r.end else "",
                start_precision=r.start.precision if r.start else "",
                sources="; ".join(reg.cite(s).short() for s in r.sources),
                note=r.note or "",
            )
    return graph


def write_graphml(graph: nx.MultiDiGraph, path: Path | str) -> Path:
    nx.write_graphml(graph, str(path))
    return Path(path)


def write_node_link(graph: nx.MultiDiGraph, path: Path | str) -> Path:
    data = nx.node_link_data(graph, edges="edges")
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return Path(path)


def lineage_members(group_id: str, registry: Registry | None = None, limit: int = 24) -> list[str]:
    """Lanes of a lineage picture, oldest first: the group's predecessors and successors, then the rest of
    its family and the groups it pledged or belonged to; groups without any date come last and are the
    first dropped when there are more than ``limit``."""
    reg = _reg(registry)
    root = reg.canonical_id(group_id)
    core = family(root, include=("predecessors", "successors"), registry=reg)
    fam = family(root, include=FAMILY_PARTS, registry=reg)
    others = [g for g in fam if g not in core] + [
        r.target for r in reg.groups[root].relations if r.target not in fam
    ]

    def rank(gid: str) -> tuple[int, int, str]:
        return (_lane_start(reg, gid) is None, len(fam.get(gid, ())), gid)

    ordered = list(dict.fromkeys(sorted(core, key=rank) + sorted(others, key=rank)))[:limit]
    return sorted(ordered, key=lambda g: (_lane_start(reg, g) or dt.date.max, g))


def _lane_start(reg: Registry, gid: str) -> dt.date | None:
    """When a lane begins: the founding date, else the earliest dated relation of the group."""
    g = reg.groups[gid]
    if g.founded is not None:
        return g.founded.first
    starts = [r.start.first for r in g.relations if r.start is not None]
    return min(starts) if starts else None


def _lane_end(reg: Registry, g: Group) -> dt.date | None:
    """When a lane ends: dissolution, else the day the group was renamed or merged into another."""
    if g.dissolved is not None:
        return g.dissolved.last
    ends = [
        r.start.first for r in g.relations if r.type in ("renamed_to", "merged_into") and r.start is not None
    ]
    return min(ends) if ends else None


def render_lineage(
    group_id: str,
    path: Path | str,
    date_range: tuple[Any, Any] | None = None,
    registry: Registry | None = None,
) -> list[Path]:
    """Draw the lineage timeline of ``group_id``; writes ``path`` as .svg and .png and returns both paths.

    Time runs left to right; each group is a lane from founding to dissolution (dashed where the founding
    date is unknown); each dated relation is an arrow at its date from the group that holds it to its
    target, labelled with its type and date.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    reg = _reg(registry)
    root = reg.canonical_id(group_id)
    members = lineage_members(root, reg)
    lo, hi = _time_span(reg, members, date_range)
    lanes = {gid: i for i, gid in enumerate(members)}
    fig = Figure(figsize=(13, 1.5 + 0.5 * len(members)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for gid, y in lanes.items():
        _draw_lane(ax, reg, reg.groups[gid], y, lo, hi, highlight=gid == root)
    used: set[str] = set()
    drawn: dict[dt.date, int] = {}
    for gid in members:
        for r in reg.groups[gid].relations:
            if r.target in lanes and r.start is not None and lo <= r.start.first <= hi:
                nudge = drawn.get(r.start.first, 0)
                drawn[r.start.first] = nudge + 1
                when = r.start.first + dt.timedelta(days=45 * nudge)
                _draw_relation(ax, when, lanes[gid], lanes[r.target], r.type, str(r.start))
                used.add(r.type)
    ax.set_yticks(range(len(members)), [f"{reg.groups[g].name} [{g}]" for g in members], fontsize=8)
    ax.set_ylim(len(members) - 0.5, -1.0)
    ax.set_xlim(date2num(lo), date2num(hi))
    ax.xaxis_date()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(
        f"Lineage of {reg.groups[root].name}: groups as lanes, dated relations as arrows", fontsize=10
    )
    handles = [
        ax.plot([], [], color=RELATION_COLOURS[t], lw=2, label=t.replace("_", " "))[0] for t in sorted(used)
    ]
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=True, ncols=min(4, len(handles)))
    base = Path(path)
    out = [base.with_suffix(".svg"), base.with_suffix(".png")]
    base.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out[0])
    fig.savefig(out[1], dpi=110)
    return out


def _time_span(
    reg: Registry, members: list[str], date_range: tuple[Any, Any] | None
) -> tuple[dt.date, dt.date]:
    if date_range is not None:
        return to_date(date_range[0]), to_date(date_range[1])
    dates = [d for d in (_lane_start(reg, g) for g in members) if d is not None]
    for gid in members:
        dates += [
            r.start.first for r in reg.groups[gid].relations if r.start is not None and r.target in members
        ]
    if not dates:
        return dt.date(1990, 1, 1), dt.date.today()
    return dt.date(min(dates).year - 1, 1, 1), min(dt.date(max(dates).year + 3, 1, 1), dt.date.today())


def _draw_lane(ax: Any, reg: Registry, g: Group, y: int, lo: dt.date, hi: dt.date, highlight: bool) -> None:
    from matplotlib.dates import date2num

    begin = _lane_start(reg, g.id) or lo
    start = max(begin, lo)
    end = min(_lane_end(reg, g) or hi, hi)
    ax.plot([date2num(lo), date2num(hi)], [y, y], color="#eeeeee", lw=1, zorder=1)
    if end >= start:
        ax.plot(
            [date2num(start), date2num(end)],
            [y, y],
            color="#222222" if highlight else "#8a8a8a",
            lw=7 if highlight else 4,
            solid_capstyle="butt",
            zorder=2,
            linestyle="-" if g.founded is not None else (0, (2, 1)),
        )


def _draw_relation(ax: Any, when: dt.date, y_from: int, y_to: int, kind: str, label: str) -> None:
    from matplotlib.dates import date2num

    x = date2num(when)
    colour = RELATION_COLOURS.get(kind, "black")
    ax.annotate(
        "",
        xy=(x, y_to),
        xytext=(x, y_from),
        zorder=3,
        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.3, "shrinkA": 3, "shrinkB": 3},
    )
    offset = -0.28 if y_to > y_from else 0.28
    ax.text(
        x,
        y_from + offset,
        f" {kind.replace('_', ' ')} {label}",
        fontsize=6,
        color=colour,
        va="center",
        ha="left",
        zorder=4,
        bbox={"facecolor": "white", "alpha": 0.7, "pad": 0.5, "lw": 0},
    )


def export_lineage(group_id: str, out_dir: Path | str, registry: Registry | None = None) -> list[Path]:
    """SVG + PNG timeline, GraphML and node-link JSON of a group's lineage, written into ``out_dir``."""
    reg = _reg(registry)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gid = reg.canonical_id(group_id)
    files = render_lineage(gid, out / f"lineage-{gid}", registry=reg)
    graph = lineage_graph(reg, lineage_members(gid, reg))
    files.append(write_graphml(graph, out / f"lineage-{gid}.graphml"))
    files.append(write_node_link(graph, out / f"lineage-{gid}.json"))
    return files


def lineage_tree_text(group_id: str, registry: Registry | None = None) -> Tree:
    """A terminal tree: predecessors (recursively), successors and splinters, memberships, components (rich
    markup: names escaped)."""
    reg = _reg(registry)
    gid = reg.canonical_id(group_id)
    g = reg.group(gid)
    tree = Tree(f"[bold]{escape(g.name)}[/] [dim]({gid}{_span(g)})[/]")
    incoming = _incoming(reg)
    _add_predecessors(tree.add("[bold]predecessors[/]"), reg, gid, incoming, {gid})
    after = tree.add("[bold]successors and splinters[/]")
    for r in g.relations:
        if r.type in ("renamed_to", "merged_into"):
            after.add(_line(reg, r.target, f"{gid} {r.type} it", r.start, r.end))
    for src, r in incoming.get(gid, []):
        if r.type == "split_from":
            after.add(_line(reg, src, f"split_from → {gid}", r.start, r.end))
    links = tree.add("[bold]member of, pledged or affiliated to, rivals[/]")
    for r in g.relations:
        if r.type in ("component_of", "pledged_allegiance_to", "affiliate_of", "rival_of"):
            links.add(_line(reg, r.target, f"{gid} {r.type} it", r.start, r.end))
    below = tree.add("[bold]components and affiliates[/]")
    for src, r in incoming.get(gid, []):
        if r.type in ("component_of", "affiliate_of", "pledged_allegiance_to"):
            below.add(_line(reg, src, f"{r.type} → {gid}", r.start, r.end))
    if g.leaders:
        leaders = tree.add("[bold]leaders[/]")
        for leader in g.leaders:
            kind = f", {leader.kind}" if leader.kind else ""
            leaders.add(f"{escape(leader.name)} [dim]({leader.start or '?'}–{leader.end or ''}{kind})[/]")
    return tree


def _add_predecessors(node: Tree, reg: Registry, gid: str, incoming: dict, seen: set[str]) -> None:
    for src, r in incoming.get(gid, []):
        if r.type in ("renamed_to", "merged_into") and src not in seen:
            seen.add(src)
            _add_predecessors(
                node.add(_line(reg, src, f"{r.type} → {gid}", r.start, r.end)), reg, src, incoming, seen
            )
    for r in reg.groups[gid].relations:
        if r.type == "split_from" and r.target not in seen:
            seen.add(r.target)
            _add_predecessors(
                node.add(_line(reg, r.target, f"{gid} split_from it", r.start, r.end)),
                reg,
                r.target,
                incoming,
                seen,
            )


def _span(g: Group) -> str:
    if not g.founded and not g.dissolved:
        return ""
    return f", {g.founded or '?'}–{g.dissolved or ''}"


def _line(reg: Registry, gid: str, how: str, start: Any, end: Any) -> str:
    when = f"{start or '?'}" + (f"–{end}" if end else "")
    return f"{escape(reg.groups[gid].name)} [dim]({gid})[/] — {how} [cyan]{when}[/]"


#: Point size of the lineage diagram's labels (legible in print: at least 8 pt at the size it is drawn).
DIAGRAM_FONT_PT = 8.5
#: Width of the diagram in inches: the text width of an A4 page, so that it prints unscaled.
DIAGRAM_WIDTH_IN = 6.9


def _era_layers(reg: Registry, members: list[str], n_layers: int) -> dict[str, int]:
    """Each member's column: members in order of their lane's start, cut into ``n_layers`` columns of
    nearly equal size, so time reads left to right."""
    ordered = sorted(members, key=lambda g: (_lane_start(reg, g) or dt.date.max, g))
    per = -(-len(ordered) // n_layers)
    return {gid: i // per for i, gid in enumerate(ordered)}


def _node_label(reg: Registry, gid: str, width: int) -> str:
    import textwrap

    g = reg.groups[gid]
    start = _lane_start(reg, gid)
    end = _lane_end(reg, g)
    years = f"{start.year if start else '?'}–{end.year if end else ''}"
    return "\n".join(textwrap.wrap(g.name, width=width)) + f"\n{years}"


def lineage_diagram(group_id: str, registry: Registry | None = None) -> Figure:
    """The lineage as a layered graph: each group a labelled box, each dated relation an arrow coloured by
    its type.  Columns follow time (networkx's ``multipartite_layout`` over chronological layers); the
    figure is sized so that boxes never overlap and labels print at :data:`DIAGRAM_FONT_PT`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch

    reg = _reg(registry)
    root = reg.canonical_id(group_id)
    members = lineage_members(root, reg)
    n_layers = max(1, min(4, len(members)))
    layers = _era_layers(reg, members, n_layers)
    chars = int(DIAGRAM_WIDTH_IN / n_layers * 72 / (DIAGRAM_FONT_PT * 0.62)) - 3
    graph = nx.MultiDiGraph()
    for gid in members:
        graph.add_node(gid, layer=layers[gid], label=_node_label(reg, gid, chars))
    for gid in members:
        for r in reg.groups[gid].relations:
            if r.target in layers and r.target != gid:
                graph.add_edge(gid, r.target, key=r.type, type=r.type)
    pos = nx.multipartite_layout(graph, subset_key="layer", align="vertical", scale=1.0)
    # within a column, oldest on top, one unit apart (the spacing multipartite_layout gives)
    columns = [[g for g in members if layers[g] == i] for i in range(n_layers)]
    biggest = max(columns, key=len)
    unit = (
        min(abs(pos[a][1] - pos[b][1]) for a, b in zip(biggest, biggest[1:], strict=False))
        if len(biggest) > 1
        else 1.0
    )
    for column in columns:
        top = unit * (len(column) - 1) / 2
        for k, gid in enumerate(column):
            pos[gid] = (float(pos[gid][0]), float(top - k * unit))
    # size the figure so that a unit holds the tallest label with room to spare
    lines = max(len(graph.nodes[g]["label"].splitlines()) for g in members)
    unit_in = (lines * DIAGRAM_FONT_PT * 1.25 + 14) / 72
    legend_units = 1.6
    fig = Figure(figsize=(DIAGRAM_WIDTH_IN, (len(biggest) + legend_units) * unit_in))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    xs = sorted({p[0] for p in pos.values()})
    x_pad = (xs[-1] - xs[0]) / (2 * (len(xs) - 1)) if len(xs) > 1 else 1.0
    ax.set_xlim(xs[0] - x_pad, xs[-1] + x_pad)
    half = unit * len(biggest) / 2
    ax.set_ylim(-half - legend_units * unit, half)
    boxes = {}
    for gid in members:
        x, y = pos[gid]
        boxes[gid] = ax.text(
            x, y, graph.nodes[gid]["label"], ha="center", va="center", fontsize=DIAGRAM_FONT_PT, zorder=3,
            gid=f"node-{gid}", fontweight="bold" if gid == root else "normal",
            bbox={"boxstyle": "round,pad=0.35", "facecolor": "#fde0c5" if gid == root else "white",
                  "edgecolor": "#333333" if gid == root else "#8a8a8a", "lw": 1.2 if gid == root else 0.8},
        )  # fmt: skip
    fig.draw_without_rendering()  # the boxes' patches now have their size: arrows can stop at their edges
    used: set[str] = set()
    for a, b, kind in graph.edges(keys=True):
        same_column = layers[a] == layers[b]
        # add_artist, not add_patch: the limits are set above, and add_patch would clip each curved arrow
        # against both boxes once more only to widen the (unused) data limits
        ax.add_artist(
            FancyArrowPatch(
                pos[a], pos[b], patchA=boxes[a].get_bbox_patch(), patchB=boxes[b].get_bbox_patch(),
                arrowstyle="-|>", mutation_scale=9, lw=1.1, color=RELATION_COLOURS.get(kind, "black"),
                connectionstyle=f"arc3,rad={0.35 if same_column else 0.08}", zorder=2,
            )
        )  # fmt: skip
        used.add(kind)
    handles = [
        ax.plot([], [], color=RELATION_COLOURS[t], lw=2, label=t.replace("_", " "))[0] for t in sorted(used)
    ]
    if handles:
        ax.legend(handles=handles, loc="lower center", fontsize=DIAGRAM_FONT_PT, frameon=False,
                  ncols=min(4, len(handles)), title="An arrow points from a group to the group it …", title_fontsize=DIAGRAM_FONT_PT)  # fmt: skip
    return fig


def render_lineage_diagram(group_id: str, path: Path | str, registry: Registry | None = None) -> Path:
    """Write :func:`lineage_diagram` as SVG (text kept as text) to ``path``."""
    import matplotlib

    out = Path(path).with_suffix(".svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        lineage_diagram(group_id, registry).savefig(out)
    return out
