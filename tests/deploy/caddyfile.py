"""The Caddyfiles of deploy/ read as Caddy reads the parts they use, and Caddy's path matching.

Only the subset the files are written in is understood: a global options block (skipped),
site blocks with their address, a ``tls`` line, ``import FILE ARGS…`` of a file relative to the
importing one (``{args[N]}`` replaced by its arguments), named matchers of ``path``,
``path_regexp`` and ``not path`` (inline or as a block), and ``handle`` blocks, for a named
matcher, a path or everything, that ``reverse_proxy`` to one upstream, ``respond`` or serve
``metrics``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.contract import DEPLOY

#: Compose's Caddy: the site on the one hostname (deploy/compose.yaml mounts it).
CADDYFILE = DEPLOY / "Caddyfile"
#: The routes both front proxies import: compose's Caddy and the Kubernetes router.
ROUTES = DEPLOY / "caddy" / "routes.caddy"
#: The Kubernetes router's Caddyfile (deploy/k8s/base/router.yaml).
ROUTER = DEPLOY / "caddy" / "router.caddy"
#: ``{$NAME}`` or ``{$NAME:default}``: an environment variable, substituted when Caddy parses.
ENV_PLACEHOLDER = re.compile(r"\{\$(?P<name>\w+)(?::(?P<default>[^}]*))?\}")
#: ``{args[N]}``: the Nth argument of the ``import`` that brought the line in.
ARG_PLACEHOLDER = re.compile(r"\{args\[(\d+)\]\}")


@dataclass
class Block:
    """A line of tokens and the lines of the block it opens, if any."""

    tokens: list[str]
    children: list[Block] = field(default_factory=list)


@dataclass
class Matcher:
    """A matcher set: the kinds it has must all match (Caddy ANDs the kinds of one set).

    Within a kind: any ``path`` pattern may match, the ``path_regexp`` must, and no pattern of
    a ``not path`` may.
    """

    paths: list[str] = field(default_factory=list)
    regexps: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def matches(self, path: str) -> bool:
        checks = []
        if self.paths:
            checks.append(any(path_matches(p, path) for p in self.paths))
        if self.regexps:
            checks.append(all(re.search(r, path) for r in self.regexps))
        if self.excluded:
            checks.append(not any(path_matches(p, path) for p in self.excluded))
        return all(checks)


@dataclass
class Site:
    """A site block: its address, TLS line, matchers and handles in order.

    A ``handle`` with a path instead of a named matcher has a matcher named by that path.
    """

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
        """The directive lines of a handle."""
        return next(lines for matcher, lines in self.handles if matcher == name)

    def matching(self, path: str) -> list[str]:
        """The names of the matchers that match ``path``."""
        return [name for name, matcher in self.matchers.items() if matcher.matches(path)]

    def handled_by(self, path: str) -> list[list[str]]:
        """The lines of the handle that takes ``path``: its one matcher's, else the catch-all."""
        names = self.matching(path)
        assert len(names) <= 1, f"{path} is taken by {names}"
        return self.responses(names[0] if names else None)


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


def lines_of(path: Path, args: tuple[str, ...] = ()) -> list[list[str]]:
    """The token lines of a Caddyfile, each ``import`` replaced by the lines it brings in."""
    found = []
    for tokens in _lines(path.read_text(encoding="utf-8")):
        tokens = [ARG_PLACEHOLDER.sub(lambda m: args[int(m[1])], token) for token in tokens]
        if tokens[0] == "import":
            target = path.parent / tokens[1]
            assert target.is_file(), f"{path} imports {tokens[1]}, which is not beside it"
            found += lines_of(target, tuple(tokens[2:]))
        else:
            found.append(tokens)
    return found


def blocks(lines: list[list[str]]) -> list[Block]:
    """The top-level blocks of a Caddyfile's token lines."""
    root = Block([])
    stack = [root]
    for tokens in lines:
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


def _site(top: Block) -> Site:
    matchers: dict[str, Matcher] = {}
    handles: list[tuple[str | None, list[list[str]]]] = []
    tls: list[str] = []
    for child in top.children:
        head = child.tokens[0]
        if head.startswith("@"):
            matcher = matchers.setdefault(head[1:], Matcher())
            inline = len(child.tokens) > 1
            lines = [child.tokens[1:]] if inline else [c.tokens for c in child.children]
            for kind, *words in lines:
                if kind == "not":
                    assert words[0] == "path", f"only `not path` is understood: {words}"
                    matcher.excluded.extend(words[1:])
                else:
                    {"path": matcher.paths, "path_regexp": matcher.regexps}[kind].extend(words)
            assert len(matcher.regexps) <= 1, f"one path_regexp per matcher set: {head}"
        elif head == "handle":
            token = child.tokens[1] if len(child.tokens) > 1 else None
            name = token[1:] if token and token.startswith("@") else token
            if token and not token.startswith("@"):
                matchers[token] = Matcher(paths=[token])
            handles.append((name, [c.tokens for c in child.children]))
        elif head == "tls":
            tls = child.tokens[1:]
        else:
            raise AssertionError(f"directive {head!r} is not understood by this reader")
    for name, lines in handles:
        kinds = {line[0] for line in lines}
        assert kinds <= {"reverse_proxy", "respond", "metrics"}, (name, kinds)
    return Site(" ".join(top.tokens), tls, matchers, handles)


def sites(path: Path) -> dict[str, Site]:
    """The site blocks of a Caddyfile by address (the global options block left out)."""
    found = [_site(top) for top in blocks(lines_of(path)) if top.tokens]
    return {s.address: s for s in found}


def site(path: Path = CADDYFILE) -> Site:
    """The one site of a Caddyfile (by default compose's, deploy/Caddyfile)."""
    found = list(sites(path).values())
    assert len(found) == 1, [s.address for s in found]
    return found[0]


def global_options(path: Path) -> list[list[str]]:
    """The lines of a Caddyfile's global options block (its first block, without address)."""
    tops = blocks(lines_of(path))
    if not tops or tops[0].tokens:
        return []

    def flatten(block: Block) -> list[list[str]]:
        return [line for child in block.children for line in [child.tokens, *flatten(child)]]

    return flatten(tops[0])


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
