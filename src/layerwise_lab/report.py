"""The lab report: every result under a directory, as one Markdown page (``index.md``) and one HTML page
(``index.html``, rendered from the Markdown by Python-Markdown) with the figures beside them."""

import collections
import html
import math
from pathlib import Path

from layerwise_lab._runner import _write_text, read_results

REGENERATE = "layerwise lab run --all --out docs/lab"


def _number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.4g}"


def _cell(value) -> str:
    return (_number(value) if not isinstance(value, list) else ", ".join(map(_number, value))).replace("|", "\\|")


def _table(table) -> list:
    lines = [f"*{table['caption']}*", ""] if table["caption"] else []
    lines += ["| " + " | ".join(table["columns"]) + " |", "|" + "---|" * len(table["columns"])]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in table["rows"]]
    return lines + [""]


def _minutes(seconds) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _scalars(numbers, prefix=""):
    """(dotted name, value) of every number in ``numbers``, nested dicts included (lists are left out)."""
    for key, value in numbers.items():
        if isinstance(value, dict):
            yield from _scalars(value, f"{prefix}{key}.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield f"{prefix}{key}", float(value)


def _spread_table(group) -> list:
    """Each number every seed measured: its mean, standard deviation (n - 1), minimum and maximum."""
    measured = [dict(_scalars(result["numbers"])) for result in group]
    rows = []
    for name in measured[0]:
        values = [numbers[name] for numbers in measured if name in numbers]
        if len(values) == len(group):
            mean = sum(values) / len(values)
            std = math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))
            rows.append([name, mean, std, min(values), max(values)])
    if not rows:
        return []
    return _table({"caption": f"The measured numbers over the {len(group)} seeds.",
                   "columns": ["number", "mean", "std", "min", "max"], "rows": rows})


def _verdicts(group) -> str:
    """"held" for one result; "held 2/3, did not hold 1/3" over several seeds."""
    counts = collections.Counter(result["verdict"]["status"] for result in group)
    if len(group) == 1:
        return group[0]["verdict"]["status"]
    return ", ".join(f"{status} {count}/{len(group)}" for status, count in counts.most_common())


def _section(group) -> list:
    """One experiment's section: its claim, protocol, criterion and verdict; over several seeds, each seed's
    verdict and the spread of the numbers. The tables and figures are the first seed's."""
    result = group[0]
    made, verdict = result["provenance"], result["verdict"]
    scale = "quick" if made["quick"] else "full"
    seeds = [one["provenance"]["seed"] for one in group]
    command = f"layerwise lab run {result['name']}" + (f" --seed {seeds[0]} --seeds {len(group)}"
                                                         if len(group) > 1 else "")
    # An explicit anchor: GitHub, Python-Markdown and MkDocs derive different ids from a title with symbols.
    lines = [f'<a id="{result["name"]}"></a>', "", f"## {result['number']}. {result['title']}", "",
             f"`{command}`", ""]
    lines += [f"> {line}" for line in result["claim"].splitlines()]
    lines += [">", f"> — lecture{'s' if len(result['lectures']) > 1 else ''} {', '.join(result['lectures'])}", ""]
    lines += [f"**Protocol.** {result['protocol']}", "", f"**Criterion.** {result['criterion']}", ""]
    if len(group) == 1:
        lines += [f"**Verdict: {verdict['status']}.** {verdict['reason']}", ""]
    else:
        lines += [f"**Verdict over {len(group)} seeds: {_verdicts(group)}.**", ""]
        lines += _table({"caption": "", "columns": ["seed", "verdict", "reason"],
                         "rows": [[one["provenance"]["seed"], one["verdict"]["status"], one["verdict"]["reason"]]
                                  for one in group]})
        lines += _spread_table(group)
        lines += [f"The tables and figures below are seed {seeds[0]}'s.", ""]
    for table in result["tables"]:
        lines += _table(table)
    directory = result.get("directory", result["name"])
    for figure in result["figures"]:
        lines += [f"![{figure['caption'] or figure['file']}]({directory}/{figure['file']})", ""]
        if figure["caption"]:
            lines += [f"*{figure['caption']}*", ""]
    data = f" on {result['dataset']}" if result.get("dataset") else ""
    seeded = f"seed {seeds[0]}" if len(group) == 1 else f"seeds {', '.join(map(str, seeds))}"
    wall = sum(one["provenance"]["wall_seconds"] for one in group)
    lines += [f"<small>Run{data} at {scale} scale, {seeded}, in {_minutes(wall)} on "
              f"{made['started']}: layerwise {made['layerwise']} (commit {made['commit']}), {made['cpu']} "
              f"({made['cores']} cores), BLAS {made['blas']}, layerwise threads {made['threads']}, "
              f"NumPy {made['numpy']}, Python {made['python']}.</small>", ""]
    return lines


def _by_experiment(results) -> list:
    """The results grouped by experiment, in the order given (the lab's, then by seed)."""
    groups = {}
    for result in results:
        groups.setdefault(result["name"], []).append(result)
    return list(groups.values())


def markdown_report(results) -> str:
    """The report's Markdown: a summary table of the verdicts, then one section per experiment (the results of
    an experiment run with several seeds make one section, with the spread of their numbers)."""
    lines = ["# The lab: the lectures' claims, measured", "",
             "Each experiment tests one claim of the lectures on real data, with a criterion fixed in its code "
             f"before the run. Regenerate this page with `{REGENERATE}` (a section alone: `layerwise lab run "
             "NAME --out docs/lab`, then `layerwise lab report --out docs/lab`).", "",
             "| # | experiment | lectures | verdict | time |", "|---|---|---|---|---|"]
    groups = _by_experiment(results)
    for group in groups:
        result = group[0]
        scale = " (quick)" if result["provenance"]["quick"] else ""
        lectures = ", ".join(lecture[:3] for lecture in result["lectures"])
        wall = sum(one["provenance"]["wall_seconds"] for one in group)
        lines.append(f"| {result['number']} | [{result['title']}](#{result['name']}) | {lectures} | "
                     f"**{_verdicts(group)}**{scale} | {_minutes(wall)} |")
    lines.append("")
    for group in groups:
        lines += _section(group)
    return "\n".join(lines)


def html_report(markdown_text) -> str:
    """The Markdown report as a standalone HTML page."""
    try:
        import markdown
    except ImportError as error:
        raise ImportError("the lab's HTML report needs Python-Markdown: pip install 'layerwise[lab]'") from error
    body = markdown.markdown(markdown_text, extensions=["tables", "toc"])
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
            f"{html.escape('layerwise lab report')}</title><style>body{{max-width:60em;margin:auto;"
            "font-family:sans-serif;line-height:1.4}}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:2px 6px}img{max-width:100%}blockquote{color:#444;border-left:3px solid #ccc;margin-left:0;"
            f"padding-left:1em}}</style></head><body>\n{body}\n</body></html>\n")


def write_report(out) -> Path:
    """Write ``out/index.md`` and ``out/index.html`` from the results under ``out``; return the Markdown's path."""
    out = Path(out)
    results = read_results(out)
    if not results:
        raise FileNotFoundError(f"no lab results under {out}: run `layerwise lab run NAME --out {out}` first")
    text = markdown_report(results)
    _write_text(out / "index.md", text + "\n")
    _write_text(out / "index.html", html_report(text))
    return out / "index.md"
