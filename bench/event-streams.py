#!/usr/bin/env python3
"""Opens N Server-Sent-Event streams on one session over TLS (loopback), holds them, and reports.

Usage: event-streams.py HOST PORT CA_FILE SESSION_ID N
Prints "open N failed F seconds S" once every stream has its first event, then keeps reading the
streams (heartbeats) until stdin closes; then prints "closed-early C" (streams the server ended
while they were held) and exits.
"""
import asyncio
import ssl
import sys
import time


async def main():
    host, port, ca, session, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    ctx = ssl.create_default_context(cafile=ca)
    request = (f"GET /api/v1/sessions/{session}/events HTTP/1.1\r\nHost: {host}\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()
    handshakes = asyncio.Semaphore(64)
    stop = asyncio.Event()
    counts = {"open": 0, "failed": 0, "closed_early": 0}
    writers = []

    async def stream():
        try:
            async with handshakes:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port, ssl=ctx, server_hostname=host), 60)
                writers.append(writer)
                writer.write(request)
                seen = b""
                while b"event: state" not in seen:
                    chunk = await asyncio.wait_for(reader.read(4096), 60)
                    if not chunk:
                        raise EOFError(seen[:200])
                    seen += chunk
                if not seen.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(seen[:200])
            counts["open"] += 1
        except Exception as e:  # counted, the first few shown
            counts["failed"] += 1
            if counts["failed"] <= 3:
                print(f"stream failed: {e!r}", file=sys.stderr, flush=True)
            return
        while not stop.is_set():
            chunk = await reader.read(4096)
            if not chunk:
                if not stop.is_set():
                    counts["closed_early"] += 1
                return

    t0 = time.monotonic()
    tasks = [asyncio.create_task(stream()) for _ in range(n)]
    while counts["open"] + counts["failed"] < n:
        await asyncio.sleep(0.2)
    print(f"open {counts['open']} failed {counts['failed']} seconds {time.monotonic() - t0:.1f}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    stop.set()
    print(f"closed-early {counts['closed_early']}", flush=True)
    for w in writers:
        w.transport.abort()
    for t in tasks:
        t.cancel()


asyncio.run(main())
