"""Files we write: safe names, whole sets replaced all-or-nothing, one writer per folder.

- **Names.** Planner text becomes a file name only sanitised (Unicode NFC, control, format and
  bidi characters removed, characters Windows forbids replaced, reserved device names avoided),
  shortened to a byte budget deterministically (a cut plus a short hash of the whole name) and
  checked for collisions the way Windows and macOS compare names (case-folded).
- **Sets.** An output set — the workbooks and the exports folder's calendars and CSVs together —
  is checked first (a folder, a link or a file open in Excel where an output goes is a clear
  error, nothing renamed), written to temporary files beside the targets, flushed to disk, and
  only then swapped in, every old file moved aside first. One journal records the set from its
  first byte; if the process dies, the next writer into that folder deletes the temporary
  files, rolls an interrupted swap back to the previous set (or finishes the clean-up of a
  completed one). A failure at any point (disk full included) leaves the previous set intact and
  no temporary file. Nothing is written through a link, and nothing is deleted that is not
  exactly a file we wrote (its size and SHA-256 are in the folder's record and the journal).
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
def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest(path: Path, *, sync: bool = False) -> dict[str, object]:
    """Size and SHA-256 of a file we wrote (flushed to disk first with ``sync``): what the record
    and the journal keep, so that nothing but that very file is ever deleted as ours."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
        if sync:
            os.fsync(f.fileno())
    return {"size": size, "sha256": h.hexdigest()}


def _is_file(path: Path) -> bool:
    """A regular file itself (a link, even to a file, is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _same(path: Path, meta: object) -> bool:
    """``path`` is a regular file, not a link, of exactly the recorded size and SHA-256."""
    if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str) or not _is_file(path):
        return False
    try:
        return os.lstat(path).st_size == meta.get("size") and _digest(path) == meta
    except OSError:
        return False


def _plain_dir(folder: Path) -> bool:
    """A real folder (not a link to one, nor a Windows junction)."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and not _junction(folder)
    except OSError:
        return False


def _junction(path: Path) -> bool:
    """A Windows junction (a link os.path.islink does not see; Python 3.12+ can tell)."""
    check = getattr(os.path, "isjunction", None)
    return bool(check and check(path))


def _parts(name: object) -> tuple[str, ...] | None:
    """'file' or 'folder/file' made of plain names, else None: a set never reaches further."""
    if not isinstance(name, str) or not name or "\\" in name:
        return None
    parts = tuple(name.split("/"))
    if len(parts) > 2 or any(not p or p in (".", "..") or p != Path(p).name for p in parts):
        return None
    return parts


def _side(name: str, token: str, kind: str) -> str:
    """The temporary ('new') or backup ('old') name of ``name`` in this set: in the output folder
    the names batch recovery knows (.tmp.xlsx / .bak); in a sub-folder names only this set's journal
    governs (so nothing scanning that folder alone ever touches them)."""
    parts = name.split("/")
    base = parts[-1]
    if len(parts) == 1:
        return f".{base}.{token}." + ("tmp.xlsx" if kind == "new" else "bak")
    return f"{parts[0]}/.{base}.{token}.{kind}"


def folder_lock(folder: Path, timeout: float = LOCK_WAIT_S, kind: str = "write") -> FileLock:
    """The lock of one output folder (acquire it with ``with``): a hidden file in the folder
    itself, so that every writer — another user, another temporary folder, another machine on a
    shared drive that honours locks — sees it."""
    return FileLock(str(Path(folder) / (LOCK if kind == "write" else f".sheetplan-{kind}.lock")), timeout=timeout)


