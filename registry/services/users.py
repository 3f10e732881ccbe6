"""Users, logins and API tokens. Passwords are hashed with Argon2id; secrets are stored hashed."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import Conflict, InvalidInput, NotFound
from registry.models import ApiToken, User, UserSession
from registry.models.vocabulary import ROLES
from registry.schemas import BaseSchema, NotBlank, OneOf, Text, load_or_raise
from registry.services.audit import record_event
from registry.timeutil import utcnow

_HASHER = PasswordHasher()
#: After this many failed logins in a row the account is locked for LOCK_FIRST, and each further
#: run of as many failures doubles the lock, up to LOCK_LONGEST; a login or an admin ends it.
MAX_FAILED_LOGINS = 10
LOCK_FIRST = dt.timedelta(minutes=15)
LOCK_LONGEST = dt.timedelta(hours=24)
MIN_PASSWORD_LENGTH = 12


#: Passwords people pick first, and words every attacker tries against a Swedish kommun. A
#: password is refused when, lower-cased and without digits and punctuation, it is one of these
#: (so "Sommar2024!" and "Lösenord123456" go too), or contains the username.
COMMON_PASSWORD_WORDS = frozenset(
    {
        "password",
        "passw",
        "passwort",
        "qwerty",
        "qwertyuiop",
        "asdfgh",
        "asdfghjkl",
        "zxcvbnm",
        "abc",
        "abcdef",
        "letmein",
        "welcome",
        "välkommen",
        "valkommen",
        "admin",
        "administrator",
        "root",
        "test",
        "user",
        "login",
        "lösenord",
        "losenord",
        "hemligt",
        "hemlig",
        "sommar",
        "vinter",
        "hösten",
        "hosten",
        "våren",
        "varen",
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
        "måndag",
        "fredag",
        "sverige",
        "stockholm",
        "göteborg",
        "malmö",
        "kommun",
        "kommunen",
        "kommunstyrelsen",
        "styrdok",
        "styrdokument",
        "registrator",
        "revisor",
        "iloveyou",
        "dragon",
        "monkey",
        "football",
        "fotboll",
        "hockey",
        "master",
        "shadow",
        "sunshine",
        "princess",
        "superman",
        "batman",
        "trustno",
        "starwars",
        "whatever",
        "nothing",
        "secret",
        "changeme",
        "default",
        "guest",
    }
)


#: zxcvbn's score (0–4) a password must reach: 3 is "safely unguessable" against an online attack
#: and slow offline hashing (argon2id here).
MIN_PASSWORD_SCORE = 3


def _context_words(username: str, display_name: str) -> list[str]:
    """Words an attacker would try first against this person in this register."""
    from registry.config import load_settings

    words = ["styrdok", "styrdokument", "kommun", "kommunen", "kommunstyrelsen", username, *display_name.split()]
    with contextlib.suppress(OSError):  # no rule files to read: the other words still count
        words += [p.stem for p in load_settings().rules_dir.glob("*.toml")]  # the kommuner of the rule files
    return [w for w in words if w]


def password_problem(password: str, username: str = "", display_name: str = "") -> str | None:
    """Why a password is too easy to guess, or None. Length is checked by the schema.

    zxcvbn (a well-kept strength estimator: dictionaries, keyboard patterns, repeats, dates, l33t)
    judges it with the person's own words; our list adds the Swedish words it does not know."""
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=_context_words(username, display_name))["score"] < MIN_PASSWORD_SCORE:
        return (
            "Lösenordet är för lätt att gissa (ett vanligt ord, ett mönster, ett årtal, ditt namn eller "
            "kommunens); välj en lång fras av ord som inte hör ihop."
        )
    lowered = password.lower()
    core = "".join(ch for ch in lowered if ch.isalpha())
    if not core or core in COMMON_PASSWORD_WORDS or len(set(lowered)) <= 2:
        return (
            "Lösenordet är för lätt att gissa (ett vanligt ord, ett årtal eller upprepade tecken); välj en lång fras."
        )
    if username and len(username) >= 3 and username.lower() in lowered:
        return "Lösenordet får inte innehålla användarnamnet."
    return None


