"""The report's debrief: the five dimensions per stage as a chart, the evidence each way, clickable to the moment.

Kept apart from report.py so the report's page layout and this part change independently. Pure: session in,
HTML out. A session saved before dimensions existed still renders: its answers are "not assessed".
"""

from __future__ import annotations

import html

from voice_interviewer.content.personas import DIMENSIONS
from voice_interviewer.feedback.debrief import answer_dimensions, build_debrief
from voice_interviewer.feedback.dimensions import NOT_ASSESSED
from voice_interviewer.review.charts import clock

__all__ = ["debrief_of", "debrief_html", "debrief_markdown", "answer_dimensions_html", "DEBRIEF_STYLE",
           "DEBRIEF_SCRIPT", "dimension_grid_svg"]

RATING_COLOURS = {"strong-no-hire": "#b3262a", "no-hire": "#e07b53", "hire": "#5aa469", "strong-hire": "#1f7a47",
                  NOT_ASSESSED: "#e6e9f0"}
_NAMES = {"program-structuring": "Program structuring", "technical-fluency": "Technical fluency",
          "stakeholder-management": "Stakeholder management", "influence": "Influence without authority",
          "execution": "Execution and accountability"}

DEBRIEF_STYLE = """
.dgrid .cell text{font-size:11px;font-weight:650}.dgrid .rowname{font-size:12px;fill:#1d2433}
.dgrid .colname{font-size:12px;font-weight:650;fill:#1d2433}.rec{font-size:1.05rem;margin:.4rem 0}
.rating{display:inline-block;border-radius:.3rem;padding:0 .4rem;color:#fff;font-size:.78rem;font-weight:700}
.rating.not-assessed{color:#5b6475}ul.ev{padding-left:1.1rem;margin:.2rem 0 .5rem}ul.ev li{margin:.15rem 0}
a.ev{color:inherit;text-decoration:none;border-bottom:1px dotted #5b6475;cursor:pointer}a.ev:hover{background:#fff3c4}
.evfor{color:#1f7a47;font-weight:700}.evagainst{color:#b3262a;font-weight:700}details.dim{margin:.3rem 0}
details.dim summary{cursor:pointer;font-weight:600}.dims{margin-top:.6rem}
"""

