"""Read rule files (TOML, standard library) into typed rulesets, validated by a schema.

A broken file never gives a traceback: RuleFileError names the file, the dotted path and
what is wrong, in Swedish.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from registry.errors import RuleFileError
from registry.models.vocabulary import BODY_LEVELS
from registry.rules.engine.cues import FEATURE_NAMES
from registry.rules.model import (
    Clause,
    ContentRule,
    DocumentType,
    Family,
    ParentRule,
    Ruleset,
)
from registry.schemas import flatten_errors
from registry.types import CANONICAL_TYPES

_REQUIRED = {"required": "Fältet saknas.", "null": "Fältet får inte vara tomt.", "invalid": "Ogiltigt värde."}


def _str(**kwargs: Any) -> fields.String:
    return fields.String(error_messages={**_REQUIRED, "invalid": "Ska vara text."}, **kwargs)


def _strings(**kwargs: Any) -> fields.List:  # type: ignore[type-arg]  # marshmallow 3 has no generic List
    return fields.List(
        _str(validate=validate.Length(min=1, error="Tom text är inte tillåten.")),
        error_messages={**_REQUIRED, "invalid": "Ska vara en lista med text."},
        **kwargs,
    )


class _Strict(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Okänt fält.", "type": "Ska vara en tabell."}


class ClauseSchema(_Strict):
    key = _str(required=True, validate=validate.Length(min=1))
    text = _str(required=True, validate=validate.Length(min=3))
    cues = _strings(required=True, validate=validate.Length(min=1, error="Minst en signal behövs."))
    weight = fields.Float(
        load_default=1.0,
        validate=validate.Range(min=0.1, max=5, error="Vikten ska vara mellan 0,1 och 5."),
        error_messages={**_REQUIRED, "invalid": "Ska vara ett tal."},
    )


class ParentRuleSchema(_Strict):
    parents = _strings(required=True, validate=validate.Length(min=1))
    when_adopted_by = _strings(load_default=list)
    text = _str(load_default="")


class TypeSchema(_Strict):
    label = _str(required=True)
    family = _str(required=True)
    names = _strings(required=True, validate=validate.Length(min=1, error="Minst ett namn behövs."))
    not_names = _strings(load_default=list)
    #: Words the title of a document of this type names (a reglemente is a nämnd's): a title with
    #: none of them is a label the definition itself doubts.
    label_needs = _strings(load_default=list)
    label_needs_text = _str(load_default=None)
    definition = _str(required=True, validate=validate.Length(min=10, error="Definitionen är för kort."))
    source = _str(required=True, validate=validate.Length(min=3, error="Ange källan (organ, datum, § eller sida)."))
    adopted_by = _strings(load_default=list)
    horizon = _str(load_default=None)
    review_years = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=20),
        error_messages={**_REQUIRED, "invalid": "Ska vara ett heltal."},
    )
    must_not_contain = _strings(load_default=list)
    may_contain = _strings(load_default=list)
    parents = _strings(load_default=list)
    parent_rule = fields.Nested(ParentRuleSchema, load_default=None)
    clauses = fields.List(
        fields.Nested(ClauseSchema),
        required=True,
        validate=validate.Length(min=1, error="Minst en del av definitionen behövs."),
        error_messages={**_REQUIRED, "invalid": "Ska vara en lista med tabeller ([[...clauses]])."},
    )


class FamilySchema(_Strict):
    label = _str(required=True)
    description = _str(required=True)
    title_markers = _strings(load_default=list)
    not_contradicted_by = _strings(load_default=list)


class ContentRuleSchema(_Strict):
    label = _str(required=True)
    cues = _strings(required=True, validate=validate.Length(min=1))
    source = _str(load_default="")


class HeaderSchema(_Strict):
    key = _str(
        required=True,
        validate=validate.Regexp(r"^[a-zåäö0-9_-]+$", error="Nyckeln får bara ha små bokstäver, siffror, - och _."),
    )
    name = _str(required=True)
    version = _str(required=True)
    source = _str(required=True)
    extends = _str(load_default=None)


class RuleFileSchema(_Strict):
    ruleset = fields.Nested(
        HeaderSchema, required=True, error_messages={**_REQUIRED, "required": "Tabellen [ruleset] saknas."}
    )
    families = fields.Dict(keys=fields.String(), values=fields.Nested(FamilySchema), load_default=dict)
    types = fields.Dict(keys=fields.String(), values=fields.Nested(TypeSchema), load_default=dict)
    content = fields.Dict(keys=fields.String(), values=fields.Nested(ContentRuleSchema), load_default=dict)

    @validates_schema
    def _canonical_keys(self, data: dict[str, Any], **_kwargs: Any) -> None:
        for key in data.get("types", {}):
            if key not in CANONICAL_TYPES:
                raise ValidationError(
                    f"”{key}” är ingen känd dokumenttyp; använd en av {', '.join(CANONICAL_TYPES)} "
                    "och ange det lokala namnet i label och names.",
                    field_name=f"types.{key}",
                )


def _first_error(messages: Any) -> tuple[str, str]:
    flat = flatten_errors(messages)
    path, problems = next(iter(flat.items()))
    # marshmallow reports dict values as "types.strategi.value.clauses.0.cues"; drop the noise.
    path = path.replace(".value.", ".").replace(".key", "")
    return path, problems[0]


def read_rule_file(path: Path) -> dict[str, Any]:
    """Parse and validate one rule file (without resolving ``extends``)."""
    name = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleFileError(name, "", "filen finns inte.") from None
    except UnicodeDecodeError:
        raise RuleFileError(name, "", "filen är inte text i UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(name, "", f"ogiltig TOML: {error}.") from None
    try:
        loaded: dict[str, Any] = RuleFileSchema().load(raw)
        return loaded
    except ValidationError as error:
        dotted, problem = _first_error(error.messages)
        raise RuleFileError(name, dotted, problem) from None


def _check_features(name: str, path: str, cues: list[str]) -> None:
    """A ``#feature`` cue must be one the engine implements (a misspelt one used to pass the
    linter and then fail the check)."""
    for cue in cues:
        if cue.startswith("#") and cue not in FEATURE_NAMES:
            known = ", ".join(sorted(FEATURE_NAMES))
            raise RuleFileError(name, path, f"”{cue}” är inget språkligt drag som motorn känner igen (kända: {known}).")


def _check_references(
    name: str, data: dict[str, Any], families: dict[str, Any], types: dict[str, Any], content: dict[str, Any]
) -> None:
    for key, rule in data["content"].items():
        _check_features(name, f"content.{key}.cues", rule["cues"])
    for key, family in data["families"].items():
        for other in family["not_contradicted_by"]:
            if other not in CANONICAL_TYPES:
                raise RuleFileError(
                    name, f"families.{key}.not_contradicted_by", f"”{other}” är ingen känd dokumenttyp."
                )
    for key, entry in data["types"].items():
        for number, clause in enumerate(entry["clauses"]):
            _check_features(name, f"types.{key}.clauses.{number}.cues", clause["cues"])
        if entry["family"] not in families:
            raise RuleFileError(
                name, f"types.{key}.family", f"familjen ”{entry['family']}” finns inte under [families]."
            )
        for field_name in ("may_contain", "parents"):
            for other in entry[field_name]:
                if other not in CANONICAL_TYPES:
                    raise RuleFileError(name, f"types.{key}.{field_name}", f"”{other}” är ingen känd dokumenttyp.")
        for rule in entry["must_not_contain"]:
            if rule not in content:
                raise RuleFileError(
                    name, f"types.{key}.must_not_contain", f"innehållsregeln ”{rule}” finns inte under [content]."
                )
        for level in entry["adopted_by"] + (entry["parent_rule"] or {}).get("when_adopted_by", []):
            if level not in BODY_LEVELS:
                raise RuleFileError(
                    name, f"types.{key}.adopted_by", f"”{level}” är ingen organnivå; använd {', '.join(BODY_LEVELS)}."
                )
        keys = [c["key"] for c in entry["clauses"]]
        if len(keys) != len(set(keys)):
            raise RuleFileError(name, f"types.{key}.clauses", "två delar av definitionen har samma key.")


def load_ruleset(rules_dir: Path, key: str, *, _seen: tuple[str, ...] = ()) -> Ruleset:
    """Load ``rules_dir/<key>.toml`` and what it extends into one Ruleset.

    :raises RuleFileError: for a missing, unknown or broken file, naming file and field.
    """
    if key in _seen:
        raise RuleFileError(f"{key}.toml", "ruleset.extends", "filerna ärver av varandra i en cirkel.")
    path = rules_dir / f"{key}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in rules_dir.glob("*.toml"))) or "inga"
        raise RuleFileError(f"{key}.toml", "", f"regeluppsättningen ”{key}” finns inte. Tillgängliga: {known}.")
    data = read_rule_file(path)
    header = data["ruleset"]
    if header["key"] != key:
        raise RuleFileError(path.name, "ruleset.key", f"ska vara ”{key}” som filnamnet, inte ”{header['key']}”.")
    parent = load_ruleset(rules_dir, header["extends"], _seen=_seen + (key,)) if header.get("extends") else None

    families = {
        k: Family(k, v["label"], v["description"], tuple(v["title_markers"]), tuple(v["not_contradicted_by"]))
        for k, v in data["families"].items()
    }
    content = {k: ContentRule(k, v["label"], tuple(v["cues"]), v["source"]) for k, v in data["content"].items()}
    if parent:
        families = {**parent.families, **families}
        content = {**parent.content_rules, **content}
    _check_references(path.name, data, families, {}, content)

    types: dict[str, DocumentType] = {}
    for type_key, entry in data["types"].items():
        rule = entry["parent_rule"]
        types[type_key] = DocumentType(
            key=type_key,
            label=entry["label"],
            family=entry["family"],
            names=tuple(n.lower() for n in entry["names"]),
            not_names=tuple(n.lower() for n in entry["not_names"]),
            label_needs=tuple(n.lower() for n in entry["label_needs"]),
            label_needs_text=entry["label_needs_text"],
            definition=entry["definition"],
            source=entry["source"],
            clauses=tuple(Clause(c["key"], c["text"], tuple(c["cues"]), c["weight"]) for c in entry["clauses"]),
            adopted_by=tuple(entry["adopted_by"]),
            horizon=entry["horizon"],
            review_years=entry["review_years"],
            must_not_contain=tuple(entry["must_not_contain"]),
            may_contain=tuple(entry["may_contain"]),
            parents=tuple(entry["parents"]),
            parent_rule=ParentRule(tuple(rule["parents"]), tuple(rule["when_adopted_by"]), rule["text"])
            if rule
            else None,
        )
    if parent:
        for type_key, inherited in parent.types.items():
            if type_key not in types:
                note = inherited.common_core_note or (
                    f"{header['name']} har ingen egen definition av {inherited.label.lower()}; "
                    f"definitionen kommer från {parent.name}."
                )
                types[type_key] = _replace(inherited, from_common_core=True, common_core_note=note)
    return Ruleset(
        key=key,
        name=header["name"],
        version=header["version"],
        source=header["source"],
        types=types,
        families=families,
        content_rules=content,
        extends=header.get("extends"),
        file=str(path),
    )


def _replace(document_type: DocumentType, **changes: Any) -> DocumentType:
    from dataclasses import replace

    return replace(document_type, **changes)


def lint_rules(rules_dir: Path, files: list[Path] | None = None) -> list[tuple[str, str | None]]:
    """Check every rule file; returns (file name, error or None) for each."""
    results: list[tuple[str, str | None]] = []
    for path in files or sorted(rules_dir.glob("*.toml")):
        try:
            load_ruleset(path.parent, path.stem)
            results.append((path.name, None))
        except RuleFileError as error:
            results.append((path.name, error.message))
    return results


def available_rulesets(rules_dir: Path) -> list[str]:
    return sorted(p.stem for p in rules_dir.glob("*.toml"))


_CACHE: dict[tuple[str, str], tuple[tuple[float, ...], Ruleset]] = {}


def cached_ruleset(rules_dir: Path, key: str) -> Ruleset:
    """Load a ruleset once per process; a changed rule file is read again."""
    files = sorted(rules_dir.glob("*.toml"))
    stamp = tuple(p.stat().st_mtime for p in files)
    cache_key = (str(rules_dir.resolve()), key)
    hit = _CACHE.get(cache_key)
    if hit and hit[0] == stamp:
        return hit[1]
    ruleset = load_ruleset(rules_dir, key)
    _CACHE[cache_key] = (stamp, ruleset)
    return ruleset
