"""Load YAML files into pydantic models with `file: path.to[2].field: message` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    SerializationInfo,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from peakdrill.errors import BadInput

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for every user-facing config model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def tagged_union(classes: dict[str, type[BaseModel]], tag: str, what: str) -> Any:
    """An annotated type validating a mapping by the model its `tag` field names.

    Done by hand rather than with pydantic's discriminator so error paths read
    `chaos[2].latency_ms` (no union tag inserted) and an unknown kind names the allowed ones.
    Serialization dumps each value with its own model (pydantic cannot infer a serializer
    through a PlainValidator).
    """
    members = tuple(classes.values())

    def pick(value: Any) -> BaseModel:
        if isinstance(value, members):
            return value
        if not isinstance(value, dict):
            raise PydanticCustomError(f"{what}_type", f"expected a mapping with a `{tag}` field")
        kind = value.get(tag)
        cls = classes.get(kind) if isinstance(kind, str) else None
        if cls is None:
            msg = f"unknown {what} kind {{kind}}; expected one of: {{kinds}}"
            ctx = {"kind": repr(kind), "kinds": ", ".join(classes)}
            err = InitErrorDetails(
                type=PydanticCustomError(f"{what}_kind", msg, ctx), loc=(tag,), input=kind
            )
            raise ValidationError.from_exception_data(what, [err])
        return cls.model_validate(value)

    def dump(value: BaseModel, info: SerializationInfo) -> Any:
        return value.model_dump(mode=info.mode)

    return Annotated[BaseModel, PlainValidator(pick), PlainSerializer(dump)]


def format_loc(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as `chaos[2].latency_ms`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def first_error(exc: ValidationError) -> str:
    """One line for the first validation error: `field.path: message`."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{format_loc(loc)}: {msg}"


def _is_union_tag(part: int | str) -> bool:
    # pydantic inserts the tagged-union discriminator value into locations; drop it
    return isinstance(part, str) and part.startswith("function-")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning a missing file or bad syntax into BadInput."""
    if not path.is_file():
        raise BadInput(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise BadInput(f"{path}{where}: {problem}") from None


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate plain data against a model; errors name `source` and the field path."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput(f"{source}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInput(f"{source}: {first_error(exc)}") from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate a YAML file as `model`, whole, before anything is started."""
    return validate(model, read_yaml(path), str(path))


def dump_model(obj: BaseModel, path: Path) -> None:
    """Write a model back as YAML (used to store the resolved config in a run folder)."""
    path.write_text(yaml.safe_dump(obj.model_dump(mode="json"), sort_keys=False), encoding="utf-8")