def recover(folder: Path) -> list[str]:
    """Finish or undo what a killed writer left in ``folder`` (hold its lock): delete the
    temporary files of a set still being written, roll an interrupted swap back to the previous
    set, drop the backups of a finished one, delete our temporary files. Only files a journal
    names by this set's own temporary and backup names are touched, and a file the swap placed is
    deleted only if it is still exactly what was written. Returns what was done, for the log."""
    done: list[str] = []
    if not folder.is_dir():
        return done
    for journal in sorted(folder.glob(f"{JOURNAL_PREFIX}*.json")):
        token = journal.name[len(JOURNAL_PREFIX):].removesuffix(".json")
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        state = entries.get("state")
        listed = entries.get("files", [])
        files = [e for e in listed if _ours(e, token)] if _TOKEN.match(token) and isinstance(listed, list) else []
        for e in reversed(files):
            target, temp, backup = (folder / e[k] for k in ("target", "temp", "backup"))
            if not _plain_dir(target.parent):  # a folder replaced by a link since: never followed
                continue
            if state == "swapping" and _is_file(backup):
                os.replace(backup, target)
                done.append(f"restored {e['target']}")
            elif state == "swapping" and not e.get("had_old") and _same(target, e.get("new")):
                target.unlink()  # placed by the interrupted swap; the previous set had no such file
                done.append(f"removed {e['target']}")
            elif state == "done" and _is_file(backup):
                backup.unlink()
            if _is_file(temp):
                temp.unlink()
                done.append(f"deleted {e['temp']}")
        journal.unlink(missing_ok=True)
    for p in folder.iterdir():
        if (_OURS.match(p.name) or _PART.match(p.name)) and _is_file(p):
            p.unlink(missing_ok=True)
            done.append(f"deleted {p.name}")
    return done


_PART = re.compile(r"^\.sheetplan-(commit\.[0-9a-f]{8}\.json|outputs\.json)\.[0-9a-f]{8}\.part$")


def _ours(entry: object, token: str) -> bool:
    """A journal entry names plain files in its own folder (or one sub-folder of it), with this
    swap's own temporary and backup names: a planted journal can touch nothing else."""
    if not isinstance(entry, dict):
        return False
    names = [entry.get(k) for k in ("target", "temp", "backup")]
    if not all(_parts(n) for n in names):
        return False
    target, temp, backup = names
    return temp == _side(target, token, "new") and backup == _side(target, token, "old")


