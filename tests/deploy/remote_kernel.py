"""Run a notebook's code cells on a kernel of a remote Jupyter server, over its websocket.

The Jupyter messaging protocol (v5.3) on ``/api/kernels/<id>/channels``: one
``execute_request`` per code cell on the shell channel, then the iopub messages of that request
until the kernel reports ``idle`` and the shell's ``execute_reply`` has arrived.
"""
import json
import struct
import time
import uuid
from datetime import datetime, timezone

import nbformat
import websocket  # websocket-client


def message(msg_type, content, session):
    """A shell-channel message of the Jupyter protocol."""
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                       "username": "student", "date": datetime.now(timezone.utc).isoformat(),
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}


def decode(frame):
    """A websocket frame as a message dict. Text frames are JSON; binary frames (messages with
    buffers, e.g. a figure widget's image) are ``n, offsets[n], JSON, buffers…`` with ``n`` and
    the offsets as big-endian uint32."""
    if isinstance(frame, str):
        return json.loads(frame)
    (count,) = struct.unpack("!I", frame[:4])
    offsets = struct.unpack(f"!{count}I", frame[4:4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


def execute(connection, code, session, timeout):
    """Run ``code``; return ``(reply status, error outputs)`` once the kernel is idle again."""
    request = message("execute_request", {"code": code, "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False,
                                          "stop_on_error": True}, session)
    connection.send(json.dumps(request))
    msg_id, status, errors, idle = request["header"]["msg_id"], None, [], False
    deadline = time.monotonic() + timeout
    while not (idle and status) and time.monotonic() < deadline:
        connection.settimeout(max(0.1, deadline - time.monotonic()))
        reply = decode(connection.recv())
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = reply["msg_type"]
        if kind == "execute_reply":
            status = reply["content"]["status"]
        elif kind == "error":
            errors.append(f"{reply['content']['ename']}: {reply['content']['evalue']}")
        elif kind == "status" and reply["content"]["execution_state"] == "idle":
            idle = True
    if not (idle and status):
        raise TimeoutError(f"a cell did not finish within {timeout:.0f} s:\n{code[:200]}")
    return status, errors


def run_notebook(url, token, path, cell_timeout=120):
    """Run every code cell of the notebook at ``path`` on the kernel at websocket ``url``.

    Returns:
        A list of ``(cell index, "ename: evalue")``, one per error; empty when all cells ran.
    """
    notebook = nbformat.read(path, as_version=4)
    connection = websocket.create_connection(url, header=[f"Authorization: token {token}"],
                                             timeout=cell_timeout)
    session, errors = uuid.uuid4().hex, []
    try:
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            status, raised = execute(connection, cell.source, session, cell_timeout)
            errors += [(index, text) for text in raised]
            if status != "ok" and not raised:
                errors.append((index, f"execute_reply status {status}"))
            if errors:
                break
    finally:
        connection.close()
    return errors
