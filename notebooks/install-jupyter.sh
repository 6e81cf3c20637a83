#!/usr/bin/env bash
# Installs what the notebooks and their test need, from Debian's packages: nbconvert (to execute a notebook
# headless), the Python kernel, pandas and matplotlib. Run by the build before the jobs module's tests
# (jobs/pom.xml); does nothing when they are there already. Needs apt-get and root (or sudo without a password);
# elsewhere it only says what is missing, and NotebooksTest skips (or fails, with CI=true).
set -euo pipefail
packages=(jupyter-nbconvert python3-nbclient python3-ipykernel python3-matplotlib python3-pandas)
have() {
  [[ -x /usr/bin/jupyter-nbconvert ]] \
    && /usr/bin/python3 -c 'import pandas, matplotlib, nbclient, ipykernel' 2>/dev/null
}
if have; then
  echo "install-jupyter: nbconvert, ipykernel, pandas and matplotlib are installed"
  exit 0
fi
as_root=()
if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
fi
if { [[ $(id -u) != 0 ]] && (( ${#as_root[@]} == 0 )); } || ! command -v apt-get >/dev/null; then
  echo "install-jupyter: missing, and cannot install without root and apt-get: apt-get install ${packages[*]}" >&2
  exit 0
fi
echo "install-jupyter: apt-get install ${packages[*]}"
start=$(date +%s)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" \
  >/dev/null
have || { echo "install-jupyter: installed, but /usr/bin/python3 still cannot import them" >&2; exit 1; }
echo "install-jupyter: installed in $(( $(date +%s) - start )) s"
