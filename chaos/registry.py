"""Fault kinds registered by name: `fault` field of a spec → class with apply/heal."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from chaos.spec import AnyFault, fault_id, target_of

if TYPE_CHECKING:
    from chaos.context import ChaosContext

S = TypeVar("S", bound=AnyFault)
F = TypeVar("F", bound="type[Fault[Any]]")
# spec fields that say when/where a fault acts; the rest are its parameters
_NOT_PARAMS = frozenset({"fault", "id", "at_s", "duration_s", "target", "service", "replica"})


class Fault(ABC, Generic[S]):
    """One fault of a timeline: `apply` starts it, `heal` ends it (idempotent)."""

    kind: ClassVar[str]

    def __init__(self, spec: S, index: int = 0) -> None:
        self.spec = spec
        self.id = fault_id(spec, index)

    @abstractmethod
    def apply(self, ctx: ChaosContext) -> None:
        """Start the fault; raise FaultError if it could not be started."""

    @abstractmethod
    def heal(self, ctx: ChaosContext) -> str | None:
        """End the fault (a no-op if already healed); return a note for the journal or None."""

    @property
    def target(self) -> str:
        """What the fault acts on (proxy, `service[replica]` or `gateway`)."""
        return target_of(self.spec)

    def params(self) -> dict[str, Any]:
        """The spec's parameters (everything but when and where) for the journal."""
        return self.spec.model_dump(mode="json", exclude=set(_NOT_PARAMS))


REGISTRY: dict[str, type[Fault[Any]]] = {}


def register(kind: str) -> Callable[[F], F]:
    """Class decorator: make `kind` (a spec's `fault` value) build this class."""

    def deco(cls: F) -> F:
        if kind in REGISTRY:
            raise ValueError(f"fault kind {kind!r} registered twice")
        cls.kind = kind
        REGISTRY[kind] = cls
        return cls

    return deco


def fault_for(spec: AnyFault, index: int = 0) -> Fault[Any]:
    """Build the fault object for a spec (chaos[index])."""
    import chaos.faults  # noqa: F401  (importing the package registers every kind)

    try:
        cls = REGISTRY[spec.fault]
    except KeyError:
        raise ValueError(f"no fault class registered for {spec.fault!r}") from None
    return cls(spec, index)
