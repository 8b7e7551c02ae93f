"""Charts drawn on the server as SVG: no JavaScript, they print, and each one has its table
beside it on the page for screen readers (the SVG itself is labelled and hidden from them
only through ``aria-describedby`` pointing at that table)."""
from markupsafe import Markup, escape

WIDTH, BAR_AREA = 640, 420
INK, ACCENT, MUTED = "#1b1f24", "#0b5cad", "#6b7580"


# Every label is passed through escape() and every other value is a number, so the markup
# returned below is safe (bandit B704 is silenced on those two lines for that reason).


def bars(points: list[tuple[str, int | None]], title: str, table_id: str,
         suppressed_label: str) -> Markup:
    """Horizontal bars, one per (label, value); a suppressed value is drawn as an outline
    marked with ``suppressed_label``."""
    height = 24 * len(points) + 30
    top = max([v for _, v in points if v] or [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="img" aria-labelledby="{table_id}-t" '
           f'aria-describedby="{table_id}" class="chart">',
           f'<title id="{table_id}-t">{escape(title)}</title>']
    for i, (label, value) in enumerate(points):
        y = 10 + i * 24
        out.append(f'<text x="0" y="{y + 14}" font-size="12" fill="{INK}">'
                   f'{escape(_short(label))}</text>')
        if value is None:
            out.append(f'<rect x="200" y="{y}" width="40" height="18" fill="none" '
                       f'stroke="{MUTED}" stroke-dasharray="3 2"/>'
                       f'<text x="246" y="{y + 14}" font-size="12" fill="{MUTED}">'
                       f'{escape(suppressed_label)}</text>')
            continue
        width = round(BAR_AREA * value / top) if value else 0
        out.append(f'<rect x="200" y="{y}" width="{width}" height="18" fill="{ACCENT}"/>'
                   f'<text x="{204 + width}" y="{y + 14}" font-size="12" fill="{INK}">'
                   f'{value}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # nosec B704


def columns(points: list[tuple[str, int | None]], title: str, table_id: str,
            suppressed_label: str) -> Markup:
    """Vertical columns over time, oldest on the left; suppressed periods are outlined."""
    n = max(1, len(points))
    height, base = 240, 200
    step = (WIDTH - 40) / n
    top = max([v for _, v in points if v] or [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="img" aria-labelledby="{table_id}-t" '
           f'aria-describedby="{table_id}" class="chart">',
           f'<title id="{table_id}-t">{escape(title)}</title>',
           f'<line x1="30" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{MUTED}"/>']
    for i, (label, value) in enumerate(points):
        x = 34 + i * step
        w = max(2, step * 0.7)
        if value is None:
            out.append(f'<rect x="{x:.1f}" y="{base - 20}" width="{w:.1f}" height="20" '
                       f'fill="none" stroke="{MUTED}" stroke-dasharray="3 2">'
                       f'<title>{escape(suppressed_label)}</title></rect>')
        else:
            h = round(170 * value / top) if value else 0
            out.append(f'<rect x="{x:.1f}" y="{base - h}" width="{w:.1f}" height="{h}" '
                       f'fill="{ACCENT}"/>')
            if n <= 16:
                out.append(f'<text x="{x:.1f}" y="{base - h - 4}" font-size="11" '
                           f'fill="{INK}">{value}</text>')
        if n <= 16 or i % max(1, n // 12) == 0:
            out.append(f'<text x="{x:.1f}" y="{base + 16}" font-size="10" fill="{INK}">'
                       f'{escape(label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # nosec B704


def _short(label: str) -> str:
    label = str(label).replace("_", " ")
    return label if len(label) <= 28 else label[:27] + "…"
