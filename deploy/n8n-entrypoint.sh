#!/bin/sh
# Points n8n's community-package folder (~/.n8n/nodes) at the package baked into the image
# ($CLINIC_NODES_DIR), then runs the given command. ~/.n8n is a volume that outlives images;
# the package must not live in it, or an upgraded image keeps running the old package.
# The end-to-end tests run this same script before starting n8n (local/n8n.ts).
set -eu
: "${CLINIC_NODES_DIR:?CLINIC_NODES_DIR must name the folder the image installed the package in}"
nodes="${N8N_USER_FOLDER:-$HOME}/.n8n/nodes"
mkdir -p "$(dirname "$nodes")"
if [ -d "$nodes" ] && [ ! -L "$nodes" ]; then
  # A folder from an install made before the package moved into the image: kept aside, not loaded.
  mv "$nodes" "$nodes.replaced-$(date +%Y%m%d%H%M%S)"
fi
ln -sfn "$CLINIC_NODES_DIR" "$nodes"
exec "$@"
