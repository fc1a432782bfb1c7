"""The release log: ``release.json``, what one build published, signed and chained to the one before.

Each build writes, last of all, ``/release.json``: the data revision it was built from (the git
commit), the as-of date, the SHA-256 of every other file of the site (search indexes included),
the number of records per dataset and visibility, and the SHA-256 of the previous release's
``release.json`` (the chain).  When a signing key is given (``GONGSHI_SIGNING_KEY``, a CI or
Netlify secret), ``/release.sig`` holds the Ed25519 signature of ``release.json``'s exact bytes
and ``/release-key.pub`` the public key (PEM), which the manifest names and hashes too.

Ed25519 signatures are deterministic (RFC 8032), and the manifest is a function of the output,
the revision, the as-of date and the previous release, so the build stays byte-identical for the
same inputs and state.  ``gongshi verify`` (verify.py) checks all of it.

Signing uses ``cryptography`` (pyca), the maintained binding of OpenSSL: no signature code of our own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .outputs import routes
from .stages.output_dir import MARKER
from .tree import files_under

FORMAT = "gongshi-release/1"
MANIFEST, SIGNATURE, PUBLIC_KEY = routes.RELEASE_MANIFEST, routes.RELEASE_SIGNATURE, routes.RELEASE_KEY
# the manifest cannot hash itself, nor the signature made over it; the output folder's marker
# (stages/output_dir.py) belongs to the machine that builds, not to the site
UNLISTED = (MANIFEST, SIGNATURE, MARKER)
KEY_ENV = "GONGSHI_SIGNING_KEY"


class KeyProblem(ValueError):
    """A signing or public key that cannot be read (the message is Chinese)."""


@dataclass(frozen=True)
class ReleaseInputs:
    """What a release needs besides the output: the state the CLI read (git, the previous release,
    the secret), so that the build itself reads neither the environment nor the network."""

    revision: str = ""            # the git commit the data were read from ("": not a repository)
    previous: bytes | None = None  # the previous release's release.json, exactly as published
    signing_key: object = None     # an Ed25519PrivateKey, or None: unsigned


# ---------------------------------------------------------------- keys

def private_key(text: str):
    """An Ed25519 private key from PEM (PKCS #8) or from the base64 of its 32-byte seed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as exc:
        raise KeyProblem(f"签名私钥无法读取（应为 PEM 或 32 字节种子的 base64）：{type(exc).__name__}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem("签名私钥不是 Ed25519 密钥")
    return key


def public_key(text: str | bytes):
    """An Ed25519 public key from PEM, or from ``ed25519:<base64 of the 32 raw bytes>``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text.removeprefix("ed25519:"), validate=True))
    except (ValueError, TypeError) as exc:
        raise KeyProblem(f"公钥无法读取（应为 PEM 或 ed25519:base64）：{type(exc).__name__}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem("公钥不是 Ed25519 密钥")
    return key


def key_id(public) -> str:
    """``ed25519:<base64 of the raw public key>``: how the manifest names its key."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode()


def public_pem(public) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def new_key() -> tuple[str, bytes]:
    """(private key as PEM text, public key as PEM bytes): for ``gongshi keygen``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, public_pem(key.public_key())


# ---------------------------------------------------------------- the manifest

def file_hashes(root: Path, known: dict | None = None, unlisted=UNLISTED) -> dict[str, str]:
    """SHA-256 of every file under ``root`` but the manifest and its signature, by site path.
    ``known``: digests taken while the files were written (stages/write.py) or as the build cache
    stored or restored them (the search indexes' files: cache.py, stages/index.py), not read again."""
    known = known or {}
    paths = [p for p in files_under(root) if p not in unlisted]
    # one after the other: what is read back is mostly, without a cache, the search index's
    # 100,000 small files, where threads only contend for the GIL (101,121 files at 100,000
    # records: 8.4 s with four threads, 0.6 s in one; benchmarks/README.md, issue 12)
    base = str(root)
    return {p: known.get(p) or sha256_file(os.path.join(base, p)) for p in paths}


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY)
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()


def previous_link(previous: bytes | None) -> dict | None:
    """The chain link to the release before: its manifest's SHA-256, as-of date and revision."""
    if previous is None:
        return None
    try:
        doc = json.loads(previous)
    except ValueError:
        doc = {}
    doc = doc if isinstance(doc, dict) else {}
    return {"sha256": hashlib.sha256(previous).hexdigest(), "as_of": doc.get("as_of"),
            "revision": doc.get("revision")}


def manifest(*, site: str, as_of: date, revision: str, counts: dict, files: dict[str, str],
             previous: bytes | None, key: str | None) -> bytes:
    doc = {
        "format": FORMAT,
        "site": site,
        "as_of": as_of.isoformat(),
        "revision": revision or None,
        "previous": previous_link(previous),
        "signing_key": key,
        "counts": {name: dict(sorted(c.items())) for name, c in counts.items()},
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_release(root: Path, *, site: str, as_of: date, counts: dict, inputs: ReleaseInputs,
                  known: dict | None = None) -> bytes:
    """Write the public key (when signing), then ``release.json`` over every other file, then its
    signature.  Returns the manifest's bytes.  ``known``: digests of files as they were written."""
    key = None
    if inputs.signing_key is not None:
        public = inputs.signing_key.public_key()
        (root / PUBLIC_KEY).write_bytes(public_pem(public))
        key = key_id(public)
    body = manifest(site=site, as_of=as_of, revision=inputs.revision, counts=counts, files=file_hashes(root, known),
                    previous=inputs.previous, key=key)
    (root / MANIFEST).write_bytes(body)
    if inputs.signing_key is not None:
        (root / SIGNATURE).write_bytes(base64.b64encode(inputs.signing_key.sign(body)) + b"\n")
    return body
