#!/usr/bin/env bash
# Build the fuzz corpora, fuzz/corpus/<target>/, from the repository's fixtures/, the examples in
# docs/, fuzz/seeds/ and, when it is there, the shared evidence corpus (../shared/corpus next to
# the repository, or $GATE_SHARED_CORPUS). Files are sorted into targets by folder, name and a
# look at their content; files over 1 MiB are skipped. Corpus files are named by their SHA-1, as
# libFuzzer names its own, so running this again adds nothing twice. The corpora are not committed.
# FUZZ_CORPUS puts them elsewhere.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${GATE_SHARED_CORPUS:-$repo/../shared/corpus}
out=${FUZZ_CORPUS:-$here/corpus}
max_bytes=$((1024 * 1024))

targets=(junit tap sarif grype trivy osv npm_audit cyclonedx_json cyclonedx_xml spdx github gitlab
  gate_approvals sigstore_bundle dsse in_toto coverage waivers gate_toml evidence)
for t in "${targets[@]}"; do mkdir -p "$out/$t"; done

# add TARGET FILE: copy FILE into TARGET's corpus (and into the any-kind `evidence` corpus when
# it is evidence).
add() {
  local target=$1 file=$2 size name
  size=$(stat -c %s "$file")
  if [ "$size" -eq 0 ] || [ "$size" -gt "$max_bytes" ]; then return; fi
  name=$(sha1sum <"$file" | cut -c1-40)
  cp "$file" "$out/$target/$name"
  case $target in
    waivers | gate_toml | evidence) ;;
    *) cp "$file" "$out/evidence/$name" ;;
  esac
}

# TARGET PATTERN: an XML or JSON file in which PATTERN (a grep regular expression) occurs seeds
# TARGET. Loose on purpose: a seed in the wrong corpus costs little, a missing one costs coverage.
content_rules=(
  'junit <testsuite'
  'cyclonedx_xml <bom'
  'sarif "runs"'
  'grype "matches"'
  'trivy "SchemaVersion"\|"Target"'
  'cyclonedx_json "bomFormat"'
  'spdx "spdxVersion"'
  'npm_audit "auditReportVersion"\|"advisories"'
  'gate_approvals "gate-approvals"'
  'github "pull_request_url"\|"requested_reviewers"'
  'gitlab "approved_by"\|"target_branch"'
  'sigstore_bundle "verificationMaterial"\|"attestations"'
  'dsse "payloadType"'
  'in_toto "predicateType"'
  'coverage <coverage\|<report name\|"total":'
)

# Fenced code blocks of docs/ that are whole files of a kind gate reads (```toml, ```yaml, ```json).
docs_examples() {
  local tmp=$1 n=0 md
  for md in "$repo"/docs/*.md "$repo"/docs/*/*.md; do
    awk -v dir="$tmp" -v base="$(basename "$md" .md)" '
      /^```(toml|yaml|json)$/ { lang = substr($0, 4); n++; file = dir "/" base "-" n "." lang; next }
      /^```/ { file = ""; next }
      file != "" { print > file }
    ' "$md"
    n=$((n + 1))
  done
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
docs_examples "$scratch"

roots=("$repo/fixtures" "$repo/gate-cli/tests/data" "$here/seeds" "$scratch")
if [ -d "$shared" ]; then
  roots+=("$shared")
else
  echo "seed.sh: no shared corpus at $shared; seeding from fixtures/, docs/ and fuzz/seeds/ only" >&2
fi
# each_file [FIND-TESTS…] -- COMMAND…: run COMMAND FILE for every file under the roots.
each_file() {
  local tests=() f
  while [ "$1" != -- ]; do tests+=("$1"); shift; done
  shift
  while IFS= read -r -d '' f; do "$@" "$f"; done < <(find "${roots[@]}" -type f "${tests[@]}" -print0 | sort -z)
}

# grep_into TARGET PATTERN FILE-GLOB…: files matching a glob whose content matches PATTERN.
grep_into() {
  local target=$1 pattern=$2 f
  shift 2
  local globs=()
  for g; do globs+=(--include="$g"); done
  while IFS= read -r -d '' f; do add "$target" "$f"; done < <(grep -rlsZ "${globs[@]}" -- "$pattern" "${roots[@]}" | sort -z)
}

data=('*.xml' '*.golden' '*.sarif' '*.json' '*.sigstore' '*.intoto' '*.jsonl' '*.dsse' '*.slsa')
for rule in "${content_rules[@]}"; do
  grep_into "${rule%% *}" "${rule#* }" "${data[@]}"
done
each_file -iname '*.tap' -- add tap
each_file \( -iname '*.info' -o -iname '*.lcov' -o -iname '*.coverprofile' -o -iname 'coverage.out' \) -- add coverage
each_file -ipath '*/osv/*.json' -- add osv
grep_into gate_approvals '^gate-approvals:' '*.yaml' '*.yml'
grep_into waivers '^\[\[waiver\]\]' '*.toml'
grep_into gate_toml '^\[\[waiver\]\]\|^\[verify\]' '*.toml'

for t in "${targets[@]}"; do
  printf '%-16s %5d files\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