DEBRIEF_SCRIPT = """
document.querySelectorAll('a.ev[data-answer]').forEach(function(a){a.addEventListener('click',function(ev){
  var sec=document.getElementById('a'+a.dataset.answer); if(!sec){return;} var audio=sec.querySelector('audio');
  sec.scrollIntoView({behavior:'smooth',block:'start'});
  if(audio&&a.dataset.s!==''){ev.preventDefault();audio.currentTime=+a.dataset.s;audio.play();}
});});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def debrief_of(session: dict) -> dict:
    """The saved debrief, or one built from the answers (a session saved before debriefs, or still running)."""
    saved = session.get("debrief")
    if isinstance(saved, dict) and {"stages", "loop", "evidence"} <= saved.keys():
        return saved
    return build_debrief(session.get("answers", []))


def _badge(rating: str) -> str:
    colour = RATING_COLOURS.get(rating, "#888")
    return f'<span class="rating {_e(rating)}" style="background:{colour}">{_e(rating.replace("-", " "))}</span>'


def dimension_grid_svg(columns: list[tuple[str, dict]]) -> str:
    """Rows: the five dimensions; columns: the stages then the loop; a cell: the rating, coloured."""
    left, top, cell_w, cell_h, gap = 190, 26, 112, 28, 4
    width = left + len(columns) * (cell_w + gap)
    height = top + len(DIMENSIONS) * (cell_h + gap)
    out = [f'<svg class="chart dgrid" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="The five dimensions per stage">']
    for c, (name, _) in enumerate(columns):
        x = left + c * (cell_w + gap) + cell_w / 2
        out.append(f'<text class="colname" x="{x:.0f}" y="16" text-anchor="middle">{_e(name)}</text>')
    for r, dim in enumerate(DIMENSIONS):
        y = top + r * (cell_h + gap)
        out.append(f'<text class="rowname" x="{left - 8}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="end">'
                   f'{_e(_NAMES[dim])}</text>')
        for c, (_, ratings) in enumerate(columns):
            rating = ratings.get(dim, NOT_ASSESSED)
            x = left + c * (cell_w + gap)
            ink = "#5b6475" if rating == NOT_ASSESSED else "#fff"
            out.append(f'<g class="cell"><rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" rx="5" '
                       f'fill="{RATING_COLOURS[rating]}"><title>{_e(_NAMES[dim])}: {_e(rating)}</title></rect>'
                       f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="middle" '
                       f'fill="{ink}">{_e(rating.replace("-", " "))}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _evidence_item(item: dict) -> str:
    sign = '<span class="evfor">+</span>' if item["for"] else '<span class="evagainst">−</span>'
    what = _e(item.get("signal", ""))
    answer, at_s = item.get("answer"), item.get("at_s")
    quote = f' “{_e(item["quote"])}”' if item.get("quote") else ""
    if quote and item.get("doubted"):  # holds a word the recogniser doubted: styled as in the transcript (report.css)
        quote = f' <span class="unsure" title="holds a word the recogniser doubted">{quote.strip()}</span>'
    if answer is not None:
        when = f" ({clock(at_s)})" if at_s is not None else ""
        data_s = "" if at_s is None else at_s
        link = (f'<a class="ev" href="#a{answer}" data-answer="{answer}" data-s="{data_s}" '
                f'title="play answer {answer} from here">answer {answer}{when}</a>')
        return f"<li>{sign} {what}{quote} · {link}</li>"
    return f"<li>{sign} {what}{quote}</li>"


def _evidence_lists(scope: dict, ratings: dict) -> str:
    out = []
    for dim in DIMENSIONS:
        if ratings.get(dim, NOT_ASSESSED) == NOT_ASSESSED:
            continue
        ev = scope.get(dim, {})
        items = "".join(_evidence_item(e) for e in ev.get("for", []) + ev.get("against", []))
        out.append(f'<details class="dim" open><summary>{_e(_NAMES[dim])} {_badge(ratings[dim])}</summary>'
                   f'<ul class="ev">{items or "<li>No evidence either way.</li>"}</ul></details>')
    return "".join(out)


def debrief_html(session: dict) -> str:
    """The debrief card: the grid, the recommendation once the bar raiser closed the loop, and the evidence."""
    debrief = debrief_of(session)
    if not debrief["stages"]:
        return ('<section class="card" id="debrief"><h2>Debrief</h2><p class="sub">Not assessed: no answer in this '
                "session was rated on the guide's five dimensions.</p></section>")
    columns = list(debrief["stages"].items())
    if len(columns) > 1:
        columns.append(("loop", debrief["loop"]))
    rec = ""
    if debrief.get("recommendation"):
        rec = (f'<p class="rec">Bar raiser\'s recommendation: {_badge(debrief["recommendation"])} · work on first: '
               f'<b>{_e(_NAMES.get(debrief.get("work_on_first"), "-"))}</b></p>')
    spoken = (debrief.get("spoken") or {})
    said = spoken.get("loop") or next(iter((spoken.get("stages") or {}).values()), None)
    said_html = f'<div class="fb"><b>Interviewer:</b> {_e(said)}</div>' if said else ""
    stages = "".join(f"<h3>{_e(stage)}</h3>{_evidence_lists(debrief['evidence']['stages'].get(stage, {}), r)}"
                     for stage, r in debrief["stages"].items())
    loop = ""
    if len(debrief["stages"]) > 1:
        loop = f"<h3>the loop</h3>{_evidence_lists(debrief['evidence']['loop'], debrief['loop'])}"
    return (f'<section class="card" id="debrief"><h2>Debrief: the five dimensions</h2>'
            f"{dimension_grid_svg(columns)}{rec}{said_html}"
            f'<p class="sub">The strongest evidence each way; click an answer to hear that moment.</p>'
            f"{stages}{loop}</section>")


def answer_dimensions_html(answer: dict) -> str:
    """Under one answer: the dimensions it was rated on, with its evidence (click a time to hear it)."""
    dims = answer_dimensions(answer)
    if not dims:
        return ""
    rows = []
    for dim in DIMENSIONS:
        if dim not in dims:
            continue
        found = dims[dim]
        items = "".join(_evidence_item({**e, "answer": answer["index"]}) for e in found.get("evidence", [])[:6])
        rows.append(f'<details class="dim"><summary>{_e(_NAMES[dim])} {_badge(found["rating"])}</summary>'
                    f'<ul class="ev">{items}</ul></details>')
    return f'<div class="dims"><h3>Dimensions this answer tested</h3>{"".join(rows)}</div>'


def debrief_markdown(session: dict) -> list[str]:
    """The debrief as Markdown lines: a table of the dimensions per stage, then the recommendation."""
    debrief = debrief_of(session)
    if not debrief["stages"]:
        return []
    columns = list(debrief["stages"]) + (["loop"] if len(debrief["stages"]) > 1 else [])
    ratings = {**debrief["stages"], "loop": debrief["loop"]}
    lines = ["## Debrief", "", "| dimension | " + " | ".join(columns) + " |",
             "|---|" + "---|" * len(columns)]
    for dim in DIMENSIONS:
        lines.append(f"| {dim} | " + " | ".join(ratings[c].get(dim, NOT_ASSESSED) for c in columns) + " |")
    if debrief.get("recommendation"):
        lines += ["", f"Recommendation: **{debrief['recommendation']}**; work on first: "
                      f"**{debrief.get('work_on_first')}**."]
    return lines + [""]
