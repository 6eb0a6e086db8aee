"""JSON text for the instance and schedule files: one top-level key, and one list entry, per line.

`json.dumps(indent=...)` switches to the pure-Python encoder, several times slower on a large
event; encoding each entry with the C encoder keeps the big files fast to write and easy to diff.
`JSONEncoder.encode` builds a new C encoder on every call, which for the 240,000 entries of a
large fair's schedule cost more than the encoding itself, so one is built here and reused.
"""

import json
from collections.abc import Callable, Mapping
from json import encoder
from typing import Any


def _entry_encoder() -> Callable[[Any], str]:
    if encoder.c_make_encoder is None:  # a Python without the C accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    # the arguments JSONEncoder.iterencode passes for ensure_ascii=False and the defaults
    plain = json.JSONEncoder(ensure_ascii=False)
    make = encoder.c_make_encoder(
        {}, plain.default, encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(make(value, 0))


_encode = _entry_encoder()


def dumps(document: Mapping[str, Any]) -> str:
    members = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            entries = ",\n  ".join(map(_encode, value))
            members.append(f"{_encode(key)}: [\n  {entries}\n ]")
        else:
            members.append(f"{_encode(key)}: {_encode(value)}")
    return "{\n " + ",\n ".join(members) + "\n}\n"
