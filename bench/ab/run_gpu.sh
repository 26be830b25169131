# Run on the GPU machine (after bench/ab/prepare.sh base=76f3f30 head=31fc5fb layers=fab7e2f, carrying
# bench/scratch). One device session: GPU checks of the new device code, then the default workloads (base / head / layers / this
# tree, CuPy and NumPy in the same run), the microbenchmarks head vs this tree, the cold-start probe.
set -o pipefail
nvidia-smi --query-gpu=name,clocks.sm --format=csv | tee $OUT/gpu.txt
timeout 90 python3 -m pytest -q -n 8 -p no:cacheprovider -p no:benchmark tests/test_fp_warnings.py tests/test_ufunc_objects.py tests/test_view_dtype.py tests/test_array_methods.py tests/test_vec4_form.py tests/test_threads.py tests/test_compile_stats.py 2>&1 | grep -v XDG_RUNTIME > $OUT/pytest.txt; tail -12 $OUT/pytest.txt
W=image4k,pca,montecarlo,nlms,iir,elementwise
R="--size default --workloads $W --repeats 5 --warm-seconds 0.3 --out $OUT"
timeout 100 python3 bench/scratch/base/bench/run.py $R --libs numpy,cupy,gpuarray --numpy-repeats 1 --tag base1 2>&1 | grep -v XDG_RUNTIME | tail -1
timeout 60 python3 bench/scratch/head/bench/run.py $R --libs gpuarray --tag head1 2>&1 | grep -v XDG_RUNTIME | tail -1
timeout 70 python3 bench/run.py $R --libs cupy,gpuarray --tag new1 2>&1 | grep -v XDG_RUNTIME | tail -1
M="--size default --workloads none --micro --micro-only chain,sum,exp64,readback,ops --repeats 5 --warm-seconds 0.3 --out $OUT"
timeout 45 python3 bench/scratch/head/bench/run.py $M --libs gpuarray --tag mhead 2>&1 | grep -v XDG_RUNTIME | tail -7
timeout 50 python3 bench/run.py $M --libs gpuarray --tag mnew 2>&1 | grep -v XDG_RUNTIME | tail -7
timeout 55 python3 bench/scratch/layers/bench/run.py $R --libs gpuarray --tag layers1 2>&1 | grep -v XDG_RUNTIME | tail -1
timeout 50 python3 bench/probes/coldstart_probe.py --cache off --out $OUT/cold-off.json 2>&1 | grep -v XDG_RUNTIME | tail -8
ls $OUT