class UserSchema(BaseSchema):
    username = Text(
        required=True,
        validate=[
            NotBlank("Användarnamnet"),
            validate.Regexp(
                r"^[a-z0-9._-]{2,80}$", error="Användarnamnet får bara ha små bokstäver a–z, siffror, punkt, - och _."
            ),
        ],
    )
    display_name = Text(required=True, validate=[NotBlank("Namnet"), validate.Length(max=200)])
    role = Text(required=True, validate=OneOf(ROLES, "roll"))
    password = Text(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=MIN_PASSWORD_LENGTH, max=200, error=f"Lösenordet ska ha minst {MIN_PASSWORD_LENGTH} tecken."
        ),
    )
    active = fields.Boolean(load_default=True)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(session: Session, data: Mapping[str, Any], *, actor: str) -> User:
    values = load_or_raise(UserSchema(), dict(data), what="Användare")
    problem = password_problem(values["password"], values["username"], values.get("display_name", ""))
    if problem:
        raise InvalidInput(problem, field="password")
    if session.scalar(select(User).where(func.lower(User.username) == values["username"])):
        raise Conflict(f"Användarnamnet ”{values['username']}” är upptaget.", field="username")
    user = User(
        username=values["username"],
        display_name=values["display_name"],
        role=values["role"],
        password_hash=_HASHER.hash(values["password"]),
        active=values["active"],
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.created",
        entity_type="user",
        entity_id=user.username,
        after={"role": user.role, "display_name": user.display_name},
    )
    return user


