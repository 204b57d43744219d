"""A real Apache Kafka broker as a local process, for machines without Docker.

The jars come from Maven Central through ``deploy/kafka/pom.xml``; the broker runs in KRaft mode as one combined
broker+controller on 127.0.0.1 with free ports. State (config, data, log, pid, bootstrap address) lives in one
directory so that ``start``/``stop``/``status`` can be separate processes.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sitrep.paths import project_root

POM = project_root() / "deploy" / "kafka" / "pom.xml"
LIBS = POM.parent / "target" / "libs"
READY_LINE = "Kafka Server started"


class BrokerError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch_jars() -> Path:
    """Copy the broker's runtime jars next to the pom (Maven caches them in ~/.m2)."""
    if LIBS.is_dir() and any(LIBS.glob("kafka_2.13-*.jar")):
        return LIBS
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError("Maven (mvn) is needed to fetch the Kafka jars; install Maven or set KAFKA_BOOTSTRAP_SERVERS")
    subprocess.run(
        [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
         "-DincludeScope=runtime", f"-DoutputDirectory={LIBS}"],
        check=True,
    )
    return LIBS


@dataclass(frozen=True)
class LocalKafka:
    """Handle on a broker whose state lives in ``home``."""

    home: Path
    heap: str = "512m"

    @property
    def bootstrap_file(self) -> Path:
        return self.home / "bootstrap"

    @property
    def pid_file(self) -> Path:
        return self.home / "pid"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    def bootstrap(self) -> str | None:
        if self.bootstrap_file.exists() and self.pid() is not None:
            return self.bootstrap_file.read_text().strip()
        return None

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def _write_config(self, broker_port: int, controller_port: int) -> Path:
        data = self.home / "data"
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            # a static voter set: one combined node that is its own quorum
            "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{broker_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(data),
            "num.partitions": "1",
            # one broker: every internal topic must make do with one replica
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            # tests create many consumer groups; don't wait 3 s for each to settle
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            "log.retention.hours": "168",
            "log.segment.bytes": str(64 * 1024 * 1024),
        }
        path = self.home / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        return path

    def _java(self, *args: str, stdout: int | None = None) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise BrokerError("Java 17 is needed for the local Kafka broker; install it or set KAFKA_BOOTSTRAP_SERVERS")
        return [java, f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC",
                "-Dslf4j.internal.verbosity=WARN", "-cp", f"{fetch_jars()}/*", *args]

    @property
    def config_file(self) -> Path:
        return self.home / "server.properties"

    def start(self, timeout: float = 90.0, keep_data: bool = False) -> str:
        """Format KRaft storage, start the broker and wait until it serves metadata. Idempotent.

        ``keep_data``: restart a stopped broker on its former ports with its data (topics, messages, committed
        offsets), as a real broker comes back after a restart; clients configured with its address reconnect."""
        running = self.bootstrap()
        if running:
            return running
        if keep_data and self.config_file.exists():
            config = self.config_file
            broker_port = int(self._listener_port(config))
        else:
            config, broker_port = self._fresh()
        # a restarted broker appends to its log: only a ready line written after this point counts
        log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                self._java("kafka.Kafka", str(config)),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # survives the CLI process that started it
            )
        self.pid_file.write_text(str(proc.pid))
        bootstrap = f"127.0.0.1:{broker_port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BrokerError(f"kafka exited with {proc.returncode}; see {self.log_file}:\n{self._tail()}")
            if READY_LINE in self._log_since(log_start) and metadata_ok(bootstrap):
                self.bootstrap_file.write_text(bootstrap)
                return bootstrap
            time.sleep(0.5)
        self.stop()
        raise BrokerError(f"kafka not ready after {timeout:.0f}s; see {self.log_file}:\n{self._tail()}")

    def _fresh(self) -> tuple[Path, int]:
        """A new home: config on free ports, formatted storage."""
        if self.home.exists():
            shutil.rmtree(self.home)
        self.home.mkdir(parents=True)
        broker_port, controller_port = _free_port(), _free_port()
        config = self._write_config(broker_port, controller_port)
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        fmt = subprocess.run(
            # "--cluster-id=": a random id may start with "-", which would read as an option
            self._java("kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}", "-c", str(config)),
            capture_output=True, text=True,
        )
        if fmt.returncode != 0:
            raise BrokerError(f"kafka storage format failed: {fmt.stderr or fmt.stdout}")
        return config, broker_port

    @staticmethod
    def _listener_port(config: Path) -> str:
        for line in config.read_text().splitlines():
            if line.startswith("listeners="):
                return line.split("PLAINTEXT://127.0.0.1:", 1)[1].split(",", 1)[0]
        raise BrokerError(f"no PLAINTEXT listener in {config}")

    def restart(self, timeout: float = 90.0) -> str:
        """Stop (controlled shutdown) and start again on the same ports with the same data."""
        self.stop()
        return self.start(timeout, keep_data=True)

    def _log_since(self, offset: int) -> str:
        with self.log_file.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")

    def _tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM (a controlled shutdown), then SIGKILL if it does not exit in time."""
        pid = self.pid()
        self.bootstrap_file.unlink(missing_ok=True)
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):  # reap it if this process started it
                os.waitpid(pid, os.WNOHANG)
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def metadata_ok(bootstrap: str) -> bool:
    """True when the broker answers a metadata request."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, client_id="sitrep-probe")
    except (KafkaError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()
