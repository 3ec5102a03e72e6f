"""Ambassador levels as pure rules: plain data in, plain data out. No Flask, no database.

A level's rule (``requires`` in ``certificates/levels.yml``) asks for any of:

- ``manifesto``: the manifesto signed (true by default: one becomes an ambassador by signing);
- ``certificates``: that many certificates held (distinct achievements, current ones only);
- ``tier``: at least one certificate of that quiz tier or higher (« le palier 2 »);
- ``achievements``: these certificates by key;
- ``visits``: that many guided visits attended;
- ``contributions``: that many contributions (the seam for what comes later; 0 today).

Levels of an age group are climbed in order: a person is at the highest rank whose rule holds
with every lower rank's rule holding too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

REQUIREMENT_KEYS = ("manifesto", "certificates", "tier", "achievements", "visits", "contributions")


@dataclass(frozen=True)
class Requirement:
    manifesto: bool = True
    certificates: int = 0
    tier: int = 0
    achievements: tuple[str, ...] = ()
    visits: int = 0
    contributions: int = 0

    @classmethod
    def from_dict(cls, data: dict) -> Requirement:
        return cls(manifesto=bool(data.get("manifesto", True)), certificates=int(data.get("certificates", 0)),
                   tier=int(data.get("tier", 0)), achievements=tuple(data.get("achievements", ())),
                   visits=int(data.get("visits", 0)), contributions=int(data.get("contributions", 0)))

    def as_dict(self) -> dict:
        return {"manifesto": self.manifesto, "certificates": self.certificates, "tier": self.tier,
                "achievements": list(self.achievements), "visits": self.visits,
                "contributions": self.contributions}


@dataclass(frozen=True)
class LevelRule:
    code: str
    rank: int
    requires: Requirement


@dataclass(frozen=True)
class Facts:
    """What a person has done, as the rules read it."""

    # (achievement key, tier number) of each current certificate (not revoked, superseded or expired)
    certificates: frozenset[tuple[str, int]] = frozenset()
    visits: int = 0
    manifesto: bool = False
    contributions: int = 0

    @property
    def achievement_keys(self) -> frozenset[str]:
        return frozenset(key for key, _tier in self.certificates)

    @property
    def best_tier(self) -> int:
        return max((tier for _key, tier in self.certificates), default=0)

    def as_dict(self) -> dict:
        return {"certificates": sorted([key, tier] for key, tier in self.certificates), "visits": self.visits,
                "manifesto": self.manifesto, "contributions": self.contributions}


@dataclass(frozen=True)
class Missing:
    """One thing still needed: ``kind`` (manifesto, certificates, tier, achievement, visits,
    contributions), ``count`` (how many more; the tier's number for ``tier``), ``key``
    (the achievement's key)."""

    kind: str
    count: int = 1
    key: str = ""


def missing(requires: Requirement, facts: Facts) -> list[Missing]:
    """What ``facts`` lack to meet ``requires``, in the order a person would do it."""
    out: list[Missing] = []
    if requires.manifesto and not facts.manifesto:
        out.append(Missing("manifesto"))
    if requires.tier and facts.best_tier < requires.tier:
        out.append(Missing("tier", requires.tier))
    for key in requires.achievements:
        if key not in facts.achievement_keys:
            out.append(Missing("achievement", key=key))
    held = len(facts.achievement_keys)
    # A tier or achievement still missing will itself bring a certificate: count only the rest.
    coming = (1 if requires.tier and facts.best_tier < requires.tier else 0) + sum(
        1 for item in out if item.kind == "achievement")
    more = requires.certificates - held - coming
    if more > 0:
        out.append(Missing("certificates", more))
    if facts.visits < requires.visits:
        out.append(Missing("visits", requires.visits - facts.visits))
    if facts.contributions < requires.contributions:
        out.append(Missing("contributions", requires.contributions - facts.contributions))
    return out


def meets(requires: Requirement, facts: Facts) -> bool:
    if requires.manifesto and not facts.manifesto:
        return False
    if facts.best_tier < requires.tier or not set(requires.achievements) <= facts.achievement_keys:
        return False
    return (len(facts.achievement_keys) >= requires.certificates and facts.visits >= requires.visits
            and facts.contributions >= requires.contributions)


def ordered(levels: Iterable[LevelRule]) -> list[LevelRule]:
    return sorted(levels, key=lambda level: level.rank)


def reached(levels: Sequence[LevelRule], facts: Facts) -> LevelRule | None:
    """The highest level climbed in order (every lower rule holds too); ``None`` below the first."""
    best = None
    for level in ordered(levels):
        if not meets(level.requires, facts):
            break
        best = level
    return best


def next_level(levels: Sequence[LevelRule], current_rank: int) -> LevelRule | None:
    return next((level for level in ordered(levels) if level.rank > current_rank), None)


@dataclass(frozen=True)
class Change:
    """What to record: ``direction`` up or down, from rank to rank (0 = no level)."""

    direction: str
    from_rank: int
    to_rank: int
    level_code: str | None


def decide(levels: Sequence[LevelRule], facts: Facts, current_rank: int, *, may_fall: bool) -> Change | None:
    """The change ``facts`` call for. A level only rises on news (a certificate, a visit, a
    signature); it falls only when ``may_fall`` (a certificate revoked or expired)."""
    target = reached(levels, facts)
    rank = target.rank if target else 0
    if rank > current_rank:
        return Change("up", current_rank, rank, target.code)
    if rank < current_rank and may_fall:
        return Change("down", current_rank, rank, target.code if target else None)
    return None


@dataclass(frozen=True)
class Weights:
    certificate: int = 10
    visit: int = 5
    contributions: dict = field(default_factory=dict)


def points(weights: Weights, *, certificates: int, visits: int) -> int:
    """The palmarès score (the SQL in palmares.py computes the same sum; tests compare them)."""
    return weights.certificate * certificates + weights.visit * visits


def season_of(year: int) -> str:
    """A palmarès season is a calendar year (« saison 2026 »): the tourist season runs from
    spring to autumn inside one year, and a year is what residents count in."""
    return str(year)