def change_user(
    session: Session, username: str, *, actor: str, role: str | None = None, active: bool | None = None
) -> User:
    user = get_user(session, username)
    before = {"role": user.role, "active": user.active}
    if role is not None:
        if role not in ROLES:
            raise InvalidInput(f"Okänd roll ”{role}”. Giltiga roller: {', '.join(ROLES)}.", field="role")
        user.role = role
    if active is not None:
        user.active = active
        if active:
            user.failed_logins = 0
            user.locked_until = None
        else:
            end_all_sessions(session, user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.changed",
        entity_type="user",
        entity_id=user.username,
        before=before,
        after={"role": user.role, "active": user.active},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Det finns ingen användare ”{username}”.", field="username")
    return user


def is_locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and _aware(user.locked_until) > now


def _lock_after_failure(user: User, now: dt.datetime) -> None:
    if user.failed_logins and user.failed_logins % MAX_FAILED_LOGINS == 0:
        runs = user.failed_logins // MAX_FAILED_LOGINS
        user.locked_until = now + min(LOCK_FIRST * 2 ** (runs - 1), LOCK_LONGEST)


def unlock_user(session: Session, username: str, *, actor: str) -> User:
    """End a lock at once (``styrdok users unlock``), with an audit event."""
    user = get_user(session, username)
    before = {
        "failed_logins": user.failed_logins,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
    }
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    record_event(
        session, actor=actor, action="user.unlocked", entity_type="user", entity_id=user.username, before=before
    )
    return user


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> User | None:
    """The user if the password is right; every attempt leaves an audit event."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    ok = False
    locked = user is not None and is_locked(user, now)
    if user is not None and user.active and not locked:
        try:
            ok = _HASHER.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same time as a real check, so timing does not reveal which usernames exist.
        with contextlib.suppress(VerificationError, InvalidHashError):
            _HASHER.verify(_DUMMY_HASH, password or "")
    if not ok:
        if user is not None and not locked:
            user.failed_logins += 1
            _lock_after_failure(user, now)
        record_event(
            session,
            actor=username or "okänd",
            action="login.locked" if locked else "login.failed",
            entity_type="user",
            entity_id=username or "",
            after=None,
        )
        session.flush()
        return None
    assert user is not None  # ok is only True for a user found
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    record_event(session, actor=user.username, action="login", entity_type="user", entity_id=user.username)
    session.flush()
    return user


_DUMMY_HASH = _HASHER.hash("styrdok-ingen-sådan-användare")


def start_session(session: Session, user: User, now: dt.datetime | None = None) -> str:
    """Start a login session; returns the secret the browser keeps."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_digest(token), user=user, created_at=now or utcnow()))
    session.flush()
    return token


#: A login session ends after this long without a request, and after this long in any case.
IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_LIFETIME = dt.timedelta(hours=10)
#: Changing users or unpublishing needs a login at most this old (re-authentication, R7).
FRESH_LOGIN = dt.timedelta(minutes=15)
#: How stale last_seen_at may get before a request writes it again (not on every request).
TOUCH_AFTER = dt.timedelta(minutes=2)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def live_session(session: Session, token: str | None, now: dt.datetime | None = None) -> UserSession | None:
    """The login session behind a browser's secret, unless it ended, idled out or grew too old."""
    if not token:
        return None
    now = now or utcnow()
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    started = _aware(row.created_at)
    last = _aware(row.last_seen_at or row.created_at)
    if now - started > ABSOLUTE_LIFETIME or now - last > IDLE_TIMEOUT:
        return None
    return row


def is_fresh(row: UserSession, now: dt.datetime) -> bool:
    return now - _aware(row.created_at) <= FRESH_LOGIN


def needs_touch(row: UserSession, now: dt.datetime) -> bool:
    return now - _aware(row.last_seen_at or row.created_at) > TOUCH_AFTER


def touch_session(session: Session, session_id: int, now: dt.datetime) -> None:
    """Record activity on a login session (for the idle timeout); not audited, not a change."""
    row = session.get(UserSession, session_id)
    if row is not None and row.ended_at is None:
        row.last_seen_at = now
        session.flush()


def token_user(session: Session, token: str | None) -> User | None:
    """The active user behind an API token that has not been revoked."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def end_session(session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        record_event(session, actor=row.user.username, action="logout", entity_type="user", entity_id=row.user.username)
        session.flush()


def end_all_sessions(session: Session, user: User) -> None:
    for row in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        row.ended_at = utcnow()


def create_api_token(session: Session, user: User, name: str, *, actor: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Ge nyckeln ett namn, t.ex. systemet den är till (”Diariet”).", field="name")
    if len(name) > 120 or any(ord(c) < 32 for c in name):
        raise InvalidInput("Nyckelns namn får vara högst 120 tecken, utan radbrytningar.", field="name")
    token = "sdk_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_digest(token), name=name, user=user))
    session.flush()
    record_event(
        session, actor=actor, action="token.created", entity_type="user", entity_id=user.username, after={"name": name}
    )
    return token


def revoke_api_tokens(session: Session, username: str, name: str, *, actor: str) -> int:
    """Revoke a user's API keys by the name they were given (all of that name); returns how many.

    The key stops working at the next request; the row stays, with when it was revoked."""
    user = get_user(session, username)
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None))
    ).all()
    if not rows:
        raise NotFound(f"{username} har ingen giltig API-nyckel som heter ”{name}”.", field="name")
    _revoke(session, list(rows), actor=actor)
    return len(rows)


def revoke_api_token(session: Session, token_id: int, *, actor: str) -> ApiToken:
    """Revoke one API key by its id (the admin page's button); the row stays, with when."""
    row = session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if row is None:
        raise NotFound("Det finns ingen sådan API-nyckel.", field="token")
    if row.revoked_at is not None:
        raise Conflict(f"Nyckeln ”{row.name}” för {row.user.username} är redan återkallad.", field="token")
    _revoke(session, [row], actor=actor)
    return row


def _revoke(session: Session, rows: list[ApiToken], *, actor: str) -> None:
    """End keys of one person and one name now, with one audit event for them."""
    moment = utcnow()
    for row in rows:
        row.revoked_at = moment
    session.flush()
    record_event(
        session,
        actor=actor,
        action="token.revoked",
        entity_type="user",
        entity_id=rows[0].user.username,
        after={"name": rows[0].name, "count": len(rows)},
    )
