"""Event contracts: what each event type may carry on Kafka. Ids, codes, dates and digests
only; never a name, a contact detail or free text (DESIGN.md, Data protection)."""

import functools
import importlib
import pkgutil
from typing import ClassVar, Unpack

from pydantic import BaseModel, ConfigDict

_registry: dict[str, type["EventContract"]] = {}
_NOT_CONTRACTS = {"export"}  # the JSON Schema writer (`make schemas`)


class EventContract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Unpack[ConfigDict]) -> None:  # as BaseModel declares it
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            _registry[cls.type] = cls


class UnknownEventType(LookupError):
    pass


def contract_for(event_type: str) -> type[EventContract]:
    _load_all()
    try:
        return _registry[event_type]
    except KeyError:
        raise UnknownEventType(f"no contract for event type {event_type!r}") from None


def all_contracts() -> dict[str, type[EventContract]]:
    _load_all()
    return dict(sorted(_registry.items()))


@functools.cache
def _load_all() -> None:
    """Every module of this package is a service's contracts (shared/contracts/<service>.py):
    importing it registers them, so a new service's contracts need no list edited here."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_CONTRACTS:
            importlib.import_module(f"{__name__}.{module.name}")
