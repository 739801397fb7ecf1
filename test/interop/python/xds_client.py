"""Python interop client: gRPC C-core's own xDS client against the mediamesh control plane.

Usage: python xds_client.py <service> <calls> [header=value ...]
Needs GRPC_XDS_BOOTSTRAP (a bootstrap file naming our control plane). Calls the JSON
Echo method of the test backend through xds:///<service> and prints one JSON line:
{"counts": {"<instance>": n, "error:<CODE>": n}}.
"""
import json
import sys

import grpc

ECHO = "/mediamesh.test.Echo/Echo"


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    service, calls = sys.argv[1], int(sys.argv[2])
    metadata = tuple(tuple(h.split("=", 1)) for h in sys.argv[3:])
    counts: dict[str, int] = {}
    with grpc.insecure_channel(f"xds:///{service}") as channel:
        echo = channel.unary_unary(ECHO, request_serializer=None, response_deserializer=None)
        # The first call waits for xDS resolution (wait_for_ready) instead of failing fast.
        echo(b"{}", timeout=30, wait_for_ready=True, metadata=metadata or None)
        for _ in range(calls):
            try:
                reply = json.loads(echo(b"{}", timeout=10, metadata=metadata or None))
                key = reply["instance"]
            except grpc.RpcError as err:  # counted, so the test sees failures
                key = f"error:{err.code().name}"
            counts[key] = counts.get(key, 0) + 1
    print(json.dumps({"counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
