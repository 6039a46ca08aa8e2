"""Redraw the import graph in docs/architecture.md from the code (tests/test_imports.py checks it).

    python scripts/import_graph.py           # rewrite the block between its two markers
    python scripts/import_graph.py --print   # print it, change nothing
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_imports import ARCHITECTURE, GRAPH_END, GRAPH_START, render_graph  # noqa: E402


def main(argv: list[str]) -> int:
    graph = render_graph()
    if "--print" in argv:
        print(graph)
        return 0
    text = ARCHITECTURE.read_text(encoding="utf-8")
    if GRAPH_START not in text:
        sys.exit(f"{ARCHITECTURE}: no line {GRAPH_START!r} to write the graph after")
    start, end = text.index(GRAPH_START), text.index(GRAPH_END) + len(GRAPH_END)
    ARCHITECTURE.write_text(text[:start] + graph + text[end:], encoding="utf-8")
    print(f"wrote the import graph into {ARCHITECTURE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
