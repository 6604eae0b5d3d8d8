"""Arrays in shared memory: a file that several processes map, under ``/dev/shm`` where there is
one (memory, not disk), else in the temporary folder.

Where the system lists a process's open files under ``/proc`` (Linux), the file's name is removed
the moment it is made: the other processes open it through this process's descriptor
(``/proc/<pid>/fd/<n>``), so nothing is left behind whatever happens, even if a process is
killed. Elsewhere the name stays until :meth:`SharedFile.release` (or the object is collected).
"""
import mmap
import os
import tempfile
import weakref

import numpy as np

from .interrupts import held_back

SHARED_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else None  # None: the temporary folder
NAMELESS = os.path.isdir(f"/proc/{os.getpid()}/fd")


class SharedFile:
    """A new file of ``size`` bytes that other processes may map by :attr:`path` until
    :meth:`release` (called by the process that made it once they all have)."""

    def __init__(self, size):
        with held_back():  # no interrupt between making the file and removing its name
            fd, name = tempfile.mkstemp(prefix="nnreg_core-", dir=SHARED_FOLDER)
            if NAMELESS:
                os.unlink(name)
                name = None
            self._release = weakref.finalize(self, _release, fd, name)
        os.ftruncate(fd, size)
        self.fd = fd
        self.path = name or f"/proc/{os.getpid()}/fd/{fd}"

    def release(self):
        """Close the file (and remove its name, if it has one); the mappings stay."""
        self._release()


def _release(fd, name):
    with held_back():
        os.close(fd)
        if name is not None:
            os.unlink(name)


def shared_array(shape, dtype):
    """``(array, file)``: a zeroed array in a new :class:`SharedFile` that other processes can
    map with :func:`map_shared` (``file.path``); the caller releases the file when all have."""
    dtype = np.dtype(dtype)
    size = _size(shape, dtype)
    file = SharedFile(size)
    return _map(file.fd, size, shape, dtype), file


def map_shared(path, shape, dtype):
    """The array of :func:`shared_array` at ``path``, mapped into this process."""
    dtype = np.dtype(dtype)
    fd = os.open(path, os.O_RDWR)
    try:
        return _map(fd, _size(shape, dtype), shape, dtype)
    finally:
        os.close(fd)


def _size(shape, dtype):
    return max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1)


def _map(fd, size, shape, dtype):
    buffer = mmap.mmap(fd, size)
    return np.frombuffer(buffer, dtype, int(np.prod(shape, dtype=np.int64))).reshape(shape)
