// Binary search of each value of v in the sorted 1-D array a (NumPy's searchsorted;
// NaNs sort last). Expects: $$WG (workgroup size), $$DECLS (bindings b0 = a, b1 = v,
// b2 = output), $$LOADS (ld0 / ld1 element loaders), $$T (comparison type),
// $$LT (body of lt(x, y): x sorts strictly before y), $$HELPERS (library functions), $$OUT
// (output integer type).
// P[0] = number of values, P[1] = len(a), P[2] = a's offset, P[3] = a's stride,
// P[4] = v's offset, P[5] = side (0 left, 1 right).
@group(0) @binding(0) var<storage, read> P: array<u32>;
$DECLS
$LOADS
$HELPERS

fn lt(x: $T, y: $T) -> bool { $LT }

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (i >= P[0]) { return; }
  let x = ld1(P[4] + i);
  var lo = 0u;
  var hi = P[1];
  let right = P[5] == 1u;
  while (lo < hi) {
    let mid = lo + (hi - lo) / 2u;
    let y = ld0(u32(i32(P[2]) + i32(mid) * bitcast<i32>(P[3])));
    // left: the first y with !(y < x); right: the first y with x < y
    var go = lt(y, x);
    if (right) { go = !lt(x, y); }
    if (go) { lo = mid + 1u; } else { hi = mid; }
  }
  b2[i] = $OUT(lo);
}
