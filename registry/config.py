"""Settings read from the environment; pure and testable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def in_checkout() -> bool:
    """Run from a clone of the repository (rather than from an installed wheel)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "rules").is_dir()


def bundled_rules_dir() -> Path:
    """The rule files: rules/ in a checkout, the styrdok_rules package data in a wheel."""
    if in_checkout():
        return PROJECT_ROOT / "rules"
    from importlib.util import find_spec

    spec = find_spec("styrdok_rules")  # package data without __init__.py: a namespace package
    if spec is None or not spec.submodule_search_locations:
        return PROJECT_ROOT / "rules"
    return Path(next(iter(spec.submodule_search_locations)))


def default_instance_dir() -> Path:
    """instance/ beside the checkout; for an installed wheel, instance/ in the working folder
    (never inside site-packages)."""
    return PROJECT_ROOT / "instance" if in_checkout() else Path.cwd() / "instance"


@dataclass(frozen=True)
class Settings:
    database_url: str
    rules_dir: Path
    instance_dir: Path
    default_ruleset: str
    #: Behind HTTPS: cookies are Secure and named __Host-… (bound to this host, path /).
    secure_cookies: bool = False
    #: Failed and successful logins allowed per client address (Flask-Limiter syntax).
    login_rate: str = "20 per minute"
    #: The public address the register is reached at ("https://styrdok.vallentuna.se"): the base
    #: of its stable identifiers and of the open-data catalogue. Unset: the address asked for.
    public_url: str | None = None
    #: The open data's contact point (DCAT-AP-SE vcard:hasEmail), e.g. the registry's mailbox.
    contact_email: str | None = None
    #: The key that signs the audit trail's checkpoints and the file they are appended to. Both
    #: belong where the database (and whoever holds its owner role) cannot reach: another volume,
    #: a write-once mount, a log shipped elsewhere. Unset: beside the instance folder's database.
    audit_key_file: Path | None = None
    audit_checkpoint_file: Path | None = None
    #: A checkpoint is appended after a write once the last one is this old (minutes; 0: never
    #: automatically, only by ``styrdok audit checkpoint``).
    audit_checkpoint_minutes: int = 60

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or Path(self.instance_dir) / "audit.key"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_file or Path(self.instance_dir) / "audit-kontrollpunkter.jsonl"


def load_settings(environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
    """Build settings from ``STYRDOK_*`` variables, with an embedded SQLite default."""
    env = os.environ if environ is None else environ
    instance_dir = Path(env.get("STYRDOK_INSTANCE_DIR") or default_instance_dir())
    database_url = env.get("STYRDOK_DATABASE_URL") or f"sqlite:///{instance_dir / 'styrdok.sqlite3'}"
    return Settings(
        database_url=database_url,
        rules_dir=Path(env.get("STYRDOK_RULES_DIR") or bundled_rules_dir()),
        instance_dir=instance_dir,
        default_ruleset=env.get("STYRDOK_RULESET", "standard"),
        secure_cookies=env.get("STYRDOK_SECURE_COOKIES", "") in ("1", "ja", "true"),
        login_rate=env.get("STYRDOK_LOGIN_RATE", "20 per minute"),
        public_url=(env.get("STYRDOK_PUBLIC_URL") or "").rstrip("/") or None,
        contact_email=env.get("STYRDOK_CONTACT_EMAIL") or None,
        audit_key_file=_optional_path(env.get("STYRDOK_AUDIT_KEY_FILE")),
        audit_checkpoint_file=_optional_path(env.get("STYRDOK_AUDIT_CHECKPOINTS")),
        audit_checkpoint_minutes=_whole_number(env.get("STYRDOK_AUDIT_CHECKPOINT_MINUTES"), default=60),
    )


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _whole_number(value: str | None, *, default: int) -> int:
    if not value:
        return default
    try:
        return max(0, int(value))
    except ValueError:
        from registry.errors import InvalidInput

        raise InvalidInput(f"STYRDOK_AUDIT_CHECKPOINT_MINUTES ska vara ett heltal (minuter), inte ”{value}”.") from None
