#!/usr/bin/env bash
# Make the Debian 12 base image `peakdrill/base:bookworm` without a registry: debootstrap a
# minbase root file system from this machine's own Debian mirror and `docker import` it.
# Mirror: $PEAKDRILL_DEBIAN_MIRROR, else the first bookworm source in /etc/apt (never hard-coded).
set -euo pipefail
# `--print-mirror` only prints the mirror it would use (tests point APT_ETC at fake sources).
NAME=${1:-peakdrill/base:bookworm}
APT_ETC=${APT_ETC:-/etc/apt}

mirror_from_apt_sources() {
    # deb822 stanzas (*.sources): URIs + Suites in either order; one-line style (*.list) after
    local f
    for f in $APT_ETC/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() { if (u != "" && s ~ /(^| )bookworm( |$)/) print u; u = ""; s = "" }
             /^[ \t]*$/ { flush(); next }
             /^URIs:/ { u = $2 }
             /^Suites:/ { $1 = ""; s = $0 " " }
             END { flush() }' "$f"
    done
    for f in $APT_ETC/sources.list $APT_ETC/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { if ($(i+1) == "bookworm") print $i; break } }' "$f"
    done
}

MIRROR=${PEAKDRILL_DEBIAN_MIRROR:-$(mirror_from_apt_sources | head -n 1)}
if [ -z "$MIRROR" ]; then
    echo "make-base-image: no bookworm mirror in $APT_ETC; set PEAKDRILL_DEBIAN_MIRROR" >&2
    exit 1
fi
if [ "$NAME" = "--print-mirror" ]; then echo "$MIRROR"; exit 0; fi
ROOT=$(mktemp -d /tmp/peakdrill-rootfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
echo "make-base-image: debootstrap bookworm from $MIRROR" >&2
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >/dev/null
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
tar -C "$ROOT" -c . | docker import -c 'CMD ["/bin/bash"]' - "$NAME" >/dev/null
echo "make-base-image: $NAME ready" >&2
