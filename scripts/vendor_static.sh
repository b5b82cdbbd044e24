#!/usr/bin/env bash
# Re-vendor the front-end libraries from the npm registry at pinned versions (no CDN at run time).
# Usage: scripts/vendor_static.sh   (needs npm; run from the repository root)
set -euo pipefail
HTMX=2.0.11
LEAFLET=1.9.4
CHARTJS=4.6.1
dest=static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$HTMX" "leaflet@$LEAFLET" "chart.js@$CHARTJS" >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
rm -rf "$dest" && mkdir -p "$dest/htmx" "$dest/leaflet" "$dest/chartjs"
cp "$work/htmx.org-$HTMX/package/dist/htmx.min.js" "$work/htmx.org-$HTMX/package/LICENSE" "$dest/htmx/"
cp -r "$work/leaflet-$LEAFLET/package/dist/leaflet.js" "$work/leaflet-$LEAFLET/package/dist/leaflet.css" \
  "$work/leaflet-$LEAFLET/package/dist/images" "$work/leaflet-$LEAFLET/package/LICENSE" "$dest/leaflet/"
cp "$work/chart.js-$CHARTJS/package/dist/chart.umd.min.js" "$work/chart.js-$CHARTJS/package/LICENSE.md" "$dest/chartjs/"
# The packages' source maps are not vendored: drop the comments that point at them, or the
# manifest storage of `collectstatic` refuses the missing files.
find "$dest" -name '*.js' -o -name '*.css' | xargs sed -i -E '/^\/[/*]# sourceMappingURL=.*$/d'
cat > "$dest/VERSIONS" <<VERSIONS
htmx.org $HTMX (BSD-2-Clause) htmx/htmx.min.js
leaflet $LEAFLET (BSD-2-Clause) leaflet/leaflet.js leaflet/leaflet.css leaflet/images/
chart.js $CHARTJS (MIT) chartjs/chart.umd.min.js
VERSIONS
echo "vendored into $dest:"; cat "$dest/VERSIONS"
