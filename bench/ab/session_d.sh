# GPU (carry .gl .whl): the fixes of bench/regression_notes.md measured: default workloads with CuPy in
# the same process, the chain split, and the device tests of float16 and the vec4 forms.
set -o pipefail
F() { grep -v XDG_RUNTIME; }
nvidia-smi --query-gpu=name --format=csv,noheader
R="--size default --workloads elementwise,iir,montecarlo,nlms,image4k,pca --repeats 3 --warm-seconds 0.2 --out $OUT"
timeout 100 python3 bench/run.py $R --libs cupy,gpuarray --tag fixed 2>&1 | F | tail -14
timeout 30 python3 bench/probes/chain_split.py 2>&1 | F
timeout 60 python3 bench/probes/replay_ab.py 2>&1 | F | tail -4
timeout 60 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark --tb=line -rf tests/test_float16_range.py \
  tests/test_vec4_form.py tests/test_fp_warnings.py tests/test_replay.py 2>&1 | F | grep -E "^FAILED|passed|failed" | tail -20
