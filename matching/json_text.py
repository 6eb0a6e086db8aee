"""JSON text for the instance and schedule files: one top-level key, and one list entry, per line.

`json.dumps(indent=...)` switches to the pure-Python encoder, several times slower on a large
event; encoding each entry with the C encoder keeps the big files fast to write and easy to diff.
"""

import json
from collections.abc import Mapping
from typing import Any

_encode = json.JSONEncoder(ensure_ascii=False).encode


def dumps(document: Mapping[str, Any]) -> str:
    members = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            entries = ",\n  ".join(map(_encode, value))
            members.append(f"{_encode(key)}: [\n  {entries}\n ]")
        else:
            members.append(f"{_encode(key)}: {_encode(value)}")
    return "{\n " + ",\n ".join(members) + "\n}\n"
