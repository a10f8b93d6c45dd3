"""Small helpers to summarise latencies and print aligned tables."""


def percentile(sorted_values, fraction):
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def table(title, columns, rows):
    """Return a Markdown table: a heading line, then the header and the rows."""
    cells = [[format_cell(value) for value in row] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [f"### {title}", ""]
    lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in cells:
        lines.append("| " + " | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines) + "\n"


def format_cell(value):
    if isinstance(value, float):
        if value != value:  # NaN: not measured
            return "-"
        if abs(value) < 1:
            return f"{value:.3f}"
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
