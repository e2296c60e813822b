"""The fake storage host that release assets and artifact zips redirect to.

GitHub answers asset and artifact downloads with a 302 to a pre-signed URL on a
storage service (S3-style for release assets, Azure-style for artifacts). Such
URLs carry their own signature, so the storage service refuses a request that
also carries an `Authorization` header (S3: 400 "Only one auth mechanism
allowed"). Clients must drop the token on that second hop; this host checks it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.fake_github.wire import Reply, Request

ASSET_TTL = 300  # seconds, like GitHub's release-asset links
ARTIFACT_TTL = 60  # "This URL expires after 1 minute" (actions/download-artifact)

_S3_BUCKET = "/github-production-release-asset-2e65be"
_AZURE_CONTAINER = "/actions-results"


@dataclass
class StoredObject:
    """Bytes the storage host can hand out, with their download metadata."""

    data: bytes
    content_type: str
    filename: str


def _xml_error(status: int, code: str, message: str) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
    )
    return Reply(status, body.encode(), {"content-type": "application/xml"})


class Storage:
    """Signed-URL object store; `handle` serves the storage host's requests."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self._objects: dict[str, StoredObject] = {}
        self.base_url = ""

    def _sign(self, path: str, expires: int) -> str:
        message = f"{path}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def asset_url(self, repo_id: int, key: str, obj: StoredObject) -> str:
        """Store an asset and return an S3-style pre-signed URL for it."""
        path = f"{_S3_BUCKET}/{repo_id}/{key}"
        self._objects[path] = obj
        now = int(time.time())
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        disposition = f"attachment; filename={obj.filename}"
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"FAKEACCESSKEY/{stamp[:8]}/us-east-1/s3/aws4_request",
            "X-Amz-Date": stamp,
            "X-Amz-Expires": str(ASSET_TTL),
            "X-Amz-Signature": self._sign(path, now + ASSET_TTL),
            "X-Amz-SignedHeaders": "host",
            "actor_id": "0",
            "key_id": "0",
            "repo_id": str(repo_id),
            "response-content-disposition": disposition,
            "response-content-type": "application/octet-stream",
        }
        return f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"

    def artifact_url(self, key: str, obj: StoredObject) -> str:
        """Store an artifact zip and return an Azure-style SAS URL for it."""
        path = f"{_AZURE_CONTAINER}/{key}/{obj.filename}"
        self._objects[path] = obj
        now = int(time.time())
        expires = now + ARTIFACT_TTL
        query = {
            "rscd": f"attachment; filename={obj.filename}",
            "se": _azure_time(expires),
            "sig": self._sign(path, expires),
            "sp": "r",
            "spr": "https",
            "sr": "b",
            "st": _azure_time(now - 300),
            "sv": "2021-12-02",
        }
        return f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"

    def handle(self, request: Request) -> Reply:
        """Serve one storage request: refuse tokens, check signature and expiry."""
        if "authorization" in request.headers:
            return _xml_error(
                400,
                "InvalidArgument",
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                "parameter, Signature query string parameter or the Authorization "
                "header should be specified",
            )
        if request.method not in ("GET", "HEAD"):
            return _xml_error(405, "MethodNotAllowed", "The method is not allowed.")

        obj = self._objects.get(request.path)
        expires = _expiry(request.query)
        signature = request.query.get("X-Amz-Signature") or request.query.get("sig")
        if obj is None:
            return _xml_error(404, "NoSuchKey", "The specified key does not exist.")
        if expires is None or signature is None:
            return _xml_error(
                403, "AccessDenied", "Query-string authentication required."
            )
        expected = self._sign(request.path, expires)
        if not hmac.compare_digest(signature, expected):
            return _xml_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature "
                "you provided.",
            )
        if time.time() > expires:
            return _xml_error(403, "AccessDenied", "Request has expired")

        return Reply(
            200,
            obj.data,
            {
                "content-type": obj.content_type,
                "content-disposition": f"attachment; filename={obj.filename}",
                "etag": f'"{hashlib.md5(obj.data).hexdigest()}"',
                "accept-ranges": "bytes",
            },
        )


def _azure_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expiry(query: dict[str, str]) -> int | None:
    """Return the epoch second a signed URL expires at, from either URL style."""
    try:
        if "X-Amz-Date" in query:
            start = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
            start = start.replace(tzinfo=UTC)
            return int(start.timestamp()) + int(query["X-Amz-Expires"])
        if "se" in query:
            end = datetime.strptime(query["se"], "%Y-%m-%dT%H:%M:%SZ")
            return int(end.replace(tzinfo=UTC).timestamp())
    except (KeyError, ValueError):
        return None
    return None
