#!/usr/bin/env bash
# The whole-process figures of two revisions, measured in one sitting and in turns:
#   - the 10-million-line summary as a user runs it: `bulkinvite preview FILE --summary`, the CLI published for
#     linux-x64 as the tool package ships it (wall time, user + sys, peak RSS from /usr/bin/time);
#   - the 1-million-line import with the in-memory store (`measure import` of the benchmarks project);
#   - once per revision, the bare zero-allocation tokenizer over the 10-million-line file (`measure tokenize`, the
#     method of FrontEndBenchmarks' "UTF-8 tokenizer" in a short form), and the ratio summary / tokenizer.
# It prints a markdown table of medians. It is for a quiet machine, not for CI: with CI=true it does nothing.
#
#   benchmarks/whole-process.sh [BASELINE [CANDIDATE]]      (defaults: bbc0192 and HEAD)
#
# Environment: RUNS (runs of each figure per revision, default 5), WORK (builds and inputs, default
# /tmp/bulkinvite-whole-process), LOCK (a file every CPU-heavy step holds with flock, default
# /tmp/bulkinvite-build.lock; the builds take it step by step, the measuring sitting holds it throughout).
set -euo pipefail

if [ "${CI:-}" = true ]; then
  echo "whole-process.sh: measures on a quiet machine; not run in CI (CI=true)" >&2
  exit 0
fi

baseline_rev=${1:-bbc0192}
candidate_rev=${2:-HEAD}
runs=${RUNS:-5}
work=${WORK:-/tmp/bulkinvite-whole-process}
lock=${LOCK:-/tmp/bulkinvite-build.lock}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for tool in git dotnet flock /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "whole-process.sh: $tool is needed" >&2; exit 1; }
done

locked() { flock "$lock" "$@"; }

# Each revision in a clone of its own (the repository's worktrees and stash are left alone), built as shipped. The clone
# is not in a folder named src: Directory.Build.props treats projects under one as packages.
build() {
  local label=$1 rev=$2 sha dir
  sha=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
  dir="$work/$label"
  echo "== $label: $rev ($sha)" >&2
  if [ "$(cat "$dir/sha" 2>/dev/null)" != "$sha" ]; then
    rm -rf "$dir"
    git clone -q --no-checkout "$repo" "$dir/repo"
    git -C "$dir/repo" checkout -q --detach "$sha"
    locked dotnet publish "$dir/repo/src/BulkInvite.Cli" -c Release -r linux-x64 -o "$dir/cli" >"$dir/build.log" 2>&1 \
      || { tail -n 30 "$dir/build.log" >&2; exit 1; }
    locked dotnet build "$dir/repo/benchmarks/BulkInvite.Benchmarks" -c Release >>"$dir/build.log" 2>&1 \
      || { tail -n 30 "$dir/build.log" >&2; exit 1; }
    echo "$sha" >"$dir/sha"
  fi
  printf '%s\n' "$sha"
}

mkdir -p "$work"
baseline_sha=$(build baseline "$baseline_rev")
candidate_sha=$(build candidate "$candidate_rev")
labels=(baseline candidate)
bench() { echo "$work/$1/repo/benchmarks/BulkInvite.Benchmarks/bin/Release/net10.0/BulkInvite.Benchmarks.dll"; }

# The inputs, generated once (by the candidate's generator; the same seed gives the same file).
input10m="$work/input-10000000-1.txt"
input1m="$work/input-1000000-1.txt"
for spec in "10000000 $input10m" "1000000 $input1m"; do
  read -r lines file <<<"$spec"
  if [ ! -s "$file" ]; then
    locked dotnet "$(bench candidate)" generate --lines "$lines" --seed 1 --output "$file" >&2
  fi
done

summary_args=(--summary --format json --max-entries 20000000 --max-bytes 1000000000)
results="$work/results"
rm -rf "$results"
mkdir -p "$results"

# One sitting under the lock: every figure of both revisions, in turns.
sitting() {
  local run label timing wall user sys rss
  for ((run = 1; run <= runs; run++)); do
    for label in "${labels[@]}"; do
      timing="$results/$label.time"
      /usr/bin/time -o "$timing" -f "%e %U %S %M" "$work/$label/cli/BulkInvite.Cli" preview "$input10m" "${summary_args[@]}" \
        >"$results/$label.summary.json" 2>>"$results/$label.stderr"
      read -r wall user sys rss <"$timing"
      echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $rss" >>"$results/$label.summary"
      # "import: 0.712 s, peak working set 301 MiB, result ..."
      dotnet "$(bench "$label")" measure import "$input1m" | sed -n 's/^import: \([0-9.]*\) s, peak working set \([0-9]*\) MiB.*/\1 \2/p' \
        >>"$results/$label.import"
      echo "   run $run/$runs: $label done" >&2
    done
  done
  for label in "${labels[@]}"; do
    dotnet "$(bench "$label")" measure tokenize "$input10m" --repeat 5 | sed -n 's/^tokenize: \([0-9.]*\) s.*/\1/p' \
      >"$results/$label.tokenize"
  done
}
echo "== sitting: $runs runs each, in turns, under $lock" >&2
started=$(date -u '+%Y-%m-%d %H:%M UTC')
exec 9>>"$lock"
flock 9
sitting
flock -u 9
exec 9>&-

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column() { awk -v c="$2" '{ print $c }' "$1" | median; }
counts() { grep -o -E '"(Pending|Invalid|Duplicate)": [0-9]+' "$1" | sed 's/"//g; s/: /=/' | paste -sd ' ' -; }

declare -A wall cpu rss import import_rss tokenize
for label in "${labels[@]}"; do
  wall[$label]=$(column "$results/$label.summary" 1)
  cpu[$label]=$(column "$results/$label.summary" 2)
  rss[$label]=$(( $(column "$results/$label.summary" 3 | cut -d. -f1) / 1024 ))
  import[$label]=$(column "$results/$label.import" 1)
  import_rss[$label]=$(column "$results/$label.import" 2)
  tokenize[$label]=$(median <"$results/$label.tokenize")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "Sitting of $started on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $runs runs each, in turns; medians."
echo
echo "| revision | 10 M \`preview --summary\`: wall | user + sys | peak RSS | 1 M import (\`measure import\`) | its peak working set | bare tokenizer (10 M) | summary / tokenizer |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for label in "${labels[@]}"; do
  sha_var="${label}_sha"
  echo "| $label \`${!sha_var:0:7}\` | ${wall[$label]} s | ${cpu[$label]} s | ${rss[$label]} MB | ${import[$label]} s | ${import_rss[$label]} MiB | ${tokenize[$label]} s | $(ratio "${wall[$label]}" "${tokenize[$label]}")× |"
done
echo "| candidate / baseline | $(ratio "${wall[candidate]}" "${wall[baseline]}") | $(ratio "${cpu[candidate]}" "${cpu[baseline]}") | $(ratio "${rss[candidate]}" "${rss[baseline]}") | $(ratio "${import[candidate]}" "${import[baseline]}") | $(ratio "${import_rss[candidate]}" "${import_rss[baseline]}") | $(ratio "${tokenize[candidate]}" "${tokenize[baseline]}") | |"
echo
for label in "${labels[@]}"; do
  echo "- $label summary counts: $(counts "$results/$label.summary.json"); 10 M summary walls in order: $(awk '{ printf "%s ", $1 }' "$results/$label.summary"); 1 M imports: $(awk '{ printf "%s ", $1 }' "$results/$label.import")"
done
