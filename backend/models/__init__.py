"""All models, imported here so that Alembic and the app see every table."""

from .base import new_id, utcnow  # noqa: F401
from .couple import Couple, Invite  # noqa: F401
from .entry import ClientState, Entry  # noqa: F401
from .keys import DeviceKey, KeyCheck, WrappedKey  # noqa: F401
from .push import Claim, PushJob, PushSubscription  # noqa: F401
from .reset import PasswordReset  # noqa: F401
from .user import AuthSession, User  # noqa: F401
