#!/usr/bin/env python3
"""A Sandgate authorization callout in Python: the same policy as allow-list.sh.

Sandgate runs it before every call that needs an account, with one JSON document on standard input:
dn, issuer, tier, account, proxy, addr (client IP), service, method, cost, and token (the claims)
when the caller used a bearer token. Exit 0 allows the call; any other exit, a crash or a timeout
denies it. Standard error goes to the server's log, never to the caller.

It allows the DNs listed, one per line, in the file allowed-dns beside it, and refuses every call
of the weak tier that costs more than 100 CPU-seconds.
"""
import json
import os
import sys


def main():
    request = json.load(sys.stdin)
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, "allowed-dns"), encoding="utf-8") as f:
            allowed = {line.rstrip("\n") for line in f if line.strip()}
    except OSError as e:
        print(f"allow-list: cannot read the allowed DNs: {e}", file=sys.stderr)
        return 1
    dn = request.get("dn")
    if dn not in allowed:
        print(f"allow-list: {dn} is not allowed", file=sys.stderr)
        return 1
    if request.get("tier") == "weak" and float(request.get("cost") or 0) > 100:
        print(f"allow-list: weak credential, cost {request.get('cost')} over 100", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
