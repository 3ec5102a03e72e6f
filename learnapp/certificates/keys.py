"""The office's Ed25519 signing keys, kept in ``instance/signing-keys.json`` (mode 0600).

One key signs (the active one); after ``learnapp keys rotate`` the old ones keep only their
public half, still published in the JWKS so the certificates they signed still verify.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from joserfc.jwk import KeySet, OKPKey

FILE_NAME = "signing-keys.json"
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class KeyRing:
    active: OKPKey
    public: list[dict]  # every public JWK, active first

    def key_set(self) -> KeySet:
        return key_set(self.public)

    def jwks(self) -> dict:
        return {"keys": self.public}


def key_set(public: list[dict]) -> KeySet:
    return KeySet([OKPKey.import_key(jwk) for jwk in public])


def path_in(instance_path: str | Path) -> Path:
    return Path(instance_path) / FILE_NAME


def _new_entry(now: datetime) -> dict:
    key = OKPKey.generate_key("Ed25519")
    kid = key.thumbprint()  # RFC 7638: the key names itself
    private = key.as_dict(private=True) | {"kid": kid}
    public = key.as_dict(private=False) | {"kid": kid, "use": "sig", "alg": ALGORITHM}
    return {"kid": kid, "created": now.isoformat(), "private": private, "public": public}


def _write(path: Path, data: dict) -> None:
    """Written to a new file then renamed: a reader never sees half a key file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=1)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def ensure(instance_path: str | Path, now: datetime) -> bool:
    """Create the first key when there is none; True when one was created."""
    path = path_in(instance_path)
    if path.exists():
        return False
    entry = _new_entry(now)
    _write(path, {"active": entry["kid"], "keys": [entry]})
    return True


def rotate(instance_path: str | Path, now: datetime) -> str:
    """A new active key; the others lose their private half. Returns the new ``kid``."""
    path = path_in(instance_path)
    ensure(instance_path, now)
    data = json.loads(path.read_text())
    for entry in data["keys"]:
        entry["private"] = None
    entry = _new_entry(now)
    data["keys"].insert(0, entry)
    data["active"] = entry["kid"]
    _write(path, data)
    return entry["kid"]


def load(instance_path: str | Path, now: datetime) -> KeyRing:
    ensure(instance_path, now)
    data = json.loads(path_in(instance_path).read_text())
    active = next(entry for entry in data["keys"] if entry["kid"] == data["active"])
    return KeyRing(active=OKPKey.import_key(active["private"]),
                   public=[entry["public"] for entry in data["keys"]])


def published(instance_path: str | Path) -> dict:
    """The JWKS (no key is created by reading it)."""
    path = path_in(instance_path)
    if not path.exists():
        return {"keys": []}
    return {"keys": [entry["public"] for entry in json.loads(path.read_text())["keys"]]}
