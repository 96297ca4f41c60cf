"""Exit 0 when a Kafka broker answers an ApiVersions request (standard library only)."""

import socket
import struct
import sys


def answers(host: str, port: int) -> bool:
    # ApiVersions v0: api_key 18, version 0, correlation id 1, client id "ready".
    client_id = b"ready"
    body = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as conn:
            conn.sendall(struct.pack(">i", len(body)) + body)
            header = conn.recv(4)
            if len(header) < 4:
                return False
            size = struct.unpack(">i", header)[0]
            reply = conn.recv(size)
            correlation_id, error_code = struct.unpack(">ih", reply[:6])
            return correlation_id == 1 and error_code == 0
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1], int(sys.argv[2])) else 1)
