#!/usr/bin/env bash
# Builds SIPp 3.7.7 with OpenSSL, because Debian's sip-tester (3.6.1) has no TLS. The source and its
# two-line benchmark patch come from the reference harness in ../shared/bench/kamailio/vendor, so
# Voxgate and Kamailio are driven by the very same sipp. Prints the binary's path.
#   SIPP_HOME (default ~/.cache/voxgate/sipp-3.7.7)  where the binary goes
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendor="${SIPP_VENDOR:-$here/../../../shared/bench/kamailio/vendor}"
out="${SIPP_HOME:-$HOME/.cache/voxgate/sipp-3.7.7}"

has_tls() { local v; v="$("$1" -v 2>&1 || true)"; [[ "$v" == *TLS* ]]; }

if [[ -x "$out/sipp" ]] && has_tls "$out/sipp"; then
  echo "$out/sipp"
  exit 0
fi
[[ -f "$vendor/sipp-3.7.7.tar.gz" ]] || { echo "build-sipp: no $vendor/sipp-3.7.7.tar.gz" >&2; exit 1; }

packages="cmake g++ make libssl-dev libncurses-dev pkg-config patch"
if ! dpkg -s $packages >/dev/null 2>&1; then
  echo "build-sipp: installing $packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar xzf "$vendor/sipp-3.7.7.tar.gz" -C "$work"
(
  cd "$work/sipp-3.7.7"
  [[ -f "$vendor/sipp-bench.patch" ]] && patch -p1 < "$vendor/sipp-bench.patch" >/dev/null
  mkdir -p b && cd b
  cmake .. -DUSE_SSL=1 -DUSE_SCTP=0 -DUSE_PCAP=0 -DUSE_GSL=0 -DCMAKE_BUILD_TYPE=Release >/dev/null
  make -j"$(nproc)" sipp >/dev/null
) >&2
mkdir -p "$out"
cp "$work/sipp-3.7.7/b/sipp" "$out/sipp"
has_tls "$out/sipp" || { echo "build-sipp: built sipp lacks TLS" >&2; exit 1; }
echo "$out/sipp"
