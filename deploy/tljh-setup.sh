#!/usr/bin/env bash
# The Littlest JupyterHub: install the class's user environment and set per-student limits.
# Run as an admin on the Hub machine, from a clone of this repository:
#   sudo bash deploy/tljh-setup.sh
# Figures behind the limits: deploy/README.md, "Resources".
set -euo pipefail
cd "$(dirname "$0")/.."

# TLJH's user environment lives in /opt/tljh/user; its pip installs for every student.
/opt/tljh/user/bin/pip install -r deploy/requirements.txt
/opt/tljh/user/bin/pip install .           # nnreg_core from this clone

tljh-config set limits.memory 1G           # a server and two open notebooks
tljh-config set limits.cpu 1               # a kernel uses one core
tljh-config set services.cull.timeout 3600 # idle servers end after an hour
tljh-config set user_environment.default_app jupyterlab
tljh-config reload
