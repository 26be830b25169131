# Run on the GPU machine: arrays past the storage binding limit (several buffers per array).
# The tests of every operation family with small segments, then the large-array probe and the
# workloads at sizes past the limit, CuPy in the same run.
set -o pipefail
nvidia-smi --query-gpu=name,memory.total --format=csv | tee $OUT/gpu-large.txt
timeout 120 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark tests/test_large_arrays.py tests/test_limits.py 2>&1 | grep -v XDG_RUNTIME > $OUT/pytest-large.txt; tail -5 $OUT/pytest-large.txt
timeout 240 python3 bench/probes/large_probe.py --out $OUT/large_probe.json 2>&1 | grep -v XDG_RUNTIME | tail -8
timeout 200 python3 bench/run.py --size large --workloads elementwise,iir --libs cupy,gpuarray --repeats 3 --warm-seconds 0.3 --out $OUT --tag large 2>&1 | grep -v XDG_RUNTIME | tail -3
ls $OUT
