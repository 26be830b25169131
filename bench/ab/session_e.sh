# GPU (carry .gl .whl), one call of at most ~560 s: everything measured on lavapipe only so far.
#  1. the default workloads with CuPy in the same process (the regression fixes of bench/regression_notes.md)
#  2. micro: compile (a never-seen chain, vs CuPy's NVRTC), readback, ops, sum, chain
#  3. cold start in fresh processes, drivers' caches off and a fresh GPUARRAY_CACHE_DIR (bench/coldstart_notes.md:
#     the trigonometric reductions written out, one copy of the expression per vec4 reduction)
#  4. chain split and replay on/off in one process
#  5. the device tests whose results depend on the driver (complex special values with signed NaNs,
#     64-bit indexing, vec4 forms and reductions' tails, float16, fp flags, replay)
#  6. non-symmetric eigenvalues and the decompositions against CuPy/NumPy
set -o pipefail
F() { grep -v XDG_RUNTIME; }
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader
R="--size default --workloads elementwise,iir,montecarlo,nlms,image4k,pca --repeats 3 --warm-seconds 0.2 --out $OUT"
timeout 100 python3 bench/run.py $R --libs cupy,gpuarray --tag session-e 2>&1 | F | tail -14
timeout 90 python3 bench/run.py --workloads none --micro --micro-only compile,readback,ops,sum,chain --libs cupy,gpuarray \
  --out $OUT --tag session-e-micro 2>&1 | F | tail -14
timeout 80 python3 bench/probes/coldstart_probe.py --cache off --out $OUT/coldstart-off.json 2>&1 | F | tail -5
timeout 60 python3 bench/probes/coldstart_probe.py --cache fresh --out $OUT/coldstart-fresh.json 2>&1 | F | tail -9
timeout 30 python3 bench/probes/chain_split.py 2>&1 | F
timeout 60 python3 bench/probes/replay_ab.py 2>&1 | F | tail -4
timeout 90 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark --tb=line -rf tests/test_complex_math.py \
  tests/test_wide_indices.py tests/test_vec4_form.py tests/test_float16_range.py tests/test_fp_warnings.py \
  tests/test_replay.py tests/test_wgsl_math.py 2>&1 | F | grep -E "^FAILED|^/.*Error|passed|failed" | tail -30
timeout 90 python3 bench/probes/linalg_probe.py --sizes 256,1024 --ops eig,eigvals,eigh_n,svd --repeats 1 $OUT/linalg.json 2>&1 | F | tail -12
