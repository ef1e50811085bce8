"""The lineage graph, its exports and the timeline picture."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from spillover.actors import (
    export_lineage,
    lineage_graph,
    lineage_tree_text,
    load_registry,
    render_lineage,
)


@pytest.fixture(scope="module")
def reg():  # noqa: ANN201
    return load_registry(ucdp_actors=False)


def test_lineage_graph_has_dated_sourced_edges(reg) -> None:  # noqa: ANN001
    graph = lineage_graph(reg)
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == len(reg)
    edge = graph.get_edge_data("gspc", "aqim")["renamed_to"]
    assert edge["start"] == "2007-01" and "Filiu" in edge["sources"]
    assert graph.nodes["aqim"]["founded"] == "2007-01"


def test_render_lineage_writes_a_real_png_and_svg(reg, tmp_path: Path) -> None:  # noqa: ANN001
    paths = render_lineage("aqim", tmp_path / "aqim", registry=reg)
    assert sorted(p.suffix for p in paths) == [".png", ".svg"]
    png, svg = (next(p for p in paths if p.suffix == s) for s in (".png", ".svg"))
    with Image.open(png) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("L"))
    assert width >= 800 and height >= 500
    assert pixels.std() > 10  # not blank
    assert (pixels < 100).mean() > 0.005  # dark ink: lanes, labels, arrows
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text(encoding="utf-8")
    assert "gspc" in text and "renamed to" in text


def test_render_lineage_respects_the_date_range(reg, tmp_path: Path) -> None:  # noqa: ANN001
    paths = render_lineage("jnim", tmp_path / "jnim", date_range=("2010", "2022"), registry=reg)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_export_lineage_writes_graphml_and_node_link_json(reg, tmp_path: Path) -> None:  # noqa: ANN001
    files = export_lineage("jnim", tmp_path / "out", registry=reg)
    assert {p.suffix for p in files} == {".svg", ".png", ".graphml", ".json"}
    graphml = nx.read_graphml(next(p for p in files if p.suffix == ".graphml"))
    assert "katiba-macina" in graphml and graphml.has_edge("katiba-macina", "jnim")
    data = json.loads(next(p for p in files if p.suffix == ".json").read_text(encoding="utf-8"))
    assert any(n["id"] == "ansar-dine" for n in data["nodes"])
    assert any(e["source"] == "ansar-dine" and e["target"] == "jnim" for e in data["edges"])


def test_lineage_tree_text(reg) -> None:  # noqa: ANN001
    console = Console(record=True, width=160)
    console.print(lineage_tree_text("aqim", registry=reg))
    text = console.export_text()
    assert "Salafist Group for Preaching and Combat" in text and "Armed Islamic Group" in text
    assert "2007-01" in text and "Abdelmalek Droukdel" in text
