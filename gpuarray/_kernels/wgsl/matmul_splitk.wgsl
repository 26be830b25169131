// Second pass of split-K: C[m, n] = sum over s of the partial tiles W[s, m, n] (contiguous),
// in the compute type; with SYM (a symmetric product computed on its upper block triangle)
// the lower triangle is read from the mirrored partial.
// Words: 0 outputs, 1 M, 2 N, 3 splits, 4 C offset, 5 C stride m, 6 C stride n, 7 SYM.
// With an epilogue (gpuarray/_lazy/product.py) the words 4-6 describe a contiguous result at offset 0 and
// st(j, acc) applies the epilogue to element j (its words follow word 7).
@group(0) @binding(0) var<storage, read> P: array<u32>;
$bindings

$store

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (gid >= P[0]) { return; }
  let M = P[1];
  let N = P[2];
  let m = gid / N;
  let n = gid % N;
  var src = gid;
  if (P[7] != 0u && m > n) { src = n * N + m; }
  let step = M * N;
  var acc = b1[src];
  for (var s = 1u; s < P[3]; s++) { acc += b1[src + s * step]; }
  st(u32(bitcast<i32>(P[4]) + i32(m) * bitcast<i32>(P[5]) + i32(n) * bitcast<i32>(P[6])), acc);
}
