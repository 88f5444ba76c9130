#!/usr/bin/env bash
# One command from a fresh clone: set everything up, then deploy the quickstart
# (Pulumi.yaml at the root -> templates/quickstart/) to the embedded SCP simulator and
# print the stack outputs. Run it again to see an up-to-date, no-change deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=/dev/null
source scripts/env.sh
pulumi stack select dev --non-interactive 2>/dev/null || pulumi stack init dev --non-interactive
pulumi up --yes --non-interactive --skip-preview
pulumi stack output --non-interactive
echo
echo "Deployed to the embedded simulator (state in templates/quickstart/.scpvs/). Tear down with:"
echo "  source scripts/env.sh && pulumi destroy --yes"
