#!/usr/bin/env bash
# End-to-end speed and peak memory of `tieup score` through the CLI, on generated batches of
# 1k, 10k and 100k applications over the shipped catalog. Not run in CI.
# Usage: scripts/bench_score_cli.sh [OUTDIR]   (needs python3 and GNU time at /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cargo build --release --quiet
python3 - "$out" <<'PY'
import csv, random, sys
out = sys.argv[1]
japan = [r["id"] for r in csv.DictReader(open("data/japan_regions.csv"))]
sectors = [r["id"] for r in csv.DictReader(open("data/sectors.csv"))]
for n in (1_000, 10_000, 100_000):
    rng = random.Random(7)
    with open(f"{out}/apps_{n}.csv", "w") as f:
        f.write("application_id,japan_region,sector,fiscal_year,objectives,desired_traits,implementation_bodies,commitment,preparation,continuation_years,mediator,core_company,support_tools\n")
        for i in range(n):
            f.write(f"app{i},{rng.choice(japan)},{rng.choice(sectors)},{rng.randint(2007, 2010)},joint_development,design,company;university;prefecture,{['sufficient','partial','unknown'][i % 3]},true,{i % 4},{'true' if i % 2 else 'false'},true,workshop\n")
PY
candidates=$(($(wc -l < data/overseas_regions.csv) - 1))
for n in 1000 10000 100000; do
  for run in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$out/time" ./target/release/tieup score --applications "$out/apps_$n.csv" --out "$out/scored_$n.csv" 2>/dev/null
    read -r seconds kib < "$out/time"
    echo "$n $run $seconds $kib"
  done | sort -k3 -n | awk -v c="$candidates" 'NR==2 { printf "%7d applications: median %.2f s, %.1f M pairs/s, peak RSS %.0f MiB\n", $1, $3, $1*c/$3/1e6, $4/1024 }'
done
