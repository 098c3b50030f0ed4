"""The lab report: every result under a directory, as one Markdown page (``index.md``) and one HTML page
(``index.html``, rendered from the Markdown by Python-Markdown) with the figures beside them."""

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


def _section(result) -> list:
    made, verdict = result["provenance"], result["verdict"]
    scale = "quick" if made["quick"] else "full"
    # An explicit anchor: GitHub, Python-Markdown and MkDocs derive different ids from a title with symbols.
    lines = [f'<a id="{result["name"]}"></a>', "", f"## {result['number']}. {result['title']}", "",
             f"`layerwise lab run {result['name']}`", ""]
    lines += [f"> {line}" for line in result["claim"].splitlines()]
    lines += [">", f"> — lecture{'s' if len(result['lectures']) > 1 else ''} {', '.join(result['lectures'])}", ""]
    lines += [f"**Protocol.** {result['protocol']}", "", f"**Criterion.** {result['criterion']}", ""]
    lines += [f"**Verdict: {verdict['status']}.** {verdict['reason']}", ""]
    for table in result["tables"]:
        lines += _table(table)
    for figure in result["figures"]:
        lines += [f"![{figure['caption'] or figure['file']}]({result['name']}/{figure['file']})", ""]
        if figure["caption"]:
            lines += [f"*{figure['caption']}*", ""]
    data = f" on {result['dataset']}" if result.get("dataset") else ""
    lines += [f"<small>Run{data} at {scale} scale, seed {made['seed']}, in {_minutes(made['wall_seconds'])} on "
              f"{made['started']}: layerwise {made['layerwise']} (commit {made['commit']}), {made['cpu']} "
              f"({made['cores']} cores), BLAS {made['blas']}, layerwise threads {made['threads']}, "
              f"NumPy {made['numpy']}, Python {made['python']}.</small>", ""]
    return lines


def markdown_report(results) -> str:
    """The report's Markdown: a summary table of the verdicts, then one section per experiment."""
    lines = ["# The lab: the lectures' claims, measured", "",
             "Each experiment tests one claim of the lectures on real data, with a criterion fixed in its code "
             f"before the run. Regenerate this page with `{REGENERATE}` (a section alone: `layerwise lab run "
             "NAME --out docs/lab`, then `layerwise lab report --out docs/lab`).", "",
             "| # | experiment | lectures | verdict | time |", "|---|---|---|---|---|"]
    for result in results:
        scale = " (quick)" if result["provenance"]["quick"] else ""
        lectures = ", ".join(lecture[:3] for lecture in result["lectures"])
        lines.append(f"| {result['number']} | [{result['title']}](#{result['name']}) | {lectures} | "
                     f"**{result['verdict']['status']}**{scale} | {_minutes(result['provenance']['wall_seconds'])} |")
    lines.append("")
    for result in results:
        lines += _section(result)
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
