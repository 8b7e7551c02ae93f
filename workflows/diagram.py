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
