"""Diagrams of the tracks, drawn from the definitions themselves (Mermaid state diagrams)."""
from . import Track


def mermaid(track: Track) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {track.initial}"]
    for t in track.transitions:
        rules = sorted({g.rule for g in t.guards})
        label = t.event + (f" [{', '.join(rules)}]" if rules else "")
        if t.reason_required:
            label += " (reason)"
        for src in t.src:
            lines.append(f"    {src} --> {t.dst}: {label}")
    for state in sorted(track.final):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


# -- Pictures (SVG) drawn server-side from the same definitions and tables -----------------

def _esc(text) -> str:
    from html import escape
    return escape(str(text), quote=True)


def _layers(track: Track) -> dict[str, int]:
    """Each state's column: its distance in steps from the initial state (breadth first);
    states no step reaches go in a last column."""
    depth = {track.initial: 0}
    frontier = [track.initial]
    while frontier:
        following = []
        for state in frontier:
            for t in track.transitions:
                if state in t.src and t.dst not in depth:
                    depth[t.dst] = depth[state] + 1
                    following.append(t.dst)
        frontier = following
    last = max(depth.values()) + 1
    for state in track.states:
        depth.setdefault(state, last)
    # The end state(s) on the right, after everything that leads to them.
    end = max(depth[s] for s in track.states if s not in track.final) + 1
    for state in track.final:
        depth[state] = max(depth[state], end)
    return depth


def svg(track: Track, *, state_label=str, event_label=str, title: str = "") -> str:
    """The track as an SVG picture: states as boxes in columns by distance from the initial
    state, each step an arrow named by its event and the rules that can refuse it."""
    box_w, box_h, col_gap, row_gap, margin = 170, 40, 190, 40, 20
    depth = _layers(track)
    columns: dict[int, list[str]] = {}
    for state in track.states:
        columns.setdefault(depth[state], []).append(state)
    pos = {}
    for col, states in columns.items():
        for row, state in enumerate(states):
            pos[state] = (margin + col * (box_w + col_gap),
                          margin + 30 + row * (box_h + row_gap))
    width = margin * 2 + (max(columns) + 1) * (box_w + col_gap) - col_gap
    height = margin * 2 + 30 + max(len(s) for s in columns.values()) * (box_h + row_gap) + 80
    marker = f"arrow-{track.name}"
    title_id = f"svg-title-{track.name}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="track-diagram" role="img" '
           f'aria-labelledby="{title_id}" viewBox="0 0 {width} {height}" '
           f'width="100%" preserveAspectRatio="xMinYMin meet" data-track="{_esc(track.name)}">',
           f'<title id="{title_id}">{_esc(title or track.name)}</title>',
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
           '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>']
    seen = set()
    labelled = set()  # one label per (event, target): many sources share it
    stacked: dict[str, int] = {}
    bend = 0
    for t in track.transitions:
        rules = sorted({g.rule for g in t.guards})
        text = event_label(t.event) + (f" [{', '.join(rules)}]" if rules else "")
        for src in t.src:
            if (src, t.dst, t.event) in seen or src == t.dst:
                continue
            seen.add((src, t.dst, t.event))
            (x1, y1), (x2, y2) = pos[src], pos[t.dst]
            if depth[t.dst] > depth[src]:
                sx, sy, ex, ey = x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2
                path = f"M{sx},{sy} C{sx + col_gap / 2},{sy} {ex - col_gap / 2},{ey} {ex},{ey}"
                lx, ly = (sx + ex) / 2, (sy + ey) / 2 - 4
                if depth[t.dst] - depth[src] > 1:  # a long arrow: name it by its target
                    stacked[t.dst] = stacked.get(t.dst, 0) + (1 if (text, t.dst)
                                                              not in labelled else 0)
                    lx, ly = ex - col_gap / 2, ey + 18 + 13 * stacked[t.dst]
            else:  # back or sideways: an arc under the boxes
                bend += 1
                sx, sy = x1 + box_w / 2, y1 + box_h
                ex, ey = x2 + box_w / 2, y2 + box_h
                dip = max(sy, ey) + 18 + 8 * (bend % 4)
                path = f"M{sx},{sy} C{sx},{dip} {ex},{dip} {ex},{ey}"
                lx, ly = (sx + ex) / 2, dip - 2
            dashed = ' stroke-dasharray="5 3"' if t.reason_required else ""
            name = "" if (text, t.dst) in labelled else text
            labelled.add((text, t.dst))
            out.append(f'<g class="edge" data-edge="{_esc(src)}-&gt;{_esc(t.dst)}" '
                       f'data-event="{_esc(t.event)}"><path d="{path}" fill="none" '
                       f'stroke="#333" stroke-width="1.3"{dashed} '
                       f'marker-end="url(#{marker})"/>'
                       + (f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" '
                          'text-anchor="middle" fill="#222" paint-order="stroke" '
                          f'stroke="#fff" stroke-width="3">{_esc(name)}</text>' if name
                          else "") + '</g>')
    for state, (x, y) in pos.items():
        final = state in track.final
        fill = "#e8eef9" if state != track.initial else "#dff3e4"
        out.append(f'<g class="state" data-state="{_esc(state)}">'
                   f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="8" '
                   f'fill="{fill}" stroke="#1f3a68" stroke-width="{3 if final else 1.5}"/>'
                   f'<text x="{x + box_w / 2}" y="{y + box_h / 2 + 4}" font-size="13" '
                   f'text-anchor="middle" fill="#111">{_esc(state_label(state))}</text></g>')
    out.append("</svg>")
    return "".join(out)


