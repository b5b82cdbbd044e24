"""Does a crew meet its team template? Pure Python: a crew is each member's disciplines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workforce.vocabulary import DISCIPLINES, language_label


def _assign(
    slot: int, slots: list[str], crew: Sequence[set[str]], taken: dict[int, int], seen: set[int]
) -> bool:
    # One augmenting path of a bipartite matching: a member fills one slot, and one holding
    # several disciplines (a clinician who is a peer) may move to free a slot for another.
    for member, held in enumerate(crew):
        if slots[slot] in held and member not in seen:
            seen.add(member)
            if member not in taken or _assign(taken[member], slots, crew, taken, seen):
                taken[member] = slot
                return True
    return False


def missing_disciplines(required: Sequence[str], crew: Sequence[Sequence[str]]) -> list[str]:
    """The disciplines of `required` that the crew cannot fill, one member to one slot."""
    slots = list(required)
    members = [set(d) for d in crew]
    taken: dict[int, int] = {}
    missing = []
    for slot in range(len(slots)):
        if not _assign(slot, slots, members, taken, set()):
            missing.append(slots[slot])
    return missing


@dataclass(frozen=True)
class Makeup:
    """A unit's crew against its template, and the languages the crew speaks."""

    required: tuple[str, ...]
    missing: tuple[str, ...]
    crew: tuple[str, ...]
    languages: frozenset[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def warning(self) -> str:
        """One line for the board, the recommendation and the API ("" when complete)."""
        if not self.required or not self.missing:
            return ""
        if not self.crew:
            return "no one on the roster"
        return "missing " + ", ".join(DISCIPLINES.get(d, d) for d in self.missing)

    def speaks(self, language: str) -> bool | None:
        """Whether someone on the crew speaks `language`; None when no language is known."""
        if not language:
            return None
        return language in self.languages

    def speaks_text(self, language: str) -> str:
        speaks = self.speaks(language)
        if speaks is None:
            return ""
        label = language_label(language)
        return f"speaks {label}" if speaks else f"no {label} speaker"
