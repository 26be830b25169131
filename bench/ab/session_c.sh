# GPU: the reduction regression (layers commit vs this tree, same machine), then the other issues' probes.
set -o pipefail
F() { grep -v XDG_RUNTIME; }
M="--size default --workloads none --micro --micro-only chain,sum,exp64 --repeats 5 --warm-seconds 0.3 --out $OUT"
timeout 40 python3 bench/scratch/layers/bench/run.py $M --libs gpuarray --tag mlayers 2>&1 | F | tail -4
timeout 40 python3 bench/run.py $M --libs gpuarray --tag mnew 2>&1 | F | tail -4
timeout 80 python3 bench/probes/linalg_probe.py --sizes 1024,4096 --batch 10000x8 $OUT/linalg.json 2>&1 | F | tail -15
timeout 70 python3 bench/fft_bench.py --max-log2 24 2>&1 | F | tee $OUT/fft.txt | tail -25
timeout 60 python3 bench/probes/large_probe.py --only chain_8GiB --out $OUT/large.json 2>&1 | F | tail -6
