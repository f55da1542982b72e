"""The pages the app serves besides the interview: the stories bank and the list of saved sessions.

The report and progress pages are review/'s own; these two have no HTML elsewhere.
"""

from __future__ import annotations

import html

__all__ = ["stories_html", "page"]

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:960px;margin:0 auto;padding:1.5rem}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #dde1e8;vertical-align:top}.dim{color:#5b6475}
.over{color:#b3261e;font-weight:600}a{color:#1a56c4}"""


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title><style>{_STYLE}'
            f'</style></head><body><main><p><a href="/">← Practice</a></p><h1>{html.escape(title)}</h1>{body}'
            "</main></body></html>\n")


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def stories_html(bank: dict) -> str:
    """review.stories.build_story_bank's document as a page: one row per story, then the themes with none."""
    e = html.escape
    low, high = bank["target"]
    rows = "".join(
        f"<tr><td>{story['id']}</td><td>{e(story['title'])}…<br><span class=dim>{e(', '.join(story['terms']))}"
        f"</span></td><td>{len(story['tellings'])}</td><td>{e(', '.join(story['themes']) or '-')}</td>"
        f"<td class=\"{'over' if story['over_limit'] else ''}\">{_clock(story['longest_s'])}</td></tr>"
        for story in bank["stories"])
    missing = bank["missing_themes"]
    themes = (f"<p><strong>Themes with no story yet:</strong> {e(', '.join(missing))}</p>" if missing
              else "<p>Every theme has at least one story.</p>")
    body = (f"<p>{len(bank['stories'])} stories (the guide suggests {low}-{high}).</p>"
            "<table><thead><tr><th>#</th><th>Story (latest telling opens with)</th><th>Told</th><th>Themes</th>"
            f"<th>Longest</th></tr></thead><tbody>{rows}</tbody></table>{themes}")
    return page("Your STAR stories", body)
