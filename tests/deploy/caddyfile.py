"""deploy/Caddyfile read as Caddy reads the parts it uses, and Caddy's path matching.

Only the subset the file is written in is understood: one site block with its address, a
``tls`` line, named matchers of ``path`` and ``path_regexp`` (inline or as a block), and
``handle`` blocks that ``reverse_proxy`` to one upstream or ``respond`` with a status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.deploy.contract import DEPLOY

CADDYFILE = DEPLOY / "Caddyfile"
#: ``{$NAME}`` or ``{$NAME:default}``: an environment variable, substituted when Caddy parses.
ENV_PLACEHOLDER = re.compile(r"\{\$(?P<name>\w+)(?::(?P<default>[^}]*))?\}")


@dataclass
class Block:
    """A line of tokens and the lines of the block it opens, if any."""

    tokens: list[str]
    children: list[Block] = field(default_factory=list)


@dataclass
class Matcher:
    """A named matcher: it matches when any of its path patterns or regexps does."""

    paths: list[str] = field(default_factory=list)
    regexps: list[str] = field(default_factory=list)

    def matches(self, path: str) -> bool:
        return any(path_matches(p, path) for p in self.paths) or any(
            re.search(r, path) for r in self.regexps
        )


@dataclass
class Site:
    """The site block: its address, TLS line, named matchers and handles in order."""

    address: str
    tls: list[str]
    matchers: dict[str, Matcher]
    #: (matcher name or None for the catch-all, the handle's directive lines)
    handles: list[tuple[str | None, list[list[str]]]]

    def upstream(self, name: str | None) -> str | None:
        """Where a handle proxies to (host:port), or None when it answers by itself."""
        for matcher, lines in self.handles:
            if matcher == name:
                proxies = [line[1] for line in lines if line[0] == "reverse_proxy"]
                return proxies[0] if proxies else None
        raise KeyError(name)

    def responses(self, name: str | None) -> list[list[str]]:
        """The ``respond`` lines of a handle."""
        return next(lines for matcher, lines in self.handles if matcher == name)

    def matching(self, path: str) -> list[str]:
        """The names of the matchers that match ``path``."""
        return [name for name, matcher in self.matchers.items() if matcher.matches(path)]


def _lines(text: str) -> list[list[str]]:
    lines = []
    for raw in text.splitlines():
        tokens = []
        for token in raw.split():
            if token.startswith("#"):
                break
            tokens.append(token)
        if tokens:
            lines.append(tokens)
    return lines


def blocks(text: str) -> list[Block]:
    """The top-level blocks of a Caddyfile."""
    root = Block([])
    stack = [root]
    for tokens in _lines(text):
        if tokens == ["}"]:
            stack.pop()
            continue
        opens = tokens[-1] == "{"
        block = Block(tokens[:-1] if opens else tokens)
        stack[-1].children.append(block)
        if opens:
            stack.append(block)
    assert stack == [root], "unbalanced braces"
    return root.children


def site(text: str | None = None) -> Site:
    """The one site of deploy/Caddyfile (or of ``text``)."""
    tops = [b for b in blocks(CADDYFILE.read_text() if text is None else text) if b.tokens]
    assert len(tops) == 1, [b.tokens for b in tops]
    top = tops[0]
    matchers: dict[str, Matcher] = {}
    handles: list[tuple[str | None, list[list[str]]]] = []
    tls: list[str] = []
    for child in top.children:
        head = child.tokens[0]
        if head.startswith("@"):
            matcher = matchers.setdefault(head[1:], Matcher())
            inline = len(child.tokens) > 1
            lines = [child.tokens[1:]] if inline else [c.tokens for c in child.children]
            for kind, *args in lines:
                {"path": matcher.paths, "path_regexp": matcher.regexps}[kind].extend(args)
        elif head == "handle":
            name = child.tokens[1][1:] if len(child.tokens) > 1 else None
            handles.append((name, [c.tokens for c in child.children]))
        elif head == "tls":
            tls = child.tokens[1:]
        else:
            raise AssertionError(f"directive {head!r} is not understood by this reader")
    return Site(" ".join(top.tokens), tls, matchers, handles)


def with_defaults(value: str) -> str:
    """``value`` with each ``{$NAME:default}`` replaced by its default."""
    return ENV_PLACEHOLDER.sub(lambda m: m["default"] or "", value)


def path_matches(pattern: str, path: str) -> bool:
    """Caddy's ``path`` matcher for one pattern (caddyhttp.MatchPath, case-insensitive).

    One ``*`` at the end is a prefix match and one at the start a suffix match; ``*…*`` is a
    substring match; otherwise the pattern is a glob whose ``*`` stays within one segment, and
    without a ``*`` the path must be equal.
    """
    assert not set("?[\\") & set(pattern), f"glob characters this reader ignores: {pattern}"
    pattern, path = pattern.lower(), path.lower()
    if pattern == "*":
        return True
    stars = pattern.count("*")
    if stars == 2 and pattern.startswith("*") and pattern.endswith("*"):
        return pattern[1:-1] in path
    if stars == 1 and pattern.startswith("*"):
        return path.endswith(pattern[1:])
    if stars == 1 and pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    parts = re.split(r"(\*)", pattern)
    glob = "".join("[^/]*" if part == "*" else re.escape(part) for part in parts)
    return re.fullmatch(glob, path) is not None
