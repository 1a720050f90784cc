#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the platform needs, only those missing.
# Usage: scripts/install-system-packages.sh [extra packages...]
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; without harfbuzz-subset PDFs are written 1.8x slower
  fonts-noto-core                                         # Naskh, Nastaliq, Devanagari, Bengali, Cyrillic (fonts-noto-extra is 330 MB: avoid)
  poppler-utils qpdf                                      # pdftotext, pdffonts, pdfinfo, pdftoppm; qpdf --check
  iso-codes                                               # country names in Hausa: the real-text curriculum (Django has no Hausa catalog)
  gettext                                                 # msgfmt for the interface catalogs
  redis-server                                            # Celery broker
  chromium                                                # browser tests (Playwright drives Debian's chromium)
  "$@"
)
missing=()
for package in "${packages[@]}"; do
  [[ "$package" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
