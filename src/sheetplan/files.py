"""Files we write: safe names, whole sets replaced all-or-nothing, one writer per folder.

- **Names.** Planner text becomes a file name only sanitised (Unicode NFC, control, format and
  bidi characters removed, characters Windows forbids replaced, reserved device names avoided),
  shortened to a byte budget deterministically (a cut plus a short hash of the whole name) and
  checked for collisions the way Windows and macOS compare names (case-folded).
- **Sets.** An output set is written to temporary files beside the targets, flushed to disk,
  and only then swapped in, each old file moved aside first. A journal records the swap; if the
  process dies mid-swap, the next writer into that folder rolls the set back to the previous
  one (or finishes the clean-up of a completed swap), and removes temporary files left behind.
  A failure at any point leaves the previous set intact and no temporary file.
- **One writer.** A lock file per folder (``filelock``) keeps two builds or batches from
  interleaving their sets or manifests.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

LOCK = ".sheetplan.lock"
JOURNAL_PREFIX = ".sheetplan-commit."
MAX_NAME_BYTES = 180  # leaves room for the temporary and backup names within 255 bytes
LOCK_WAIT_S = 30.0
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]+')
_SPACES = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# Our own leftovers only: '.<name>.<8 hex>.tmp.xlsx' / '.bak' of an output set, and the
# '.<stem>.<8 random>.tmp.xlsx' of a single Book (tempfile.mkstemp). A planner's '.notes.bak' is not ours.
_OURS = re.compile(r"^\..+\.([0-9a-f]{8}\.(tmp\.xlsx|bak)|[a-z0-9_]{8}\.tmp\.xlsx)$")
_TOKEN = re.compile(r"^[0-9a-f]{8}$")


class OutputError(OSError):
    """The outputs could not be written; the previous set is intact. The message says why."""

    def __str__(self) -> str:
        return str(self.strerror or self.args[-1])


# ----------------------------------------------------------------------------------- names
def safe_part(text: str) -> str:
    """Planner text as part of a file name: visible characters only, nothing Windows forbids."""
    t = unicodedata.normalize("NFC", str(text))
    t = "".join(ch for ch in t if unicodedata.category(ch)[0] != "C")  # controls, bidi, zero-width
    t = _SPACES.sub("_", _FORBIDDEN.sub("_", t)).strip(" ._")
    if not t:
        return "_"
    if t.split(".")[0].upper() in _RESERVED:
        t += "_"
    return t


def shorten(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` of UTF-8: unchanged when it fits, else a cut on a character
    boundary plus '~' and 8 hex digits of the whole text's hash (the same text, the same name)."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    cut = text
    while len(cut.encode("utf-8")) > max(1, max_bytes - 9):
        cut = cut[:-1]
    return f"{cut}~{digest}"


def file_name(stem: str, part: str, suffix: str = ".xlsx") -> str:
    """'<stem>-<part><suffix>', both parts safe and the whole within MAX_NAME_BYTES."""
    s = shorten(safe_part(stem), 100)
    budget = MAX_NAME_BYTES - len(s.encode("utf-8")) - len(suffix.encode("utf-8")) - 1
    return f"{s}-{shorten(safe_part(part), budget)}{suffix}"


def unique_names(wanted: Sequence[str]) -> list[str]:
    """The names in order, a later one that equals an earlier one (case-folded, as Windows and
    macOS compare) getting '-2', '-3' … before its suffix."""
    taken: set[str] = set()
    out = []
    for name in wanted:
        base, dot, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base}-{n}.{ext}" if dot else f"{name}-{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


# ----------------------------------------------------------------------------------- reading
def regular_file(path: Path, max_bytes: int) -> int:
    """The size of ``path`` if it is a regular file (links followed) no bigger than ``max_bytes``.
    FIFOs, devices and folders raise: opening one could block or never end."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file / 不是普通文件", str(path))
    if st.st_size > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes // 2**20} MB / 文件过大", str(path))
    return st.st_size


