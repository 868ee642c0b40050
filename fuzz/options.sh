# Sourced by ci.sh and run.sh: the libFuzzer options for one target.
#
# fuzz_options TARGET prints the options: limits (10 s per input, 2 GiB of memory; a hostile file
# must not take more), the largest input worth mutating for the format, and its dictionary.
fuzz_options() {
  local dir max_len dict
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  case $1 in
    tap) max_len=16384 dict=tap ;;
    waivers | gate_toml) max_len=8192 dict=toml ;;
    gate_approvals) max_len=16384 dict=yaml ;;
    junit | cyclonedx_xml) max_len=131072 dict=xml ;;
    coverage) max_len=131072 dict=coverage ;;
    evidence) max_len=131072 dict=evidence ;;
    *) max_len=131072 dict=json ;;
  esac
  printf '%s\n' -timeout=10 -rss_limit_mb=2048 "-max_len=$max_len" "-dict=$dir/dict/$dict.dict"
}
