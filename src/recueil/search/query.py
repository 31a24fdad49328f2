"""The search query language, parsed by recueil itself and rebuilt for each engine.

User text never reaches FTS5's MATCH or PostgreSQL's to_tsquery as written: it is parsed
here into a small tree (words, "phrases", prefix*, AND/OR/NOT, parentheses) and each engine
gets an expression rebuilt from analysed terms, so a stray quote is a clear QueryError,
never an engine syntax crash.

Syntax: `enfants non accompagnés` (plain words: ranked, every word counts and items with
more of them rank higher, but one missing word does not exclude an item),
`"livraison surveillée"` (phrase: required, words together), `mer AND air` (also ET, &:
both required), `mer OR air` (also OU, |), `NOT corruption` / `-corruption` (also SAUF:
really excludes), `confisc*` (prefix), parentheses for grouping. `relaxed()` turns a
parsed tree into the tree that is matched: the plain words of a group become one OR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recueil.search.analyze import fold, is_stopword, terms, typography


class QueryError(ValueError):
    """A query (or a filter value) that cannot be searched; the message says why."""


@dataclass
class Leaf:
    """A word, a phrase or a prefix, as typed (`text`) and as index terms (`terms`)."""

    text: str
    terms: list[str]
    phrase: bool = False
    prefix: bool = False
    quoted: bool = False  # written in quotes: required, never relaxed
    alternatives: list[str] = field(default_factory=list)  # fuzzy corrections (one term)
    fixed: str | None = None  # the correction as a word of the texts (for display)


@dataclass
class And:
    children: list[Node]
    explicit: bool = False  # AND/ET/& was written: every member is required


@dataclass
class Or:
    children: list[Node]


@dataclass
class Not:
    child: Node


Node = Leaf | And | Or | Not

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_TOKEN_RE = re.compile(r'\s*(?:(?P<phrase>-?"[^"]*"?)|(?P<paren>[()])|(?P<word>[^\s()"]+))')
_OR = {"OR", "OU", "|", "||"}
_AND = {"AND", "ET", "&", "&&", "+"}
_NOT = {"NOT", "SAUF", "!"}
MAX_QUERY_LENGTH = 500
MAX_LEAVES = 32


def _lex(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = query.translate(_QUOTES)
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m["phrase"] is not None:
            raw = m["phrase"]
            negated = raw.startswith("-")
            raw = raw.removeprefix("-")
            if len(raw) < 2 or not raw.endswith('"'):
                raise QueryError('unclosed quotation mark: a phrase ends with a second "')
            if negated:
                out.append(("not", "-"))
            out.append(("phrase", raw[1:-1]))
        elif m["paren"] is not None:
            out.append(("paren", m["paren"]))
        else:
            word = m["word"]
            if word in _OR:
                out.append(("or", word))
            elif word in _AND:
                out.append(("and", word))
            elif word in _NOT:
                out.append(("not", word))
            elif word.startswith("-") and len(word) > 1:
                out.append(("not", "-"))
                out.append(("word", word[1:]))
            else:
                out.append(("word", word))
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            kind, value = self.peek()
            if value == ")":
                raise QueryError("unbalanced parenthesis: ')' without '('")
            raise QueryError(f"unexpected {value!r}")
        return node

    def or_expr(self) -> Node | None:
        children = [self.and_expr()]
        while self.peek() and self.peek()[0] == "or":
            op = self.take()[1]
            right = self.and_expr()
            if right is None or children[-1] is None:
                raise QueryError(f"{op} needs a word on each side")
            children.append(right)
        children = [c for c in children if c is not None]
        if not children:
            return None
        return children[0] if len(children) == 1 else Or(children)

    def and_expr(self) -> Node | None:
        children: list[Node] = []
        explicit = False
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "or" or tok == ("paren", ")"):
                break
            if tok[0] == "and":
                self.take()
                nxt = self.peek()
                if (
                    not children
                    or nxt is None
                    or nxt[0] in ("or", "and")
                    or nxt
                    == (
                        "paren",
                        ")",
                    )
                ):
                    raise QueryError(f"{tok[1]} needs a word on each side")
                explicit = True
                continue
            node = self.unary()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(children, explicit)

    def unary(self) -> Node | None:
        tok = self.peek()
        if tok and tok[0] == "not":
            op = self.take()[1]
            nxt = self.peek()
            if nxt is None or nxt[0] in ("or", "and", "not") or nxt == ("paren", ")"):
                raise QueryError(f"{'NOT' if op == '-' else op} needs a word to exclude")
            child = self.atom()
            return Not(child) if child is not None else None
        return self.atom()

    def atom(self) -> Node | None:
        kind, value = self.take()
        if kind == "paren" and value == "(":
            node = self.or_expr()
            if self.peek() != ("paren", ")"):
                raise QueryError("unbalanced parenthesis: '(' without ')'")
            self.take()
            return node
        if kind == "paren":
            raise QueryError("unbalanced parenthesis: ')' without '('")
        if kind == "phrase":
            found = terms(value)
            if not found or all(is_stopword(t) for t in found):
                return None
            return Leaf(value, found, phrase=len(found) > 1, quoted=True)
        return _word_leaf(value)


def _word_leaf(word: str) -> Leaf | None:
    prefix = word.endswith("*")
    word = word.rstrip("*")
    if prefix:
        found = [fold(t) for t in re.findall(r"[^\W_]+", word.replace("’", "'"))]
        if not found or len(found[-1]) < 2:
            raise QueryError(f"a prefix search needs at least 2 letters: {word}*")
        return Leaf(word, found, phrase=len(found) > 1, prefix=True)
    found = [t for t in terms(word) if not is_stopword(t)]
    if not found:
        return None  # a stop word (le, de, l'…) or punctuation: nothing to look for
    return Leaf(word, found, phrase=len(found) > 1)


def parse(query: str) -> Node | None:
    """The query's tree, or None for an empty query (every item). Raises QueryError."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_LENGTH})")
    tokens = _lex(query)
    if not tokens:
        return None
    node = _Parser(tokens).parse()
    if node is None:
        raise QueryError(
            "no word to search for (only stop words such as « de », « la » or operators)"
        )
    if len(leaves(node)) > MAX_LEAVES:
        raise QueryError(f"too many words in the query (at most {MAX_LEAVES})")
    _check_positive(node)
    return node