# ----------------------------------------------------------------------------------- sets
def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def folder_lock(folder: Path, timeout: float = LOCK_WAIT_S, kind: str = "write") -> FileLock:
    """The lock of one output folder (acquire it with ``with``): a hidden file in the folder
    itself, so that every writer — another user, another temporary folder, another machine on a
    shared drive that honours locks — sees it."""
    return FileLock(str(Path(folder) / (LOCK if kind == "write" else f".sheetplan-{kind}.lock")), timeout=timeout)


def recover(folder: Path) -> list[str]:
    """Finish or undo what a killed writer left in ``folder`` (hold its lock): roll interrupted
    swaps back to the previous set, drop backups of finished ones, delete our temporary files.
    Returns what was done, for the log."""
    done: list[str] = []
    if not folder.is_dir():
        return done
    for journal in sorted(folder.glob(f"{JOURNAL_PREFIX}*.json")):
        token = journal.name[len(JOURNAL_PREFIX):].removesuffix(".json")
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {"state": "broken", "files": []}
        finished = entries.get("state") == "done"
        files = [e for e in entries.get("files", []) if _ours(e, token)] if _TOKEN.match(token) else []
        for e in reversed(files):
            target, temp, backup = (folder / e[k] for k in ("target", "temp", "backup"))
            if finished:
                backup.unlink(missing_ok=True)
            elif backup.exists():
                os.replace(backup, target)
                done.append(f"restored {target.name}")
            elif not e.get("had_old") and not temp.exists() and target.exists():
                target.unlink()  # placed by the interrupted swap; the previous set had no such file
                done.append(f"removed {target.name}")
        journal.unlink(missing_ok=True)
    for p in folder.iterdir():
        if _OURS.match(p.name) and p.is_file():
            p.unlink(missing_ok=True)
            done.append(f"deleted {p.name}")
    return done


def _ours(entry: object, token: str) -> bool:
    """A journal entry names plain files in its own folder, with this swap's own temporary and
    backup names: a planted journal can touch nothing else (no path, no '..', no other file)."""
    if not isinstance(entry, dict):
        return False
    names = [entry.get(k) for k in ("target", "temp", "backup")]
    if not all(isinstance(n, str) and n and n == Path(n).name and n not in (".", "..") for n in names):
        return False
    target, temp, backup = names
    return temp == f".{target}.{token}.tmp.xlsx" and backup == f".{target}.{token}.bak"


