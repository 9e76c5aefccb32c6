#!/usr/bin/env bash
# LibreOffice (recalculation + rendering), a CJK font and pdftoppm are needed by the tests.
# Install them when missing (root or sudo), otherwise fail loudly: tests never skip for want of them.
set -euo pipefail
PKGS="libreoffice-calc-nogui python3-uno poppler-utils fonts-noto-cjk"
missing=()
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui python3-uno)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $PKGS
