#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the
# PublicAPI.Unshipped.txt of its project, and drops entries reported as removed (RS0017).
# Usage: eng/update-public-api.sh [project-or-solution]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-BulkInvite.Sdk.sln}
log=$(mktemp)
dotnet build "$target" -nologo -clp:NoSummary -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
python3 - "$log" <<'PY'
import re, sys, os, collections
added = collections.defaultdict(set)
removed = collections.defaultdict(set)
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    m = re.search(r"^(.*?)\(\d+,\d+\): (?:error|warning) RS0016: Symbol '(.*)' is not part of the declared public API", line)
    if m:
        added[m.group(1)].add(m.group(2))
        continue
    m = re.search(r"(?:error|warning) RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*?\[([^\[\]]*?\.csproj)\]", line)
    if m:
        removed[os.path.dirname(m.group(2))].add(m.group(1))
def project_dir(path):
    d = os.path.dirname(path)
    while d and d != '/':
        if any(f.endswith('.csproj') for f in os.listdir(d)):
            return d
        d = os.path.dirname(d)
    raise SystemExit('no project for ' + path)
by_project = collections.defaultdict(set)
for path, symbols in added.items():
    by_project[project_dir(path)] |= symbols
for proj in set(by_project) | set(removed):
    f = os.path.join(proj, 'PublicAPI.Unshipped.txt')
    lines = [l.rstrip('\n') for l in open(f, encoding='utf-8')] if os.path.exists(f) else ['#nullable enable']
    body = set(l for l in lines[1:] if l.strip()) | by_project.get(proj, set())
    body -= removed.get(proj, set())
    with open(f, 'w', encoding='utf-8') as out:
        out.write('#nullable enable\n')
        for l in sorted(body, key=lambda s: s.lstrip('~').replace('static ', '').replace('override ', '').replace('abstract ', '').replace('virtual ', '')):
            out.write(l + '\n')
    print(f'{f}: +{len(by_project.get(proj, ()))} -{len(removed.get(proj, ()))}')
PY
rm -f "$log"
