"""The registry of folds: how each event type changes a case's state when it is replayed.

A fold is a small function `(state, event) -> None` that updates the state dict in place
from one event envelope (a plain dict, as it was hashed into the ledger). Each upstream
service has one module here that registers its folds by event type; the replay engine knows
none of them, and every module of this package is loaded: scheduling, forms and gateway
events plug in by adding a module here. An event type without a fold is listed by the replay
and changes nothing.
"""

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

State = dict[str, Any]
Envelope = dict[str, Any]
Fold = Callable[[State, Envelope], None]

_folds: dict[str, Fold] = {}


def folds(*event_types: str) -> Callable[[Fold], Fold]:
    """Register the decorated function as the fold of these event types."""

    def register(fold: Fold) -> Fold:
        for event_type in event_types:
            if event_type in _folds:
                raise ValueError(f"{event_type} has a fold already")
            _folds[event_type] = fold
        return fold

    return register


def fold_for(event_type: str) -> Fold | None:
    _load_all()
    return _folds.get(event_type)


def known_types() -> set[str]:
    _load_all()
    return set(_folds)


@dataclass
class Rebuilt:
    state: State = field(default_factory=dict)
    folded: int = 0
    unknown_types: dict[str, int] = field(default_factory=dict)  # type -> how many events
    fold_errors: list[dict[str, str]] = field(default_factory=list)


def rebuild(events: Iterable[Envelope]) -> Rebuilt:
    """The state after every event in order. An event without a fold is counted, one whose
    fold fails is reported; neither stops the replay of the others."""
    rebuilt = Rebuilt()
    for event in events:
        fold = fold_for(event["type"])
        if fold is None:
            rebuilt.unknown_types[event["type"]] = rebuilt.unknown_types.get(event["type"], 0) + 1
            continue
        try:
            fold(rebuilt.state, event)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            rebuilt.fold_errors.append(
                {"event_id": event["event_id"], "type": event["type"], "error": repr(error)}
            )
            continue
        rebuilt.folded += 1
    return rebuilt


@functools.cache
def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")  # registers the module's folds
