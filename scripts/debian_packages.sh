# Sourced: installs Debian packages the project drives from the outside
# (chromium for the browser tests, nginx for make cluster) when missing.
# Usage: ensure_debian_package /usr/bin/chromium chromium
ensure_debian_package() {
  local binary="$1" package="$2" sudo=""
  [ -x "$binary" ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -q "$package" ||
    { $sudo apt-get update -q && $sudo apt-get install -y -q "$package"; }
}
