"""The results of bench/run.py as a Markdown table."""

from measure import Stat


def cell(stat: Stat | None, n: int = 0) -> str:
    if stat is None:
        return "–"
    if not stat.ok:
        return "n/a" if stat.status == 404 else f"HTTP {stat.status}"
    text = f"{stat.median:,.0f} / {stat.p95:,.0f}".replace(",", " ")
    # Fewer than N requests when the page used up its time budget.
    return f"{text} (n={len(stat.times)})" if len(stat.times) < n else text


def ratio(app: Stat | None, other: Stat | None) -> str:
    if not (app and other and app.ok and other.ok):
        return "–"
    value = app.median / other.median
    return f"{value:.2f}×" if value < 0.1 else f"{value:.1f}×"


def render(columns, page_list, download_label, *, machine, settings, load) -> str:
    apps = [name for name in columns if name.startswith("app")]
    others = [name for name in columns if not name.startswith("app")]
    pairs = [(app, other) for app in apps for other in others]
    lines = [
        "# Benchmark: the app and Datasette on the same synthetic data",
        "",
        "Produced by `make bench` (bench/run.py). "
        + ", ".join(f"{key}: {value}" for key, value in {**machine, **settings}.items())
        + ".",
        f"Load average before {load[0][0]:.1f}, after {load[1][0]:.1f} "
        "(a shared machine: the figures are noisy).",
        "",
        "Milliseconds, median / p95 over N requests, each on a new connection, "
        "the whole body read. Ratios compare medians; below 1× the app is faster.",
        "",
        "| "
        + " | ".join(
            ["page", *columns] + [f"{app[4:]} ÷ {other[10:]}" for app, other in pairs]
        )
        + " |",
        "|---" * (1 + len(columns) + len(pairs)) + "|",
    ]
    for name, _, _ in page_list:
        stats = {column: results.get(name) for column, results in columns.items()}
        cells = [name] + [cell(stats[column], settings["N"]) for column in columns]
        cells += [ratio(stats[app], stats[other]) for app, other in pairs]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Full download, {download_label} and Datasette's "
        "`.csv?_stream=on&_size=max` (median of the downloads; memory is the "
        "largest server process, peak and growth during the downloads):",
        "",
        "| server | time | size | lines | peak RSS | RSS growth |",
        "|---|---|---|---|---|---|",
    ]
    for column, results in columns.items():
        stat = results.get("download")
        if stat is None or not stat.ok:
            lines.append(f"| {column} | {cell(stat)} | | | | |")
            continue
        lines.append(
            f"| {column} | {stat.median / 1000:.2f} s | "
            f"{stat.size / 1e6:.1f} MB | {stat.lines} | "
            f"{stat.peak_rss / 1024:.0f} MB | {stat.rss_growth / 1024:.0f} MB |"
        )
    return "\n".join(lines) + "\n"
