"""Users of the web app: adding them, checking passwords, what each may see.

Passwords are hashed with argon2id (``argon2-cffi``'s defaults, which follow RFC 9106's
recommendations); a hash made with older parameters is upgraded at the next good login.
A user's ``stores`` lists the store names they may see; ``["*"]`` means every store, and an
admin always sees every store.

The demo user (``demo`` / ``demo``) exists only on demo databases: :func:`ensure_demo_user`
creates it, and the web app refuses the demo password unless its ``allow_demo_login``
setting is on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store, User
from sellerdesk.errors import InputError, NotFoundError

ROLES = ("admin", "agent", "viewer")
"""admin: everything, every store; agent: reads and answers; viewer: reads only."""

UI_LANGUAGES = ("en", "zh_Hans")
"""UI languages with a message catalogue: English and Simplified Chinese."""

ALL_STORES = "*"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"  # demo databases only: see the module docstring
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps "no such user" and "wrong
# password" equally slow, so response times do not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("sellerdesk-no-such-user")


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (PHC string form)."""
    return _HASHER.hash(password)


def check_new_password(password: str, *, name: str) -> None:
    """Refuse a password that is too short or equals the user name.

    Raises:
        InputError: the message says what a good password needs.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password for {name!r} is too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if password.lower() == name.lower():
        raise InputError(f"the password for {name!r} must not be the user name")


def add_user(store: SqlStore, *, name: str, password: str, role: str, now: datetime,
             stores: Sequence[str] = (), ui_language: str = "en", check_password: bool = True) -> User:
    """Create a user.

    Args:
        store: the repository of the caller's transaction.
        name: the login name (letters, digits, ``._@-``; up to 100 characters).
        password: the clear password; only its hash is kept.
        role: one of :data:`ROLES`.
        now: the current time.
        stores: store names the user may see; empty means every store.
        ui_language: one of :data:`UI_LANGUAGES`.
        check_password: refuse weak passwords (off only for the demo user).

    Raises:
        InputError: a bad name, role, language or password, or the name is taken.
        NotFoundError: a store in *stores* does not exist.
    """
    if not _NAME.match(name):
        raise InputError(f"user name {name!r} is not valid: use letters, digits and . _ @ - (up to 100)")
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if ui_language not in UI_LANGUAGES:
        raise InputError(f"UI language {ui_language!r} is not one of {', '.join(UI_LANGUAGES)}")
    if check_password:
        check_new_password(password, name=name)
    if find_user(store, name) is not None:
        raise InputError(f"a user named {name!r} exists already; pick another name")
    for store_name in stores:
        store.get_store(store_name)
    row = User(name=name, password_hash=hash_password(password), role=role,
               stores=list(stores) or [ALL_STORES], ui_language=ui_language, active=True, created_at=now)
    store.session.add(row)
    store.session.flush()
    return row


def find_user(store: SqlStore, name: str) -> User | None:
    """The user called *name*, or ``None``."""
    return store.session.scalars(select(User).where(User.name == name)).one_or_none()


def get_user(store: SqlStore, user_id: int) -> User | None:
    """The active user with id *user_id*, or ``None`` (deleted or deactivated)."""
    user = store.session.get(User, user_id)
    return user if user is not None and user.active else None


def authenticate(store: SqlStore, *, name: str, password: str, now: datetime) -> User | None:
    """The active user *name* when *password* is theirs, else ``None``; records the login time."""
    user = find_user(store, name)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    store.session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_ui_language(store: SqlStore, user: User, language: str) -> None:
    """Switch *user*'s UI language.

    Raises:
        InputError: *language* is not one of :data:`UI_LANGUAGES`.
    """
    if language not in UI_LANGUAGES:
        raise InputError(f"UI language {language!r} is not one of {', '.join(UI_LANGUAGES)}")
    user.ui_language = language
    store.session.flush()


def visible_store_ids(store: SqlStore, user: User) -> list[int]:
    """Ids of the stores *user* may see (admins and ``["*"]`` users: every store)."""
    query = select(Store.id).order_by(Store.name)
    if user.role != "admin" and ALL_STORES not in (user.stores or []):
        query = query.where(Store.name.in_(list(user.stores or [])))
    return list(store.session.scalars(query))


def can_answer(user: User) -> bool:
    """True when *user* may send replies and change threads (admins and agents)."""
    return user.role in ("admin", "agent")


def ensure_demo_user(store: SqlStore, *, now: datetime) -> User:
    """The demo user (``demo`` / ``demo``, agent of every store), created when missing.

    Only for demo databases: a web app with ``allow_demo_login`` off refuses this password.
    """
    found = find_user(store, DEMO_USER)
    if found is not None:
        return found
    return add_user(store, name=DEMO_USER, password=DEMO_PASSWORD, role="agent", now=now, check_password=False)


def list_users(store: SqlStore) -> list[User]:
    """Every user, active ones first, by name."""
    return list(store.session.scalars(select(User).order_by(User.active.desc(), User.name)))


def change_user(store: SqlStore, *, name: str, actor: str, now: datetime, role: str | None = None,
                stores: Sequence[str] | None = None, ui_language: str | None = None,
                active: bool | None = None) -> User:
    """Change a user's role, stores, UI language or whether they may sign in; audited as ``user_change``.

    Arguments left ``None`` stay as they are; ``stores=[]`` means every store.

    Raises:
        NotFoundError: no such user, or a store in *stores* does not exist.
        InputError: a bad role or language, or *actor* would take away their own admin role or access.
    """
    user = require_user(store, name)
    if role is not None and role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if ui_language is not None and ui_language not in UI_LANGUAGES:
        raise InputError(f"UI language {ui_language!r} is not one of {', '.join(UI_LANGUAGES)}")
    if name == actor and (active is False or (role is not None and role != user.role == "admin")):
        raise InputError(f"{name!r} cannot disable their own account or drop their own admin role; "
                         "ask another admin to do it")
    for store_name in stores or ():
        store.get_store(store_name)
    changes: dict[str, object] = {}
    new_stores = None if stores is None else (list(stores) or [ALL_STORES])
    for field, value in (("role", role), ("stores", new_stores), ("ui_language", ui_language), ("active", active)):
        if value is not None and getattr(user, field) != value:
            changes[field] = value
            setattr(user, field, value)
    if changes:
        store.audit(actor, "user_change", at=now, detail={"user": name, **changes})
    store.session.flush()
    return user


def require_user(store: SqlStore, name: str) -> User:
    """The user called *name*.

    Raises:
        NotFoundError: there is none.
    """
    user = find_user(store, name)
    if user is None:
        raise NotFoundError(f"no user named {name!r}; add one with `sellerdesk user add {name} --role agent`")
    return user
