"""schemathesis hooks for chokepoint: send the NDJSON body of /v1/screen/batch as it is.

The document describes that body as a string (one JSON ScreenRequest per line); schemathesis has
no serializer of its own for application/x-ndjson. Loaded by schemathesis.sh through
SCHEMATHESIS_HOOKS.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, list):
        return "".join(json.dumps(v) + "\n" for v in value).encode("utf-8", "surrogatepass")
    return (json.dumps(value) + "\n").encode("utf-8", "surrogatepass")