def _check_positive(node: Node) -> None:
    """NOT only excludes from something: every AND group needs a positive member."""
    if isinstance(node, Not):
        raise QueryError("a query cannot only exclude: add a word to look for before NOT")
    if isinstance(node, Or):
        for child in node.children:
            _check_positive(child)
    if isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        if not positives:
            raise QueryError("a query cannot only exclude: add a word to look for before NOT")
        for child in positives:
            _check_positive(child)
        for child in node.children:
            if isinstance(child, Not):
                _check_positive(child.child)


def relaxed(node: Node) -> Node:
    """The tree that is matched: in a group of juxtaposed words (no AND written), the plain
    words and sub-groups become one OR — at least one of them must occur, more of them rank
    higher — while phrases in quotes stay required and NOT still excludes. Explicit AND,
    OR, NOT, phrases and prefixes keep their exact meaning."""
    if isinstance(node, Leaf):
        return node
    if isinstance(node, Not):
        return Not(relaxed(node.child))
    if isinstance(node, Or):
        return Or([relaxed(c) for c in node.children])
    children = [relaxed(c) for c in node.children]
    if node.explicit:
        return And(children, explicit=True)
    musts = [c for c in children if isinstance(c, Leaf) and c.quoted]
    nots = [c for c in children if isinstance(c, Not)]
    shoulds = [c for c in children if not any(c is k for k in musts + nots)]
    if shoulds:
        musts.append(shoulds[0] if len(shoulds) == 1 else Or(shoulds))
    kept = musts + nots
    return kept[0] if len(kept) == 1 else And(kept, explicit=True)


def is_plain(node: Node | None) -> bool:
    """Only juxtaposed words (no operator, quotes or prefix): a natural-language query,
    which semantic retrieval may widen with items of similar meaning."""
    if node is None:
        return False
    if isinstance(node, Leaf):
        return not (node.quoted or node.prefix)
    return (
        isinstance(node, And)
        and not node.explicit
        and all(isinstance(c, Leaf) and not (c.quoted or c.prefix) for c in node.children)
    )


def leaves(node: Node | None, *, positive_only: bool = False) -> list[Leaf]:
    if node is None:
        return []
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Not):
        return [] if positive_only else leaves(node.child)
    return [leaf for c in node.children for leaf in leaves(c, positive_only=positive_only)]


# --- FTS5 ---------------------------------------------------------------------------------


def _fts_leaf(leaf: Leaf) -> str:
    # Terms are [a-z0-9]+ (analysed, folded): quoting them is always valid FTS5 syntax.
    body = '"' + " ".join(leaf.terms) + '"' + ("*" if leaf.prefix else "")
    if leaf.alternatives:
        alts = " OR ".join(f'"{a}"' for a in leaf.alternatives)
        return f"({body} OR {alts})"
    return body


def to_fts5(node: Node) -> str:
    """The FTS5 MATCH expression for a parsed (and checked) query."""
    if isinstance(node, Leaf):
        return _fts_leaf(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(c) for c in node.children) + ")"
    if isinstance(node, Not):  # only reached inside an And (see _check_positive)
        return to_fts5(node.child)
    positives = [to_fts5(c) for c in node.children if not isinstance(c, Not)]
    negatives = [to_fts5(c.child) for c in node.children if isinstance(c, Not)]
    expr = "(" + " AND ".join(positives) + ")"
    for neg in negatives:
        expr = f"({expr} NOT {neg})"
    return expr


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_words(text: str) -> str:
    """Only letters and digits reach PostgreSQL's query functions (as a bound parameter)."""
    return " ".join(re.findall(r"[^\W_]+", text.replace("’", "'")))


def to_pg(node: Node, config: str) -> tuple[str, list[str]]:
    """SQL for a tsquery value (tsquery operators over bound, sanitised parameters)."""
    if isinstance(node, Leaf):
        if node.prefix:
            words = _pg_words(node.text).split()
            expr, params = "to_tsquery(%s, %s)", [config, " <-> ".join(words) + ":*"]
        else:  # phraseto_tsquery reads plain text: no operator in it is interpreted
            expr, params = "phraseto_tsquery(%s, %s)", [config, typography(node.text)]
        for alt in node.alternatives:
            expr = f"({expr} || to_tsquery('simple', %s))"
            params.append(alt)
        return expr, params
    if isinstance(node, Not):
        inner, params = to_pg(node.child, config)
        return f"(!! {inner})", params
    op = " || " if isinstance(node, Or) else " && "
    parts, params = [], []
    for child in node.children:
        sql, p = to_pg(child, config)
        parts.append(sql)
        params += p
    return "(" + op.join(parts) + ")", params