class OutputSet:
    """Write files into ``folder`` as one set: ``temp(name)`` (or ``write(name, data)``) for
    each, then leave the ``with`` block normally to swap them all in; any exception leaves the
    previous set. A name is a file of ``folder`` or of one sub-folder ('导出/x.ics'): workbooks and
    exports are one set, swapped in by one journal.

    Before anything is written, every target is checked: a folder, a link or any other non-file
    where an output goes, a sub-folder that is a link or a file, or (Windows) a file another
    program holds open is an :class:`OutputError` naming it, with nothing renamed or written.

    ``owner`` (a plan's stem) names the set: outputs the owner wrote last time and does not write
    now (a renamed department's workbook, calendars after --no-exports) are removed in the same
    swap — only when they are still exactly the file written (size and SHA-256 in the record), so
    a planted or stale record can never delete anyone else's file."""

    def __init__(self, folder: Path, names: Iterable[str], *, owner: str = "",
                 lock_timeout: float = LOCK_WAIT_S) -> None:
        self.folder = Path(folder)
        self.names = list(names)
        bad = [n for n in self.names if _parts(n) is None]
        if bad:
            raise ValueError(f"not a file name of an output set: {bad[0]!r}")
        self.owner = owner
        self.token = secrets.token_hex(4)
        self._lock: FileLock | None = None
        self._lock_timeout = lock_timeout
        self._made: list[Path] = []  # sub-folders this set created (removed again if left empty)
        self._journal = self.folder / f"{JOURNAL_PREFIX}{self.token}.json"

    def temp(self, name: str) -> Path:
        return self.folder / _side(name, self.token, "new")

    def _backup(self, name: str) -> Path:
        return self.folder / _side(name, self.token, "old")

    def write(self, name: str, data: bytes) -> None:
        """``data`` as ``name``'s temporary file: created new (never through a link), flushed later."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(self.temp(name), flags, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)

    @property
    def targets(self) -> list[Path]:
        return [self.folder / n for n in self.names]

    def _subs(self) -> list[str]:
        return list(dict.fromkeys(n.split("/")[0] for n in self.names if "/" in n))

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
        try:
            try:
                recover(self.folder)
            except OSError as e:
                raise OutputError(e.errno or errno.EIO, f"cannot finish the interrupted build in {self.folder}: "
                                  f"{e.strerror or e} / 无法恢复上次中断的生成（文件是否在 Excel 中打开？）") from None
            self._check()
            for sub in self._subs():
                path = self.folder / sub
                if not os.path.lexists(path):
                    path.mkdir()
                    self._made.append(path)
            _write_json(self._journal, {"state": "writing", "files": self._entries([])})
        except BaseException as e:
            self._discard()
            self._lock.release()
            if isinstance(e, OSError) and not isinstance(e, OutputError):
                raise OutputError(e.errno or errno.EIO, _why(e)) from e
            raise
        return self

    def _check(self) -> None:
        """Every sub-folder a real folder (or absent), every target a regular file (or absent) that
        no other program holds: else one clear error naming it, before anything is renamed."""
        for sub in self._subs():
            path = self.folder / sub
            if os.path.islink(path) or _junction(path):
                raise OutputError(errno.ELOOP, f"{sub} is a link; sheetplan writes only inside {self.folder} and "
                                  f"follows no link / 「{sub}」是链接，sheetplan 不写入链接指向的位置；"
                                  "请删除或改名，未改动任何文件")
            if os.path.lexists(path) and not _plain_dir(path):
                raise OutputError(errno.ENOTDIR, f"{sub} is a file where the exports folder goes; move or rename it "
                                  f"/ 导出文件夹的位置上是一个文件「{sub}」，请移走或改名；未改动任何文件")
        for name in self.names:
            path = self.folder / name
            if not os.path.lexists(path):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                raise OutputError(errno.EISDIR, f"{name} is a folder where an output file goes; move or rename it / "
                                  f"输出文件的位置上是文件夹「{name}」，请移走或改名；未改动任何文件")
            if not stat.S_ISREG(mode):
                raise OutputError(errno.EEXIST, f"{name} is a link or special file where an output file goes; "
                                  f"remove it / 输出文件的位置上是链接或特殊文件「{name}」，请删除；未改动任何文件")
            if _in_use(path):
                raise OutputError(errno.EBUSY, f"{name} is open in another program (Excel?); close it and build again "
                                  f"/ 「{name}」正在被其他程序（Excel？）打开，请关闭后重新生成；未改动任何文件")

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

    def _entries(self, stale: Sequence[str], new: dict[str, dict] | None = None) -> list[dict]:
        new = new or {}
        out = [{"target": n, "temp": _side(n, self.token, "new"), "backup": _side(n, self.token, "old"),
                "had_old": os.path.lexists(self.folder / n), **({"new": new[n]} if n in new else {})}
               for n in self.names]
        out += [{"target": n, "temp": _side(n, self.token, "new"), "backup": _side(n, self.token, "old"),
                 "had_old": True, "remove": True} for n in stale]
        return out

    def _discard(self) -> None:
        for n in self.names:
            with contextlib.suppress(OSError):
                if _is_file(self.temp(n)):
                    self.temp(n).unlink()
        with contextlib.suppress(OSError):
            self._journal.unlink(missing_ok=True)
        for sub in self._made:
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when still empty

    def _commit(self) -> None:
        record = read_record(self.folder)
        try:
            written = {n: _digest(self.temp(n), sync=True) for n in self.names}
            stale = [n for n, meta in record.get(self.owner, {}).items()
                     if self.owner and n not in self.names and _parts(n) and _plain_dir((self.folder / n).parent)
                     and _same(self.folder / n, meta)]
            self._check()  # once more, just before renaming: nothing may have moved in since
            files = self._entries(stale, written)
            _write_json(self._journal, {"state": "swapping", "files": files})
        except OSError as e:
            self._discard()
            if isinstance(e, OutputError):
                raise
            raise OutputError(e.errno or errno.EIO, _why(e)) from e
        moved: list[dict] = []
        try:
            for f in files:  # first every old file aside (where a locked one stops us, nothing new is in yet)
                if f["had_old"]:
                    os.replace(self.folder / f["target"], self.folder / f["backup"])
                    moved.append(f)
            for f in files:
                if not f.get("remove"):
                    os.replace(self.folder / f["temp"], self.folder / f["target"])
            if self.owner:
                _write_json(self.folder / RECORD, {**record, self.owner: written})
            for folder in {(self.folder / f["target"]).parent for f in files}:
                _fsync_dir(folder)
        except OSError as e:
            left = self._rollback(files, moved)
            if left:
                raise OutputError(e.errno or errno.EIO, _why(e, left)) from e
            self._discard()
            raise OutputError(e.errno or errno.EIO, _why(e)) from e
        _write_json(self._journal, {"state": "done", "files": files})
        for f in files:
            with contextlib.suppress(OSError):
                (self.folder / f["backup"]).unlink(missing_ok=True)
        self._journal.unlink(missing_ok=True)
        for sub in {(self.folder / n).parent for n in stale if "/" in n}:
            with contextlib.suppress(OSError):
                if not any(sub.iterdir()):
                    sub.rmdir()  # the exports folder this plan no longer fills

    def _rollback(self, files: list[dict], moved: list[dict]) -> list[str]:
        """Take out every new file placed so far and put back every old one moved aside; returns
        the targets that could not be restored (the journal then stays for the next writer)."""
        left = []
        for f in files:
            target, temp = self.folder / f["target"], self.folder / f["temp"]
            if not f.get("remove") and not f["had_old"] and not _is_file(temp) and _is_file(target):
                with contextlib.suppress(OSError):
                    target.replace(temp)  # a new file placed where there was none: back to its temporary name
        for f in reversed(moved):
            try:
                os.replace(self.folder / f["backup"], self.folder / f["target"])
            except OSError:
                left.append(f["target"])
        return left


def _in_use(path: Path) -> bool:
    """Windows: another program (Excel) holds the file open and it could not be replaced. Elsewhere
    an open file never stops a rename, so: False."""
    if os.name != "nt":
        return False
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except PermissionError:
        return True
    except OSError:
        return False
    os.close(fd)
    return False


RECORD = ".sheetplan-outputs.json"  # which files each plan (by stem) wrote into this folder last, with their digests


def read_record(folder: Path) -> dict[str, dict[str, dict]]:
    """Plan stem -> {file name: {size, sha256}} its last build wrote here (a broken record: none;
    a record of an older version, names without digests: names that can never be matched)."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, dict[str, dict]] = {}
    for owner, files in data.items():
        if not isinstance(owner, str):
            continue
        if isinstance(files, list):
            files = {n: {} for n in files}
        if isinstance(files, dict):
            out[owner] = {n: m if isinstance(m, dict) else {} for n, m in files.items() if _parts(n)}
    return out


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


