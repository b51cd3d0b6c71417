#!/usr/bin/python3
"""A real Linux peer for the e2e TCP/UDP tests, run inside a site's namespace.

Each subcommand does one thing a user would do against a tenant's diagnostic services
and reports it on stdout; the exit status is 0 only when it went as expected. Comparisons
of transferred bytes are left to the caller (cmp), so this script only moves bytes.

  echo HOST PORT IN OUT [--src-port P]   send file IN, write what comes back to OUT
  discard HOST PORT BYTES                 send BYTES, half-close, expect a clean close
  chargen HOST PORT LINES OUT             read LINES lines, write them to OUT
  many HOST PORT N RELEASE [--src-port P] N echo connections held open until RELEASE exists
  serve PORT ANSWER RECEIVED              one-shot TCP server: record the request, answer
  udp HOST PORT SIZE                      one datagram of SIZE bytes to an echo server
  udp-closed HOST PORT                    a datagram to a closed port: expect ICMP refusal
"""

import argparse
import asyncio
import os
import socket
import sys
import threading
import time

CHUNK = 256 * 1024
IDLE_TIMEOUT = 30.0


def connect(host, port, src_port=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if src_port:
        sock.bind(("0.0.0.0", src_port))
    sock.settimeout(IDLE_TIMEOUT)
    sock.connect((host, port))
    return sock


def cmd_echo(args):
    """Sends a file while reading the echo concurrently (echo would stall on full windows otherwise)."""
    sock = connect(args.host, args.port, args.src_port)
    sent_error = []

    def send_all():
        try:
            with open(args.infile, "rb") as source:
                while chunk := source.read(CHUNK):
                    sock.sendall(chunk)
            sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            sent_error.append(error)

    started = time.monotonic()
    sender = threading.Thread(target=send_all)
    sender.start()
    received = 0
    try:
        with open(args.outfile, "wb") as sink:
            while data := sock.recv(CHUNK):
                sink.write(data)
                received += len(data)
    except OSError as error:
        print(f"receive failed after {received} bytes: {error!r}")
        return 1
    finally:
        sender.join()
        sock.close()
    took = time.monotonic() - started
    if sent_error:
        print(f"send failed: {sent_error[0]!r}")
        return 1
    print(f"echoed {received} bytes in {took:.2f} s ({received / took / 1e6:.1f} MB/s)")
    return 0


def cmd_discard(args):
    sock = connect(args.host, args.port)
    block = os.urandom(CHUNK)
    left = args.bytes
    started = time.monotonic()
    try:
        while left > 0:
            n = min(left, CHUNK)
            sock.sendall(block[:n])
            left -= n
        sock.shutdown(socket.SHUT_WR)
        extra = sock.recv(CHUNK)  # b"" is the server's FIN: a clean close, nothing answered
    except OSError as error:
        print(f"failed with {args.bytes - left} of {args.bytes} bytes sent: {error!r}")
        return 1
    finally:
        sock.close()
    if extra:
        print(f"discard answered {len(extra)} bytes instead of closing")
        return 1
    took = time.monotonic() - started
    print(f"discarded {args.bytes} bytes in {took:.2f} s, then the server closed cleanly")
    return 0


def cmd_chargen(args):
    sock = connect(args.host, args.port)
    wanted = args.lines * 74
    data = bytearray()
    try:
        while len(data) < wanted:
            chunk = sock.recv(CHUNK)
            if not chunk:
                print(f"chargen closed after {len(data)} bytes")
                return 1
            data += chunk
    finally:
        sock.close()
    with open(args.outfile, "wb") as sink:
        sink.write(data[:wanted])
    print(f"read {args.lines} lines")
    return 0


async def one_connection(host, port, index, opened, release, timeout, src_port):
    local = ("0.0.0.0", src_port + index) if src_port else None
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, local_addr=local), timeout)
    try:
        message = f"connection {index}\n".encode()
        writer.write(message)
        await writer.drain()
        answer = await asyncio.wait_for(reader.readexactly(len(message)), timeout)
        if answer != message:
            raise ValueError(f"connection {index} got {answer!r}")
        opened.append(index)
        await release.wait()
        writer.write_eof()
        rest = await asyncio.wait_for(reader.read(), timeout)  # the echo server's FIN after ours
        if rest:
            raise ValueError(f"connection {index} got {len(rest)} unexpected bytes at close")
    finally:
        writer.close()
        await writer.wait_closed()


