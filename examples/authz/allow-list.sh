#!/bin/sh
# A Sandgate authorization callout in POSIX shell.
#
# Sandgate runs it before every call that needs an account, with one JSON document on standard
# input, for example:
#   {"dn":"/O=Grid/CN=Jane Doe","issuer":"/O=Grid/CN=Grid CA","tier":"strong","account":"jane",
#    "proxy":true,"addr":"192.0.2.7","service":"sleepy","method":"add","cost":6.0}
# (plus "token": {claims} when the caller used a bearer token). Exit 0 allows the call; any other
# exit, a crash or a timeout denies it. Standard error goes to the server's log, never to the caller.
#
# This one allows the DNs listed, one per line, in the file allowed-dns beside it, and refuses
# every call of the weak tier that costs more than 100 CPU-seconds.
set -u
here=$(dirname "$0")
input=$(cat)

# the fields are read without a JSON parser: the server writes compact JSON with "key":value
field() { printf '%s' "$input" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
dn=$(field dn)
tier=$(field tier)
cost=$(printf '%s' "$input" | sed -n 's/.*"cost":\([0-9.]*\).*/\1/p')

if [ -z "$dn" ] || ! grep -Fqx -- "$dn" "$here/allowed-dns" 2>/dev/null; then
    echo "allow-list: $dn is not in $here/allowed-dns" >&2
    exit 1
fi
if [ "$tier" = weak ] && [ "${cost%.*}" -gt 100 ] 2>/dev/null; then
    echo "allow-list: weak credential, cost $cost over 100" >&2
    exit 2
fi
exit 0