def timeline_svg(jurisdiction, *, labels: dict, title: str = "") -> str:
    """A jurisdiction's periods as bars drawn to scale from its table: the first decision
    target, the reflection (recovery) period, the reconsideration window, the move-on
    period. ``labels`` names each bar (translated by the caller)."""
    bars = [("first_decision_target_days", jurisdiction.first_decision_target_days),
            ("reflection_min_days", jurisdiction.reflection_min_days),
            ("review_window_days", jurisdiction.review_window_days),
            ("move_on_days", jurisdiction.move_on_days)]
    scale, left, row = 6, 230, 30
    longest = max(days for _, days in bars) or 1
    width, height = left + longest * scale + 90, 20 + row * len(bars)
    title_id = f"svg-title-{jurisdiction.code}-{jurisdiction.version}".replace(".", "-")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="jurisdiction-timeline" role="img" '
           f'aria-labelledby="{title_id}" viewBox="0 0 {width} {height}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" data-jurisdiction="'
           f'{_esc(jurisdiction.rule_version)}">',
           f'<title id="{title_id}">{_esc(title or jurisdiction.rule_version)}</title>']
    for i, (name, days) in enumerate(bars):
        y = 10 + i * row
        out.append(f'<g data-period="{name}" data-days="{days}">'
                   f'<text x="0" y="{y + 15}" font-size="12" fill="#111">'
                   f'{_esc(labels.get(name, name))}</text>'
                   f'<rect x="{left}" y="{y + 2}" width="{max(days * scale, 1)}" height="18" '
                   f'fill="#1f3a68" rx="3"/>'
                   f'<text x="{left + days * scale + 6}" y="{y + 15}" font-size="12" '
                   f'fill="#111">{_esc(labels.get("days", "%(days)s") % {"days": days})}'
                   f'</text></g>')
    out.append("</svg>")
    return "".join(out)


def write_docs(directory) -> list:
    """The pictures docs/workflows.md shows, drawn from the definitions and tables (English
    names). ``tests/nrm/test_docs_diagrams.py`` fails when they are out of date; redraw with
    ``python -c "from workflows.diagram import write_docs; write_docs('docs/diagrams')"``."""
    from pathlib import Path

    from . import tracks
    from .jurisdictions import REGISTRY
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    labels = {"first_decision_target_days": "First decision target",
              "reflection_min_days": "Reflection period (minimum)",
              "review_window_days": "Reconsideration window",
              "move_on_days": "Move-on period", "days": "%(days)s days"}
    pictures = {f"track-{t.name}.svg": svg(t, title=t.description) for t in tracks().values()}
    pictures.update({f"jurisdiction-{j.code}.svg": timeline_svg(j, labels=labels,
                                                                title=f"{j.name} "
                                                                      f"({j.rule_version})")
                     for j in REGISTRY.values()})
    for name, picture in pictures.items():
        (directory / name).write_text(picture + "\n", encoding="utf-8")
        written.append(directory / name)
    return written
