# Run on the GPU machine (carry .gl .whl): the device test files that depend on the driver (failures
# named), then the other issues' probes. Each step is bounded.
set -o pipefail
F() { grep -v XDG_RUNTIME; }
nvidia-smi --query-gpu=name --format=csv,noheader | tee $OUT/gpu.txt
timeout 170 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark --tb=line -rf \
  tests/test_replay.py tests/test_fp_warnings.py tests/test_ufunc_objects.py tests/test_view_dtype.py tests/test_array_methods.py \
  tests/test_vec4_form.py tests/test_threads.py tests/test_compile_stats.py tests/test_large_arrays.py \
  tests/test_lazy_views.py tests/test_limits.py tests/test_fft.py tests/test_complex_math.py tests/test_decompositions.py \
  tests/test_reductions.py tests/test_fusion_random.py tests/test_random.py \
  2>&1 | F > $OUT/tests.txt; grep -E "^FAILED|passed|failed" $OUT/tests.txt | tail -50
timeout 80 python3 bench/probes/linalg_probe.py --sizes 1024,4096 --batch 10000x8 $OUT/linalg.json 2>&1 | F | tail -15
timeout 70 python3 bench/fft_bench.py --max-log2 24 2>&1 | F | tee $OUT/fft.txt | tail -30
timeout 60 python3 bench/probes/large_probe.py --only chain_8GiB --out $OUT/large.json 2>&1 | F | tail -6
timeout 50 python3 bench/probes/coldstart_probe.py --cache off --out $OUT/cold-off.json 2>&1 | F | tail -8
ls $OUT
