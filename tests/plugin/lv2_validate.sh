#!/bin/sh
# Usage: lv2_validate.sh BUNDLE
# Checks the built LV2 bundle's description with Debian's LV2 validator (lv2-dev's lv2_validate
# over sordi's sord_validate) and fails on any error except those JUCE 7's generator writes into
# every plugin's description (docs/PLUGIN.md "Build"). From inside the bundle: the validator splits
# paths at spaces, and the bundle is "Accord Voice.lv2".
set -eu
cd "$1"
ls dsp.ttl manifest.ttl >/dev/null
report=$(lv2_validate ./*.ttl 2>&1 || true)
echo "$report"
echo "$report" | grep -q "^Found [0-9]* errors" || { echo "FAIL: no verdict from lv2_validate"; exit 1; }
if echo "$report" | grep -q "^Skipping file \./"; then
    echo "FAIL: lv2_validate skipped a file of the bundle"
    exit 1
fi
# An error is its message, (a blank line,) then the subject, the property and the object.
properties=$(echo "$report" | awk '/^error:/ { getline; if ($0 ~ /^[[:space:]]*$/) getline; getline; print $1 }')
unexpected=$(echo "$properties" | grep -v -E \
    '^(http://usefulinc.com/ns/doap#(maintainer|release)|http://lv2plug.in/ns/lv2core#(extensionData|optionalFeature)|https://accord.studio/plugins/voice:Program)$' \
    | grep -v '^$' || true)
if [ -n "$unexpected" ]; then
    echo "FAIL: errors beyond JUCE's generator's own, on: $unexpected"
    exit 1
fi
echo "OK: only JUCE's generator's known findings"
