#!/bin/sh
# Vendor the partner map's browser assets from npm, without committing node_modules:
# Leaflet's built dist files (and LICENSE) into static/vendor/leaflet/, and the plain
# outline map drawn from world-atlas (Natural Earth 110m land, public domain).
set -eu
LEAFLET_VERSION=1.9.4
WORLD_ATLAS_VERSION=2.0.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "leaflet@$LEAFLET_VERSION" "world-atlas@$WORLD_ATLAS_VERSION" >/dev/null
mkdir leaflet world-atlas
tar xzf "leaflet-$LEAFLET_VERSION.tgz" -C leaflet
tar xzf "world-atlas-$WORLD_ATLAS_VERSION.tgz" -C world-atlas
DEST="$ROOT/static/vendor/leaflet"
rm -rf "$DEST" && mkdir -p "$DEST/images"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$DEST/"
cp leaflet/package/dist/images/*.png "$DEST/images/"
echo "leaflet $LEAFLET_VERSION from npm (npm pack leaflet@$LEAFLET_VERSION); rebuilt by scripts/vendor-map-assets.sh" > "$DEST/VERSION"
python3 "$ROOT/scripts/world_outline.py" world-atlas/package/land-110m.json > "$ROOT/templates/workshops/world_outline.svgpath"
cp world-atlas/package/LICENSE "$ROOT/templates/workshops/world_outline.LICENSE"
echo "vendored leaflet $LEAFLET_VERSION and the world-atlas $WORLD_ATLAS_VERSION outline"
