#!/usr/bin/env bash
# golden_outputs.sh BIN OUTDIR: runs a fixed set of commands (shortlists, listings, models,
# batch scoring, synth, eval on a synthetic directory, the shipped data and the LETOR example,
# catalog rebuild and import) and records every output, so a refactor can prove that its
# outputs are byte-identical: run it with the old and the new binary and `diff -r` the two
# directories (only timings may differ). Needs ../shared beside the repository.
set -u
BIN=$1; OUT=$2; REPO=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"
cd "$REPO"
run() { name=$1; shift; "$BIN" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"; echo $? >"$OUT/$name.rc"; }
run sl1 shortlist --region fukushima --sector medical_welfare
run sl2 shortlist --region aichi --sector automotive --format json --explain
run sl3 shortlist --region okinawa --sector tourism --format csv --top 30
run sl4 shortlist --region kyoto --sector craft --explain --want design --before-year 2005
run sl5 shortlist --region aomori --sector woody_biomass --format json --top 50
run sl6 shortlist --region nosuch --sector automotive
run sl7 shortlist --region fukushima --sector cars
run reg1 regions
run reg2 regions --search 京都 --format json
run sec sectors --format csv
run stats stats
run prior prior --out "$OUT/prior.json"
run train1 train --out "$OUT/default.json"
run train2 train --learner pairwise --out "$OUT/pairwise.json" --seed 3
run train3 train --learner pointwise --out "$OUT/pointwise.json"
run trsucc train-success --out "$OUT/success.json"
run score1 score --applications data/applications.example.csv --out "$OUT/scored.csv"
run score2 score --applications data/applications.example.csv --out "$OUT/scored.jsonl" --top 3
run synth synth --out "$OUT/synth" --themes 100
run evalsyn eval --data "$OUT/synth" --out "$OUT/evalsyn" --permutations 500 --bootstrap 500 --export-letor
run evaldata eval --data data --out "$OUT/evaldata" --permutations 500 --bootstrap 500
L=../shared/data/ltr/lightgbm_lambdarank
run evalletor eval --letor-train $L/rank.train --letor-test $L/rank.test --out "$OUT/evalletor" --permutations 200 --bootstrap 200
cp -r data "$OUT/datacopy"; rm -rf "$OUT/datacopy/derived"
cp -r data/derived "$OUT/derived.orig"
run rebuild --data "$OUT/datacopy" catalog rebuild --raw ../shared/data/raw
printf 'region_id,classification,industry_code,employment\nbavaria,nace_r2,C26,100\n' > "$OUT/long.csv"
run import catalog import --long "$OUT/long.csv" --dataset test --year 2014 --out "$OUT/imported.csv"
# normalise the output dir path in text files
grep -rl "$OUT" "$OUT" 2>/dev/null | xargs -r sed -i "s#$OUT#OUT#g"
