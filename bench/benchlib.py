"""Shared helpers of the end-to-end benchmarks: watching Kafka, measuring processes, describing the run.

- Kafka: `create_topics`, `delete_topics`, `end_offsets`, `topic_count` (messages by watermarks),
  `CommitWatcher` (a thread that waits until a consumer group's committed offsets reach the end
  offsets of its input, polled every `interval` s — the "all input processed" moment of a run);
- processes: `free_port`, `wait_port`, `peek_exit` (exit code without reaping), `proc_cpu_s` /
  `proc_status_kb` (utime+stime and VmHWM from /proc), `ProcSample` (both at once, tolerant of a
  process that already exited), `reap` (wait4 with a timeout: exit code, CPU s, peak RSS;
  `wait_rusage` without);
- the run: `log`, `machine`, `git_commit`, `load_average`, `mb`.

Only the standard library and confluent_kafka, so it loads in the repository's `.venv` (the SDK's) as
well as in `.venv-bench` (quixstreams). Not thread-safe beyond what each function says.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg: str, tag: str = "bench") -> None:
    print(f"[{tag} {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- Kafka


def _meta_consumer(broker: str, group: str = "bench-meta") -> Consumer:
    return Consumer({"bootstrap.servers": broker, "group.id": group, "enable.auto.commit": False,
                     "log_level": 3})


def create_topics(broker: str, names: list[str], partitions: int, timeout: float = 30) -> None:
    """Creates `names` (replication 1) and waits until the metadata shows all their partitions."""
    admin = AdminClient({"bootstrap.servers": broker})
    futures = admin.create_topics([NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names])
    for f in futures.values():
        f.result(timeout)
    c = _meta_consumer(broker)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            md = c.list_topics(timeout=5)
            if all(n in md.topics and len(md.topics[n].partitions) == partitions for n in names):
                return
            time.sleep(0.1)
        raise RuntimeError(f"topics {names} not visible after {timeout}s")
    finally:
        c.close()


def delete_topics(broker: str, names: list[str], timeout: float = 30) -> None:
    """Deletes `names`; errors (e.g. already gone) are ignored."""
    if not names:
        return
    admin = AdminClient({"bootstrap.servers": broker})
    for f in admin.delete_topics(names, operation_timeout=timeout).values():
        try:
            f.result(timeout)
        except Exception:
            pass


def end_offsets(broker: str, topic: str) -> dict[int, int]:
    """partition → high watermark of `topic`."""
    c = _meta_consumer(broker)
    try:
        parts = sorted(c.list_topics(topic, timeout=10).topics[topic].partitions)
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)[1] for p in parts}
    finally:
        c.close()


def topic_count(broker: str, topic: str) -> int:
    """Messages in `topic` (sum of high − low watermarks)."""
    c = _meta_consumer(broker)
    try:
        parts = sorted(c.list_topics(topic, timeout=10).topics[topic].partitions)
        n = 0
        for p in parts:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)
            n += hi - lo
        return n
    finally:
        c.close()


class CommitWatcher:
    """Waits, in its own thread, until `group`'s committed offsets on `input_topic` reach the end
    offsets taken when it was created.

    `t0` is the start of the measurement (time.monotonic()); `done_s` the seconds from `t0` to the
    first poll that saw every partition committed at its end (None while running or after a
    timeout). `on_done` is called from the watcher thread at that moment.
    """

    def __init__(self, broker: str, group: str, input_topic: str, interval: float = 0.05) -> None:
        self.group, self.input, self.interval = group, input_topic, interval
        self._c = _meta_consumer(broker, group)  # never subscribes: reading committed offsets only
        self.end = end_offsets(broker, input_topic)
        self.total = sum(self.end.values())
        self.t0 = time.monotonic()
        self.done_s: float | None = None
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def committed_all(self) -> bool:
        got = self._c.committed([TopicPartition(self.input, p) for p in self.end], timeout=10)
        return all(tp.offset >= self.end[tp.partition] for tp in got)

    def start(self, t0: float, timeout: float, on_done=None) -> None:
        self.t0 = t0
        self._thread = threading.Thread(target=self._run, args=(timeout, on_done), daemon=True)
        self._thread.start()

    def _run(self, timeout: float, on_done) -> None:
        deadline = self.t0 + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                if self.committed_all():
                    self.done_s = time.monotonic() - self.t0
                    break
            except Exception as e:
                log(f"watcher: {e}")
            self._stop.wait(self.interval)
        self.done.set()
        if on_done is not None:
            on_done()

    def stop(self) -> None:
        """Ends the watch early (e.g. the process under test died)."""
        self._stop.set()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._c.close()


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and peek_exit(proc) is not None:
            raise RuntimeError(f"process {proc.args[0]} exited ({peek_exit(proc)}) before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def proc_status_kb(pid: int | str, field: str) -> int:
    """A kB field of /proc/<pid>/status (e.g. VmHWM); 0 when absent (a zombie has no VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def proc_cpu_s(pid: int | str) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # fields 14, 15 of stat(5)


@dataclass
class ProcSample:
    """CPU seconds and peak RSS (kB) of a process at one moment; None where /proc had nothing."""

    cpu_s: float | None
    hwm_kb: int | None

    @staticmethod
    def of(pid: int) -> ProcSample:
        try:
            cpu = proc_cpu_s(pid)
        except OSError:
            return ProcSample(None, None)
        try:
            hwm = proc_status_kb(pid, "VmHWM") or None
        except OSError:
            hwm = None
        return ProcSample(cpu, hwm)


def peek_exit(proc: subprocess.Popen) -> int | None:
    """`proc`'s exit code (negative: killed by that signal) once it has exited, else None — without
    reaping it, so that `reap`/`wait_rusage` still get its rusage (Popen.poll() would reap it)."""
    if proc.returncode is not None:
        return proc.returncode
    info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    if info is None or info.si_pid != proc.pid:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def wait_rusage(proc: subprocess.Popen) -> tuple[int, float, int]:
    """Reaps `proc` with wait4, blocking: (exit code, CPU s, peak RSS kB)."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def reap(proc: subprocess.Popen, timeout: float, kill_sig: int = signal.SIGKILL) -> tuple[int, float, int]:
    """Waits for `proc` with wait4 (its own rusage): (exit code, CPU s, peak RSS kB).

    After `timeout` s it sends `kill_sig`, then waits again."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.returncode is not None:  # already reaped elsewhere: no rusage left
            return proc.returncode, 0.0, 0
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss
        if time.monotonic() > deadline:
            log(f"{os.path.basename(str(proc.args[0]))} (pid {proc.pid}) still running after {timeout:.0f}s: "
                f"signal {kill_sig}")
            proc.send_signal(kill_sig)
            deadline = time.monotonic() + 30
            kill_sig = signal.SIGKILL
        time.sleep(0.02)


# ---------------------------------------------------------------- the run


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {model}, {platform.platform()}"


def git_commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def load_average() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f}/{b:.2f}/{c:.2f}"


def mb(kb: float | None) -> str:
    return "?" if kb is None else f"{kb / 1024:.0f} MB"