async def many(args):
    opened = []
    release = asyncio.Event()
    tasks = [asyncio.create_task(one_connection(args.host, args.port, i, opened, release, args.timeout, args.src_port))
             for i in range(args.n)]
    deadline = time.monotonic() + args.timeout
    while len(opened) + sum(t.done() for t in tasks) < args.n and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    print(f"open {len(opened)}", flush=True)
    # The caller counts the connections now, then creates RELEASE.
    while not os.path.exists(args.release) and time.monotonic() < deadline + 30:
        await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    for failure in failures[:5]:
        print(f"failure: {failure!r}")
    print(f"closed cleanly {len(results) - len(failures)} of {args.n}")
    return 0 if not failures and len(opened) == args.n else 1


def cmd_serve(args):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", args.port))
    server.listen(1)
    server.settimeout(args.timeout)
    print("listening", flush=True)
    conn, peer = server.accept()
    conn.settimeout(args.timeout)
    request = bytearray()
    while chunk := conn.recv(CHUNK):  # until the tenant half-closes
        request += chunk
    with open(args.received, "wb") as sink:
        sink.write(request)
    conn.sendall(args.answer.encode() + b"\n")
    conn.close()
    print(f"served {peer[0]}:{peer[1]}: {len(request)} bytes in")
    return 0


def cmd_udp(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    sock.connect((args.host, args.port))
    payload = os.urandom(args.size)
    sock.send(payload)
    try:
        answer = sock.recv(65536)
    except OSError as error:
        print(f"no echo: {error!r}")
        return 1
    if answer != payload:
        print(f"echo differs: sent {len(payload)} bytes, got {len(answer)}")
        return 1
    print(f"echoed a {len(answer)}-byte datagram")
    return 0


def cmd_udp_closed(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    sock.connect((args.host, args.port))
    sock.send(b"anyone there?\n")
    try:
        answer = sock.recv(65536)
    except ConnectionRefusedError:
        print("refused (ICMP port unreachable)")
        return 0
    except socket.timeout:
        print("no answer and no ICMP port unreachable within 2 s")
        return 1
    print(f"a closed port answered {len(answer)} bytes")
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("echo")
    p.add_argument("host"), p.add_argument("port", type=int), p.add_argument("infile"), p.add_argument("outfile")
    p.add_argument("--src-port", type=int)
    p.set_defaults(run=cmd_echo)
    p = sub.add_parser("discard")
    p.add_argument("host"), p.add_argument("port", type=int), p.add_argument("bytes", type=int)
    p.set_defaults(run=cmd_discard)
    p = sub.add_parser("chargen")
    p.add_argument("host"), p.add_argument("port", type=int), p.add_argument("lines", type=int)
    p.add_argument("outfile")
    p.set_defaults(run=cmd_chargen)
    p = sub.add_parser("many")
    p.add_argument("host"), p.add_argument("port", type=int), p.add_argument("n", type=int)
    p.add_argument("release"), p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--src-port", type=int, help="first local port (the next connections take the next ones)")
    p.set_defaults(run=lambda a: asyncio.run(many(a)))
    p = sub.add_parser("serve")
    p.add_argument("port", type=int), p.add_argument("answer"), p.add_argument("received")
    p.add_argument("--timeout", type=float, default=20.0)
    p.set_defaults(run=cmd_serve)
    p = sub.add_parser("udp")
    p.add_argument("host"), p.add_argument("port", type=int), p.add_argument("size", type=int)
    p.set_defaults(run=cmd_udp)
    p = sub.add_parser("udp-closed")
    p.add_argument("host"), p.add_argument("port", type=int)
    p.set_defaults(run=cmd_udp_closed)
    args = parser.parse_args()
    try:
        return args.run(args)
    except (OSError, ValueError, asyncio.IncompleteReadError) as error:
        print(f"{args.command} failed: {error!r}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
