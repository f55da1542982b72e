"""The Jinja2 environment of the HTML pages and their SVG charts (templates/ is package data).

Autoescaping is on for every template: text from a session (transcripts, questions, names) can never become markup.
Pieces already rendered by a template (a chart inside a page) are passed as Markup and inserted as they are.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

__all__ = ["render", "Markup"]


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("voice_interviewer.review", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def render(name: str, **context) -> Markup:
    """The template `name` rendered with context, as markup ready to go inside another template."""
    return Markup(_environment().get_template(name).render(**context))
