"""Text helpers: sanitized Markdown, masking of personal data, keyword frequencies."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
                "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "abbr"}


def render_markdown(source: str) -> str:
    """Markdown to HTML, then sanitized: only a safe set of tags, links with ``rel=noopener``."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"},
                                                           "th": {"scope"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<!\w)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?:\s*(?:poste|ext\.?|#)\s*\d+)?")


def mask_personal(text: str) -> str:
    """Replace e-mail addresses and phone numbers before a comment is stored."""
    text = EMAIL_RE.sub("[courriel masqué]", text or "")
    return PHONE_RE.sub("[téléphone masqué]", text)


_STOPWORDS_TEXT = """
a à afin ai aie ainsi alors au aucun aussi autre aux avec avoir bien c ça car ce cela celle celles
celui ces cet cette ceux chaque comme comment d dans de des donc dont du elle elles en encore est
et être eu fait faire faut il ils j je l la le les leur leurs lui m ma mais me même mes moi mon n
ne ni nos notre nous on ont ou où par pas peu peut plus pour pourquoi qu que quel quelle quels qui
sa sans se ses si son sont sur ta te tes toi ton tous tout toute toutes très tu un une vos votre
vous y été etc être the and of to in is it that for on are with be this as at by or not we you they
our have has from an
"""
STOPWORDS = set(_STOPWORDS_TEXT.split())


def fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


WORD_RE = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def keyword_frequencies(texts: list[str], limit: int = 20, weights: list[int] | None = None) -> list[tuple[str, int]]:
    """The most frequent meaningful words, counting each word once per answer. ``weights`` says
    how many answers each text stands for (identical answers are grouped by the database)."""
    counts: Counter[str] = Counter()
    for index, text in enumerate(texts):
        weight = weights[index] if weights else 1
        for word in {w.lower() for w in WORD_RE.findall(text or "")}:
            if fold(word) not in STOPWORDS and word not in STOPWORDS:
                counts[word] += weight
    return counts.most_common(limit)
