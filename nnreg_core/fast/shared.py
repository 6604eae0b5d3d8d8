"""Arrays in shared memory: a file that several processes map, under ``/dev/shm`` where there is
one (memory, not disk), else in the temporary folder.

The process that makes one passes its path to the others and removes the file once all have
mapped it: the mappings outlive the file, and nothing is left behind if a process dies.
"""
import mmap
import os
import tempfile

import numpy as np

SHARED_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else None  # None: the temporary folder


def shared_array(shape, dtype):
    """``(array, path)``: a zeroed array in a new file of shared memory that other processes
    can map with :func:`map_shared`; the caller removes the file when all have mapped it."""
    dtype = np.dtype(dtype)
    size = max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1)
    fd, path = tempfile.mkstemp(prefix="nnreg_core-", dir=SHARED_FOLDER)
    try:
        os.ftruncate(fd, size)
        return _map(fd, size, shape, dtype), path
    finally:
        os.close(fd)


def map_shared(path, shape, dtype):
    """The array of :func:`shared_array` at ``path``, mapped into this process."""
    dtype = np.dtype(dtype)
    fd = os.open(path, os.O_RDWR)
    try:
        return _map(fd, max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1), shape,
                    dtype)
    finally:
        os.close(fd)


def _map(fd, size, shape, dtype):
    buffer = mmap.mmap(fd, size)
    return np.frombuffer(buffer, dtype, int(np.prod(shape, dtype=np.int64))).reshape(shape)
