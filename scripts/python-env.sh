#!/usr/bin/env bash
# Makes the Python environment the real-software tests use (TRL, transformers, `transformers serve`, the activation
# worker): a virtual environment outside the project tree with CPU torch, transformers (with its serving extras),
# trl, peft and tensorboard, from whatever package index this machine's pip is set up to reach. Prints the
# environment's python on the last line of stdout. When the packages cannot be had it says why on stderr and exits 1;
# the tests that need them then skip with that one line (test/support/python.ts).
set -uo pipefail
VENV="${DRIFTSCOPE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/driftscope-venv}"
PY="$VENV/bin/python"
PACKAGES=(torch "transformers[serving]==5.18.0" "trl==1.13.0" "peft==0.21.0" tensorboard)
CHECK="import torch, transformers, trl, peft, tensorboard, fastapi, uvicorn"

if [ -x "$PY" ] && "$PY" -c "$CHECK" >/dev/null 2>&1; then
  echo "$PY"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "python-env: no python3 on this machine" >&2; exit 1; }
python3 -m venv "$VENV" >&2 || { echo "python-env: could not create a virtual environment at $VENV (python3 -m venv failed)" >&2; exit 1; }
# No retries: an index this machine cannot reach fails at once and pip goes on to the ones it can.
if ! "$VENV/bin/pip" install -q --retries 0 --timeout 20 "${PACKAGES[@]}" >&2 2>"$VENV.pip.log"; then
  echo "python-env: pip could not install ${PACKAGES[*]} (last lines of $VENV.pip.log follow)" >&2
  tail -n 5 "$VENV.pip.log" >&2
  exit 1
fi
"$PY" -c "$CHECK" >&2 || { echo "python-env: the packages installed but do not import" >&2; exit 1; }
echo "$PY"
