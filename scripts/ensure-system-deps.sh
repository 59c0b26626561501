#!/bin/sh
# Installs the Debian packages the test suite needs and a fresh machine lacks.
# Playwright never downloads its own browser here: the e2e tests drive Debian's Chromium.
#   ensure-system-deps.sh chromium      # for `npm run test:e2e`
#   ensure-system-deps.sh postgresql    # for `npm run test:pg`
set -e
need=""
for pkg in "$@"; do
  case "$pkg" in
    chromium) [ -x /usr/bin/chromium ] || need="$need chromium" ;;
    postgresql) [ -x /usr/bin/pg_ctlcluster ] && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need="$need postgresql" ;;
    *) echo "ensure-system-deps: unknown package $pkg" >&2; exit 2 ;;
  esac
done
[ -z "$need" ] && exit 0
echo "Installing Debian packages:$need"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq $need >/dev/null
