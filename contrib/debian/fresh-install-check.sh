#!/bin/sh
# Installs a keyhound .deb into a fresh, minimal Debian 12 root made by debootstrap, the way a
# user would (`apt install ./keyhound_*.deb`), then checks that `keyhound` runs from PATH, finds a
# key, has its man pages and completions, and that `apt remove` takes every file away again.
#   contrib/debian/fresh-install-check.sh PATH/TO/keyhound_VERSION_ARCH.deb [ROOT]
# Needs root, debootstrap and a reachable Debian mirror (MIRROR=..., default deb.debian.org).
# ROOT (default: a new temporary directory) is kept when given, so a second run skips
# debootstrap. Prints one line per check and exits non-zero at the first one that fails.
set -eu
deb=${1:?usage: fresh-install-check.sh PATH/TO/keyhound_VERSION_ARCH.deb [ROOT]}
[ -f "$deb" ] || { echo "fresh-install-check: $deb: no such file" >&2; exit 2; }
root=${2:-}
keep=1
if [ -z "$root" ]; then root=$(mktemp -d /tmp/keyhound-fresh-XXXXXX); keep=0; fi
mirror=${MIRROR:-http://deb.debian.org/debian}

cleanup() {
  umount "$root/proc" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT

step() { printf '%-58s' "$1"; }
ok() { echo "ok${1:+ ($1)}"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  step "debootstrap --variant=minbase bookworm"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
    { echo "FAILED (see $root.debootstrap.log)"; exit 1; }
  ok "$(($(date +%s) - t0)) s"
fi
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive "$@"; }

step "a fresh root has no keyhound"
in_root sh -c '! command -v keyhound' >/dev/null && ok

cp "$deb" "$root/tmp/"
name=$(basename "$deb")
step "apt install ./$name"
in_root apt-get update -qq >/dev/null 2>&1
# git first (keyhound only recommends it), so the package set before and after is keyhound's own.
in_root sh -c 'command -v git' >/dev/null 2>&1 || in_root apt-get install -y -qq git >/dev/null 2>&1
in_root dpkg-query -W -f '${Package}\n' | sort >"$root.before"
in_root apt-get install -y -qq --no-install-recommends "/tmp/$name" >"$root.install.log" 2>&1 ||
  { echo "FAILED (see $root.install.log)"; exit 1; }
added=$(in_root dpkg-query -W -f '${Package}\n' | sort | comm -13 "$root.before" - | grep -c . || true)
ok "$added packages added"

step "keyhound --version from PATH"
v=$(in_root keyhound --version) && ok "$v"

step "keyhound finds a key built at run time"
# The key ID is assembled here, so no key literal sits in this script.
kid="AKIA$(printf 'QZ7HX2WV5MTR6LKP')"
printf 'aws_access_key_id = %s\n' "$kid" >"$root/tmp/creds.env"
set +e
in_root keyhound scan --quiet /tmp/creds.env >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAILED (exit $rc, want 1)"; exit 1; }
ok "exit 1"

step "git history scan (libgit2 loaded on first use)"
in_root sh -c 'cd /tmp && rm -rf r && git init -q r && cd r && cp ../creds.env . && git add . &&
  git -c user.name=t -c user.email=t@example.invalid commit -qm k'
set +e
in_root sh -c 'cd /tmp/r && keyhound git --quiet .' >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAILED (exit $rc, want 1)"; exit 1; }
ok "exit 1"

step "man pages and completions installed"
pages=$(in_root sh -c 'ls /usr/share/man/man1/keyhound*.1* | wc -l')
for f in /usr/share/bash-completion/completions/keyhound /usr/share/zsh/vendor-completions/_keyhound \
         /usr/share/fish/vendor_completions.d/keyhound.fish; do
  [ -f "$root$f" ] || { echo "FAILED ($f missing)"; exit 1; }
done
ok "$pages man pages, 3 completion files"

step "apt remove keyhound && apt autoremove"
files=$(in_root dpkg -L keyhound | while read -r f; do [ -f "$root$f" ] && echo "$f"; done)
in_root apt-get remove -y -qq keyhound >/dev/null 2>&1
in_root apt-get autoremove -y -qq >/dev/null 2>&1
left=""
for f in $files; do [ -e "$root$f" ] && left="$left $f"; done
[ -z "$left" ] || { echo "FAILED (left behind:$left)"; exit 1; }
in_root sh -c '! command -v keyhound' >/dev/null || { echo "FAILED (still on PATH)"; exit 1; }
in_root dpkg-query -W -f '${Package}\n' | sort | cmp -s "$root.before" - ||
  { echo "FAILED (the package set differs from before the install)"; exit 1; }
rm -f "$root.before"
ok "$(echo "$files" | grep -c .) files removed, packages as before"
