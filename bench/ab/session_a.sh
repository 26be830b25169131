# Run on the GPU machine (carry .gl .whl bench/scratch): the #16 regression split (fpe checks vs lane
# form), the default workloads for this tree (tiers off / on, replay off) and the layers commit with
# CuPy and NumPy in the same run. Each step is bounded.
set -o pipefail
nvidia-smi --query-gpu=name,clocks.sm,memory.total --format=csv | tee $OUT/gpu.txt
F() { grep -v XDG_RUNTIME; }
W=image4k,pca,montecarlo,nlms,iir,elementwise
R="--size default --workloads $W --repeats 5 --warm-seconds 0.3 --out $OUT"
timeout 110 python3 bench/run.py $R --libs numpy,cupy,gpuarray --numpy-repeats 1 --tag new 2>&1 | F | tail -12
GPUARRAY_REPLAY=0 timeout 50 python3 bench/run.py $R --libs gpuarray --tag noreplay 2>&1 | F | tail -8
GPUARRAY_TIERS=1 timeout 55 python3 bench/run.py $R --libs gpuarray --tag tiers 2>&1 | F | tail -8
timeout 140 python3 bench/probes/fpe_cost.py --out $OUT/fpe_cost.json 2>&1 | F | tail -30
M="--size default --workloads none --micro --micro-only chain,sum,readback,ops --repeats 5 --warm-seconds 0.3 --out $OUT"
timeout 45 python3 bench/run.py $M --libs cupy,gpuarray --tag micro 2>&1 | F | tail -8
timeout 120 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark --tb=line -rf \
  tests/test_replay.py tests/test_fp_warnings.py tests/test_vec4_form.py tests/test_threads.py tests/test_large_arrays.py \
  tests/test_lazy_views.py tests/test_fft.py tests/test_complex_math.py tests/test_decompositions.py tests/test_reductions.py \
  tests/test_fusion_random.py tests/test_random.py tests/test_tiers.py 2>&1 | F > $OUT/tests.txt; grep -E "^FAILED|passed|failed" $OUT/tests.txt | tail -40
ls $OUT
