"""Decoding of Bot API request bodies into Python values.

PTB sends non-file calls as form fields (``application/x-www-form-urlencoded``) and file
uploads as ``multipart/form-data``. A string argument travels as is; every other value
(numbers, booleans, ``reply_markup``, lists) travels JSON-encoded. So whether a field is
JSON-decoded depends on the field, not on its content: ``text="123"`` must stay a string.
Plain JSON bodies (as other clients send) are accepted too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, hdrs, web
from aiohttp.multipart import content_disposition_filename, parse_content_disposition

from fake_telegram.errors import bad_request

# Fields whose form value is the raw string, never JSON.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "file_id",
        "action",
        "language_code",
        "photo",
        "document",
        "secret_token",
        "business_connection_id",
    }
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class Params:
    """The decoded arguments of one call, plus any uploaded files by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def require(self, name: str) -> Any:
        if self.values.get(name) is None:
            raise bad_request(f"Bad Request: {name} is empty")
        return self.values[name]


def decode_field(name: str, raw: str) -> Any:
    """Decode one form value the way the Bot API reads it."""
    if name in STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def read_params(request: web.Request) -> Params:
    """Read query string and body (form, multipart or JSON) into `Params`."""
    params = Params({key: decode_field(key, value) for key, value in request.query.items()})
    if not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            # The header parsed once: aiohttp parses it again for each of `name`, `filename`,
            # a few tenths of a millisecond each, while other requests wait to be counted.
            _, disposition = parse_content_disposition(part.headers.get(hdrs.CONTENT_DISPOSITION))
            name = content_disposition_filename(disposition, "name")
            if name is None:
                continue
            data = await part.read()
            filename = content_disposition_filename(disposition, "filename")
            if filename is not None:
                params.uploads[name] = Upload(data, filename, part.headers.get("Content-Type"))
            else:
                params.values[name] = decode_field(name, data.decode("utf-8"))
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params.values[key] = decode_field(key, value)
    return params
