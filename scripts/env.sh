# Source this file (after scripts/setup.sh) to get `pulumi` and the package on PATH:
#   source scripts/env.sh
_scpvs_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export PATH="$_scpvs_root/.venv/bin:$(cat "$_scpvs_root/.scpvs/pulumi-bin"):$PATH"
# The Python language host built here predates the `virtualenv` runtime option; this
# tells it (and the dynamic provider plugin) which interpreter has pulumi-scpvs.
export PULUMI_PYTHON_CMD="$_scpvs_root/.venv/bin/python"
export PULUMI_SKIP_UPDATE_CHECK=true
# An editable install hides pulumi_scpvs/pulumi-plugin.json ("no resource plugin") from
# this language host, which then tries to download a plugin named "scpvs" on every
# command; a wheel install does not need this.
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# metadata=skip: no metadata sidecar, which a killed CLI can leave empty (README: Troubleshooting).
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$_scpvs_root/.scpvs/pulumi-state?metadata=skip}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-scpvs-demo-passphrase}"
mkdir -p "$_scpvs_root/.scpvs/pulumi-state"
unset _scpvs_root
