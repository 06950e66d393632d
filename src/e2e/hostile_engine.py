#!/usr/bin/env python3
"""A loopback engine that serves hostile /metrics bodies on demand, for src/e2e/hostile-soak.sh.

GET /metrics answers according to the current case; GET /_case?name=CASE&queue=N switches case (and the queue
value the good payload reports). Only the standard library; binds 127.0.0.1 only. Hanging and slow answers end
when the case changes, so a switch back to good data is seen at the sidecar's next scrape.
"""
import gzip
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = {"case": "good", "queue": 5, "scrape": 0}
LOCK = threading.Lock()
MIB = 1024 * 1024


def good(queue, counter_base=1000.0, waiting=None, running=3, kv=0.42):
    w = queue if waiting is None else waiting
    return (
        "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
        "# TYPE vllm:num_requests_running gauge\n"
        f'vllm:num_requests_running{{model_name="soak"}} {running}\n'
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
        "# TYPE vllm:num_requests_waiting gauge\n"
        f'vllm:num_requests_waiting{{model_name="soak"}} {w}\n'
        "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.\n"
        "# TYPE vllm:gpu_cache_usage_perc gauge\n"
        f'vllm:gpu_cache_usage_perc{{model_name="soak"}} {kv}\n'
        "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
        "# TYPE vllm:prompt_tokens_total counter\n"
        f'vllm:prompt_tokens_total{{model_name="soak"}} {counter_base * 4}\n'
        "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n"
        "# TYPE vllm:generation_tokens_total counter\n"
        f'vllm:generation_tokens_total{{model_name="soak"}} {counter_base}\n'
    ).encode()


def build_static(sglang_fixture):
    bodies = {}
    # 16 MiB - 16 KiB of valid exposition text: one family, distinct series.
    target = 16 * MIB - 16 * 1024
    lines, size, i = [b"# TYPE hostile_padding gauge\n"], 0, 0
    while size < target - 64:
        line = b'hostile_padding{i="%08d"} 1\n' % i
        lines.append(line)
        size += len(line)
        i += 1
    bodies["huge"] = b"".join(lines)[:target]
    # 64 MiB of comment lines, gzip-compressed (a few hundred KiB on the wire).
    bodies["gzipbomb"] = gzip.compress(b"# x\n" * (16 * MIB), compresslevel=9)
    # 148k distinct metric names, about 3 MB.
    bodies["names"] = b"".join(b"hostile_name_%06d 1\n" % n for n in range(148_000))
    # One 8 MB line.
    bodies["longline"] = b'vllm:num_requests_waiting{model_name="' + b"a" * (8 * MIB) + b'"} 1\n'
    with open(sglang_fixture, "rb") as f:
        bodies["dialect"] = f.read()
    return bodies


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies = {}

    def log_message(self, *args):
        pass

    def _send(self, body, ctype="text/plain; version=0.0.4", encoding=None):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_case":
            q = parse_qs(url.query)
            with LOCK:
                STATE["case"] = q.get("name", ["good"])[0]
                if "queue" in q:
                    STATE["queue"] = int(q["queue"][0])
            self._send(b"ok\n")
            return
        if url.path != "/metrics":
            self.send_error(404)
            return
        with LOCK:
            case, queue = STATE["case"], STATE["queue"]
            STATE["scrape"] += 1
            n = STATE["scrape"]
        if case == "good":
            self._send(good(queue, counter_base=1000.0 + 10 * n))
        elif case in ("huge", "names", "longline", "dialect"):
            self._send(self.bodies[case])
        elif case == "gzipbomb":
            self._send(self.bodies[case], encoding="gzip")
        elif case == "negative":
            self._send(good(queue, waiting=-50, running=-3, kv=-3))
        elif case == "nan":
            self._send(good(queue, waiting="NaN", running="+Inf", kv=7.0))
        elif case == "counterdrop":
            # A partial drop every other scrape: a restart of one of two workers.
            self._send(good(queue, counter_base=(1e6 if n % 2 else 10.0)))
        elif case == "slow":
            # Headers at once, then the body a few bytes a second until the case changes.
            body = good(queue)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for i in range(len(body)):
                    if STATE["case"] != "slow":
                        break
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.25)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif case == "hang":
            while STATE["case"] == "hang":
                time.sleep(0.05)
            self.close_connection = True
        elif case == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        else:
            self.send_error(500, "unknown case " + case)


def main():
    port = int(sys.argv[1])
    Handler.bodies = build_static(sys.argv[2])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("hostile engine on 127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
