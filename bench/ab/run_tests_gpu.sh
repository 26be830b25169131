# Run on the GPU machine: the test files of device code whose results depend on the driver, with
# the names of the failures (the whole suite is too long for one call).
set -o pipefail
timeout ${1:-150} python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark --tb=line -rf \
  tests/test_fp_warnings.py tests/test_ufunc_objects.py tests/test_view_dtype.py tests/test_array_methods.py \
  tests/test_vec4_form.py tests/test_threads.py tests/test_compile_stats.py tests/test_large_arrays.py \
  tests/test_lazy_views.py tests/test_limits.py tests/test_fft.py tests/test_complex_math.py tests/test_decompositions.py \
  2>&1 | grep -v XDG_RUNTIME | grep -E "^FAILED|^/.*Error|passed|failed" | tail -60