class OutputSet:
    """Write files into ``folder`` as one set: ``temp(name)`` to write each, then leave the
    ``with`` block normally to swap them all in; any exception leaves the previous set.

    ``owner`` (a plan's stem) names the set: outputs the owner wrote last time and does not
    write now (a renamed department's workbook, say) are removed in the same swap, so the folder
    holds exactly the new set; files anyone else put there are never touched."""

    def __init__(self, folder: Path, names: Iterable[str], *, owner: str = "",
                 lock_timeout: float = LOCK_WAIT_S) -> None:
        self.folder = Path(folder)
        self.names = list(names)
        self.owner = owner
        self.token = secrets.token_hex(4)
        self._lock: FileLock | None = None
        self._lock_timeout = lock_timeout

    def temp(self, name: str) -> Path:
        return self.folder / f".{name}.{self.token}.tmp.xlsx"

    def _backup(self, name: str) -> Path:
        return self.folder / f".{name}.{self.token}.bak"

    @property
    def targets(self) -> list[Path]:
        return [self.folder / n for n in self.names]

    def __enter__(self) -> OutputSet:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = folder_lock(self.folder, self._lock_timeout)
            self._lock.acquire()
        except Timeout:
            raise OutputError(errno.EBUSY, f"another sheetplan is writing into {self.folder} / 另一个 sheetplan "
                                           "正在写入该文件夹") from None
        except OSError as e:
            raise OutputError(e.errno or errno.EIO, f"cannot use the output folder {self.folder}: "
                                                    f"{e.strerror or e} / 无法使用输出文件夹") from None
        recover(self.folder)
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if et is None:
                self._commit()
            else:
                self._discard()
        finally:
            if self._lock is not None:
                self._lock.release()
        if et is not None and issubclass(et, OSError) and not isinstance(e, OutputError):
            raise OutputError(getattr(e, "errno", None) or errno.EIO, _why(e)) from e

    def _discard(self) -> None:
        for n in self.names:
            with contextlib.suppress(OSError):
                self.temp(n).unlink(missing_ok=True)

    def _commit(self) -> None:
        journal = self.folder / f"{JOURNAL_PREFIX}{self.token}.json"
        record = read_record(self.folder)
        stale = [n for n in record.get(self.owner, []) if n not in self.names and (self.folder / n).is_file()]
        files = [{"target": n, "temp": self.temp(n).name, "backup": self._backup(n).name,
                  "had_old": (self.folder / n).exists()} for n in self.names]
        files += [{"target": n, "temp": self.temp(n).name, "backup": self._backup(n).name, "had_old": True,
                   "remove": True} for n in stale if self.owner]
        try:
            for n in self.names:
                _fsync_file(self.temp(n))
            _write_json(journal, {"state": "swapping", "files": files})
        except OSError as e:
            self._discard()
            journal.unlink(missing_ok=True)
            raise OutputError(e.errno or errno.EIO, _why(e)) from e
        moved: list[dict] = []
        try:
            for f in files:
                target, temp, backup = (self.folder / f[k] for k in ("target", "temp", "backup"))
                if f["had_old"]:
                    os.replace(target, backup)
                moved.append(f)
                if not f.get("remove"):
                    os.replace(temp, target)
            if self.owner:
                _write_json(self.folder / RECORD, {**record, self.owner: self.names})
            _fsync_dir(self.folder)
        except OSError as e:
            self._rollback(moved)
            journal.unlink(missing_ok=True)
            raise OutputError(e.errno or errno.EIO, _why(e)) from e
        _write_json(journal, {"state": "done", "files": files})
        for f in files:
            (self.folder / f["backup"]).unlink(missing_ok=True)
        journal.unlink(missing_ok=True)

    def _rollback(self, moved: list[dict]) -> None:
        """Put back every old file moved aside so far, drop the new ones and the temporaries."""
        for f in reversed(moved):
            target, temp, backup = (self.folder / f[k] for k in ("target", "temp", "backup"))
            with contextlib.suppress(OSError):
                if backup.exists():
                    os.replace(backup, target)
                elif not f["had_old"] and not temp.exists():
                    target.unlink(missing_ok=True)
        self._discard()


RECORD = ".sheetplan-outputs.json"  # which files each plan (by stem) wrote into this folder last


def read_record(folder: Path) -> dict[str, list[str]]:
    """Plan stem -> the file names its last build wrote here (a broken record: none)."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: [n for n in v if isinstance(n, str) and n == Path(n).name]
            for k, v in data.items() if isinstance(k, str) and isinstance(v, list)}


def _write_json(path: Path, data: object) -> None:
    """Written to a temporary name, flushed and renamed: never half a file."""
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _why(e: BaseException | None) -> str:
    """One line: what failed and where, in both languages."""
    if isinstance(e, OSError):
        where = f" ({Path(e.filename).name})" if getattr(e, "filename", None) else ""
        known = {errno.ENOSPC: "the disk is full / 磁盘已满", errno.EACCES: "permission denied / 没有写入权限",
                 errno.EPERM: "not allowed (open in Excel?) / 不允许（文件是否在 Excel 中打开？）",
                 errno.EROFS: "read-only file system / 只读文件系统"}
        text = known.get(e.errno or 0, e.strerror or str(e))
        kept = "the previous files are unchanged / 无法写入输出，原有文件未改动"
        return f"cannot write the outputs{where}: {text}; {kept}"
    return str(e)
