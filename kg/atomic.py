"""Writing outputs so that a reader sees the old version or the new one, never a mix.

A file is written under a temporary name in its own folder and renamed over the target
(``os.replace``, atomic on POSIX). A folder is built beside its target and swapped in with
one ``renameat2(RENAME_EXCHANGE)`` call on Linux; elsewhere it takes two renames, and
:func:`recover_dir` puts the old folder back when a process died between them. Temporary
names carry the writer's process id, so leftovers of a killed writer are told apart from the
work of a live one and removed by the next writer (:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.errors import OutputError

__all__ = [
    "TMP_TAG",
    "OLD_TAG",
    "temp_name",
    "replace_file",
    "write_bytes",
    "write_text",
    "swap_dir",
    "recover_dir",
    "interrupted",
    "remove_leftovers",
    "locked",
    "fsync_dir",
]

#: Marks a temporary file or folder being written: ``.<name>.kg-tmp-<pid>-<random>``.
TMP_TAG = ".kg-tmp-"
#: Marks an old folder swapped out and about to be removed: ``.<name>.kg-old-<pid>-<random>``.
OLD_TAG = ".kg-old-"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def temp_name(target: Path, tag: str = TMP_TAG) -> Path:
    """A fresh hidden name beside ``target``, holding this process's id; it ends with the
    target's suffix, for writers that choose a format (or compression) by it.

    >>> name = temp_name(Path("out/graph.ttl")).name
    >>> name.startswith(".graph.ttl.kg-tmp-") and name.endswith(".ttl")
    True
    """
    unique = f"{os.getpid()}-{secrets.token_hex(4)}"
    return target.with_name(f".{target.name}{tag}{unique}{target.suffix}")


def _owner(name: str, tag: str) -> int | None:
    """The process id in a temporary name made by :func:`temp_name` with ``tag``."""
    _, found, rest = name.partition(tag)
    pid = rest.split("-", 1)[0]
    return int(pid) if found and pid.isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def fsync_dir(folder: Path) -> None:
    """Make the renames inside ``folder`` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_file(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temp)`` on a temporary path beside ``target``, then rename it over ``target``.

    A reader of ``target`` sees the old file or the whole new one. When ``write`` fails, the
    temporary file is removed and ``target`` is untouched. A symbolic link at ``target`` is
    replaced by the file, not followed.

    Returns:
        ``target``.
    """
    target = Path(target)
    temp = temp_name(target)
    try:
        write(temp)
        with open(temp, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(target.parent)
    return target


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (see :func:`replace_file`)."""
    return replace_file(target, lambda temp: temp.write_bytes(data))


def write_text(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` atomically, as UTF-8 (see :func:`replace_file`)."""
    return write_bytes(target, text.encode("utf-8"))


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_dir(new: Path, target: Path) -> None:
    """Put the folder (or link) ``new`` at ``target``, replacing what is there; remove the old.

    ``new`` must be beside ``target``. A reader opening ``target`` finds the old entry or the
    new one: a folder is exchanged with one system call on Linux; elsewhere the old one is
    first renamed aside with :data:`OLD_TAG` in its name, which :func:`recover_dir` undoes if
    this process dies before the second rename.
    """
    new, target = Path(new), Path(target)
    if not target.is_dir() or target.is_symlink():
        os.replace(new, target)  # nothing there, a file or a link: one rename
        fsync_dir(target.parent)
        return
    if _exchange(new, target):
        fsync_dir(target.parent)
        shutil.rmtree(new, ignore_errors=True)  # now the old folder
        return
    old = temp_name(target, OLD_TAG)
    os.rename(target, old)
    os.rename(new, target)
    fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def _stale(folder: Path, tag: str, prefix: str) -> list[Path]:
    """Entries of ``folder`` named with ``tag`` whose writer is no longer running."""
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        if not entry.name.startswith(prefix) or tag not in entry.name:
            continue
        pid = _owner(entry.name, tag)
        if pid is not None and not _alive(pid):
            found.append(entry)
    return found


def interrupted(target: Path) -> Path | None:
    """The old folder a writer that died mid-swap left instead of ``target``, if any."""
    target = Path(target)
    if target.exists():
        return None
    old = _stale(target.parent, OLD_TAG, f".{target.name}{OLD_TAG}")
    return old[-1] if old else None


def recover_dir(target: Path) -> bool:
    """Undo a swap of ``target`` that a killed process left half done; True if it did.

    Only needed where :func:`swap_dir` takes two renames: the old folder goes back.
    """
    old = interrupted(target)
    if old is None:
        return False
    os.rename(old, target)
    fsync_dir(target.parent)
    return True


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink()


def remove_leftovers(folder: Path, name: str | None = None) -> list[Path]:
    """Remove what killed writers left in ``folder``: temporary files and swapped-out folders.

    Args:
        folder: where to look.
        name: only the leftovers of this entry (``.<name>.kg-tmp-...``); None: all of them.

    Returns:
        What was removed. An old folder whose target is missing is left for
        :func:`recover_dir`.
    """
    prefix = f".{name}" if name is not None else "."
    removed = []
    for entry in _stale(Path(folder), TMP_TAG, prefix):
        _remove(entry)
        removed.append(entry)
    for entry in _stale(Path(folder), OLD_TAG, prefix):
        target = entry.with_name(entry.name[1:].split(OLD_TAG, 1)[0])
        if target.exists():
            _remove(entry)
            removed.append(entry)
    return removed


@contextlib.contextmanager
def locked(folder: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on the (existing) ``folder`` for the block.

    The lock dies with the process, so a killed writer never leaves it held, and it leaves
    no file behind.

    Raises:
        OutputError: another process holds it; ``what`` names the guarded output.
    """
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot open: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{what}: another kg process is writing it; try again later"
            ) from None
        yield
    finally:
        os.close(fd)
