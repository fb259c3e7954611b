"""Caddy in front of app workers on loopback, as the server kit runs it (deploy/Caddyfile), for tests.

    from https_kit import Proxy
    proxy = Proxy(tmp_path / "caddy", [worker.port for worker in workers])  # started, certificate made
    proxy.url("participation")    # https://127.0.0.1:PORT/participation
    proxy.cacert                  # Caddy's root certificate (for a client that verifies, e.g. --cacert)
    proxy.pins()                  # SPKI pins for Chromium's --ignore-certificate-errors-spki-list
    proxy.stop()

The test Caddyfile is deploy/Caddyfile's site block, verbatim, under test-only global options: it binds
127.0.0.1 only, `auto_https disable_redirects` (no port-80 listener), `skip_install_trust`, `admin off`,
and keeps its authority and certificates in the given folder. The access log is `proxy.output()`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

from browser import free_port

ROOT = Path(__file__).resolve().parent.parent
STICKY = "cellboard_worker"  # deploy/Caddyfile's lb_policy cookie


def site_body() -> str:
    """The inside of deploy/Caddyfile's site block: what the committee's server runs, verbatim."""
    found = re.search(
        r"^\{\$CELLBOARD_SITE[^\n]*\{\n(.*?)^\}\s*$", (ROOT / "deploy/Caddyfile").read_text(), re.S | re.M
    )
    assert found, "deploy/Caddyfile has one site block, {$CELLBOARD_SITE...} { ... }"
    return found.group(1)


def caddyfile_for_test(port: int, storage: Path) -> str:
    """A Caddyfile for this test: loopback only, no redirect listener, no trust installed, no admin
    endpoint, storage in a temporary folder; the site's directives are deploy/Caddyfile's."""
    return (
        "{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n"
        f"\tstorage file_system {{\n\t\troot {storage}\n\t}}\n"
        f"\thttp_port {free_port()}\n\thttps_port {port}\n}}\n\n"
        f"https://127.0.0.1:{port} {{\n\tbind 127.0.0.1\n{site_body()}}}\n"
    )


def spki_pin(certificate: Path) -> str:
    """base64(SHA-256 of the certificate's SubjectPublicKeyInfo), as --ignore-certificate-errors-spki-list wants."""
    public = subprocess.run(
        ["openssl", "x509", "-in", str(certificate), "-noout", "-pubkey"], capture_output=True, check=True
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "DER"], input=public, capture_output=True, check=True
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def sticky_value(port: int) -> str:
    """The sticky cookie's value for the worker on 127.0.0.1:port: Caddy's cookie policy names an
    upstream by HMAC-SHA256(secret, its address), and deploy/Caddyfile sets no secret."""
    return hmac.new(b"", f"127.0.0.1:{port}".encode(), hashlib.sha256).hexdigest()


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Proxy:
    """`caddy run` with the test Caddyfile, in its own process group; started when made."""

    def __init__(self, folder: Path, upstreams: list[int], timeout: float = 30):
        self.folder = folder
        self.port = free_port()
        self.folder.mkdir(parents=True)
        self.caddyfile = self.folder / "Caddyfile"
        self.caddyfile.write_text(caddyfile_for_test(self.port, self.folder / "storage"), encoding="utf-8")
        self.log = self.folder / "caddy.log"
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.folder),
            "XDG_DATA_HOME": str(self.folder / "data"),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "CELLBOARD_TLS": "internal",
            "CELLBOARD_UPSTREAMS": " ".join(f"127.0.0.1:{port}" for port in upstreams),
        }
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["caddy", "run", "--config", str(self.caddyfile), "--adapter", "caddyfile"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.authority = self.folder / "storage/pki/authorities/local"
        self.cacert = self.authority / "root.crt"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            made = list((self.folder / "storage").glob("certificates/local/127.0.0.1/*.crt"))
            if made and (self.authority / "intermediate.crt").exists() and listening(self.port):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"caddy made no certificate:\n{self.output()}")

    def pins(self) -> list[str]:
        """Caddy's authority as SPKI pins: its root and the intermediate that signs the site's
        certificate (the server sends the chain without the root; Chromium matches that chain)."""
        return [spki_pin(self.authority / name) for name in ("root.crt", "intermediate.crt")]

    def url(self, path: str = "") -> str:
        return f"https://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
