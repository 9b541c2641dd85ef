import re

from flask_smorest import Blueprint

from ..errors import fail
from ..extensions import db
from ..schemas.entries import UUID_RE
from ..schemas.keys import (
    DeviceIn,
    DeviceResponse,
    DirectoryOut,
    DirectoryQuery,
    ProofIn,
    RecoveryIn,
    RecoveryOut,
    TransferIn,
    TransferOut,
    TransferStored,
    WrappedPutIn,
    WrappedPutOut,
)
from ..security import current_user, login_required
from ..services import keys

_UUID = re.compile(UUID_RE)

bp = Blueprint(
    "keys", __name__, url_prefix="/api/keys", description="End-to-end encryption: devices' public keys and wrapped keys"
)


@bp.get("")
@login_required
@bp.arguments(DirectoryQuery, location="query")
@bp.response(200, DirectoryOut)
@bp.alt_response(404, description="?device= is not one of the caller's devices")
def directory(query):
    try:
        return keys.directory(current_user(), query["device"])
    except keys.NoSuchDevice:
        fail(404, "not_found")


@bp.post("/devices")
@login_required
@bp.arguments(DeviceIn)
@bp.response(201, DeviceResponse, description="Registered (200 with the same body: it was already, same key)")
@bp.alt_response(200, schema=DeviceResponse, description="Already registered with this key")
@bp.alt_response(409, description="This device id is registered with another key")
def register_device(data):
    try:
        device, created = keys.register(current_user(), data["device_id"], data["public_key"], data["label"])
    except keys.KeyMismatch:
        fail(409, "device_key_mismatch")
    except keys.TooManyDevices:
        fail(422, "too_many_devices")
    db.session.commit()
    return {"device": device}, 201 if created else 200


@bp.delete("/devices/<device_id>")
@login_required
@bp.response(204)
@bp.alt_response(404, description="Not one of the caller's devices")
def delete_device(device_id):
    if not _UUID.match(device_id):  # never a query (PostgreSQL refuses a NUL): nobody has such a device
        fail(404, "not_found")
    try:
        keys.remove(current_user(), device_id.lower())
    except keys.NoSuchDevice:
        fail(404, "not_found")
    db.session.commit()


# A device's own proof that its person set it up (docs/encryption.md, "The device proof"): phones wrap keys
# only for devices whose proof they can check, so a device the server lists on its own gets none.
@bp.put("/devices/<device_id>/proof")
@login_required
@bp.arguments(ProofIn)
@bp.response(200, DeviceResponse)
@bp.alt_response(404, description="Not one of the caller's devices")
def put_proof(data, device_id):
    if not _UUID.match(device_id):
        fail(404, "not_found")
    try:
        device = keys.set_proof(current_user(), device_id.lower(), data)
    except keys.NoSuchDevice:
        fail(404, "not_found")
    db.session.commit()
    return {"device": device}


@bp.put("/wrapped")
@login_required
@bp.arguments(WrappedPutIn)
@bp.response(200, WrappedPutOut)
@bp.alt_response(409, description="key_exists: another key was stored first for a key id (its check differs)")
def put_wrapped(data):
    try:
        stored = keys.put_wrapped(current_user(), data["items"], data["by_device"])
    except keys.Refused as refused:
        fail(422, "validation", errors=refused.errors)
    except keys.KeyExists:
        db.session.rollback()
        fail(409, "key_exists")
    db.session.commit()
    return {"stored": stored}


@bp.put("/recovery")
@login_required
@bp.arguments(RecoveryIn)
@bp.response(204)
def put_recovery(data):
    keys.set_recovery(current_user(), data["blob"])
    db.session.commit()


@bp.get("/recovery")
@login_required
@bp.response(200, RecoveryOut)
def get_recovery():
    return {"blob": keys.recovery(current_user())}


# A second device's keys on their way (one slot a person, TRANSFER_MINUTES): sealed with a secret that
# travels only in the QR code or the typed code, so the server holds a blob it cannot open.
@bp.put("/transfer")
@login_required
@bp.arguments(TransferIn)
@bp.response(200, TransferStored)
def put_transfer(data):
    expires = keys.set_transfer(current_user(), data["blob"])
    db.session.commit()
    return {"expires_at": expires}


@bp.get("/transfer")
@login_required
@bp.response(200, TransferOut)
def get_transfer():
    blob, expires = keys.transfer(current_user())
    return {"blob": blob, "expires_at": expires}


@bp.delete("/transfer")
@login_required
@bp.response(204)
def delete_transfer():
    keys.clear_transfer(current_user())
    db.session.commit()
