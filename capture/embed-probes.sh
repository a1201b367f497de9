#!/bin/sh
# Copy capture/probes.tsv into the table at the end of capture/klp-capture (the script carries its
# own copy, so that a user needs only the one file), and the script into public/capture/, where the
# app offers it for download. Run it after editing probes.tsv; src/recording/capture.test.ts and
# download.test.ts check that the copies agree.
set -e
cd "$(dirname "$0")"
tmp=klp-capture.new.$$
sed '/^# --- probes.tsv begin ---$/,$d' klp-capture > "$tmp"
{
    echo '# --- probes.tsv begin ---'
    echo ": <<'# --- probes.tsv end ---'"
    cat probes.tsv
    echo '# --- probes.tsv end ---'
} >> "$tmp"
chmod 755 "$tmp"
mv "$tmp" klp-capture
cp -p klp-capture ../public/capture/klp-capture