def output_error(e: OSError) -> OutputError:
    """An OSError met while making outputs, before any was placed (the previous set untouched)."""
    return OutputError(e.errno or errno.EIO, _why(e))


def _why(e: BaseException | None, left: Sequence[str] = ()) -> str:
    """One line: what failed and where, in both languages, and whether the previous set is intact."""
    if isinstance(e, OSError):
        where = f" ({Path(e.filename).name})" if getattr(e, "filename", None) else ""
        known = {errno.ENOSPC: "the disk is full / 磁盘已满", errno.EACCES: "permission denied / 没有写入权限",
                 errno.EPERM: "not allowed (open in Excel?) / 不允许（文件是否在 Excel 中打开？）",
                 errno.EROFS: "read-only file system / 只读文件系统",
                 errno.EFBIG: "a file would exceed the allowed file size / 文件超出允许的大小"}
        ours = e.strerror and e.errno and e.strerror != os.strerror(e.errno)  # a reason we wrote, not the OS's
        text = e.strerror if ours else known.get(e.errno or 0, e.strerror or str(e))
        if left:
            names = ", ".join(left[:3]) + (" …" if len(left) > 3 else "")
            kept = (f"the previous {names} could not be put back yet; the next build into this folder restores "
                    f"them / 原有文件 {names} 暂未恢复，下次生成到该文件夹时自动恢复")
        else:
            kept = "the previous files are unchanged / 无法写入输出，原有文件未改动"
        return f"cannot write the outputs{where}: {text}; {kept}"
    return str(e)
