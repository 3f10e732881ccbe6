"""The building blocks every shape is made of: Swedish messages, text that refuses control
characters, dates, choices, diarienummer, and the one way a refusal becomes an InvalidInput."""

from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
)

from registry.errors import InvalidInput
from registry.identifiers import DNR_PATTERN, plain_pattern
from registry.text.ui import N_, Decided, Phrase

_MESSAGES = {
    "required": Phrase("Fältet måste fyllas i."),
    "null": Phrase("Fältet får inte vara tomt."),
    "invalid": Phrase("Ogiltigt värde."),
}


def _messages(**extra: str) -> dict[str, Any]:
    return {**_MESSAGES, **extra}


class Length(validate.Length):
    """marshmallow's Length, refusing in Swedish (marshmallow's own message is English:
    "Longer than maximum length 300."), kept translatable. A message of its own still wins."""

    def __call__(self, value: Any) -> Any:
        if self.error is not None or self.equal is not None:
            return super().__call__(value)
        length = len(value)
        if self.max is not None and length > self.max:
            raise ValidationError(Phrase("Högst %(max)s tecken; här är det %(length)s.", max=self.max, length=length))
        if self.min is not None and length < self.min:
            raise ValidationError(
                Phrase("Får inte vara tomt.") if self.min == 1 else Phrase("Minst %(min)s tecken.", min=self.min)
            )
        return value


#: Control characters (NUL and friends) come from broken exports and files, never from people.
NO_CONTROL_CHARACTERS = validate.Regexp(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", error=Phrase("Texten innehåller otillåtna styrtecken (till exempel NUL).")
)


def no_lone_surrogates(value: str) -> None:
    """JSON may carry "\\ud800" alone: no character, and no database can store it."""
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError(Phrase("Texten innehåller ett ogiltigt tecken (ett ensamt surrogattecken)."))


def Text(**kwargs: Any) -> fields.String:
    """A string field; refuses control characters (documented as a pattern in OpenAPI) and lone
    surrogates."""
    kwargs.setdefault("error_messages", _messages(invalid=Phrase("Ange text.")))
    given = kwargs.pop("validate", None)
    checks = list(given) if isinstance(given, (list, tuple)) else ([given] if given else [])
    if not any(isinstance(c, validate.Regexp) for c in checks):
        checks.append(NO_CONTROL_CHARACTERS)
    checks.append(no_lone_surrogates)
    return fields.String(validate=checks, **kwargs)


def Date(**kwargs: Any) -> fields.Date:
    kwargs.setdefault(
        "error_messages", _messages(invalid=Phrase("Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-04-07."))
    )
    return fields.Date(**kwargs)


class OneOf(validate.OneOf):
    """One of ``choices``, refused as "Okänd <what> ”x”. Giltiga värden: …" (kept translatable)."""

    def __init__(self, choices: Sequence[str], what: str):
        super().__init__(choices)
        self.what = what

    def __call__(self, value: Any) -> Any:
        if value not in self.choices:
            raise ValidationError(
                Phrase(
                    "Okänd %(what)s ”%(value)s”. Giltiga värden: %(listed)s.",
                    what=Phrase(self.what),
                    value=Decided(str(value)[:80]),
                    listed=Decided(", ".join(self.choices)),
                )
            )
        return value


class NotBlank(Length):
    """A length of at least 1 (so the OpenAPI document says minLength: 1), refused with
    "<label> får inte vara tom." kept translatable."""

    def __init__(self, label: str):
        super().__init__(min=1)
        self.label = label

    def __call__(self, value: Any) -> Any:
        if value is None or len(value) < 1:
            raise ValidationError(Phrase("%(label)s får inte vara tom.", label=Phrase(self.label)))
        return value


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": Phrase("Okänt fält; det finns inget sådant fält."),
        "type": Phrase("Ogiltig indata: ett objekt med fält väntades."),
    }

    @pre_load
    def strip_strings(self, data: Any, **_kwargs: Any) -> Any:
        # People paste titles with trailing spaces; "  " must count as empty.
        if not isinstance(data, dict):
            return data
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def load_or_raise(schema: Schema, data: Any, *, what: str) -> Any:
    """Load ``data`` and turn a ValidationError into one Swedish InvalidInput."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise invalid_input(error.messages, what=what) from None


def invalid_input(messages: Any, *, what: str) -> InvalidInput:
    """marshmallow's messages as the one Swedish InvalidInput: the first field named in the
    message, every field in ``errors`` (forms, the CLI and the API say it alike)."""
    flat = flatten_errors(messages)
    first_path, first_messages = next(iter(flat.items()))
    return InvalidInput(f"{what}: fältet ”{first_path}”: {first_messages[0]}", errors=flat, field=first_path)


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"decision": {"dnr": ["..."]}} -> {"decision.dnr": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            flat.update(flatten_errors(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}"))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


DNR_MESSAGE = "Diarienumret ”{input}” kunde inte tolkas; skriv det som till exempel ”KS 2025.032” eller ”KS 2025/32”."


#: The longest diarienummer a column holds (cases.dnr, decisions.dnr).
DNR_MAX = 60


def SingleLine(label: str) -> Callable[[str], None]:
    """No line breaks or other control characters: a dnr with "\n" was stored, then unreachable."""

    def check(value: str) -> None:
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValidationError(
                Phrase("%(label)s får inte innehålla radbrytningar eller styrtecken.", label=Phrase(label))
            )

    return check


def Dnr(**kwargs: Any) -> fields.String:
    return Text(
        validate=[
            validate.Length(max=DNR_MAX, error=Phrase("Diarienumret får ha högst %(max)s tecken.", max=DNR_MAX)),
            SingleLine(N_("Diarienumret")),
            validate.Regexp(plain_pattern(DNR_PATTERN), error=DNR_MESSAGE),
        ],
        **kwargs,
    )
