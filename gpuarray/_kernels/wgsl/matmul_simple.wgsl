// Contraction kernel, one output element per thread:
//   C[b, m, n] = fold over k of STEP applied to a = A[b, m, k], b = B[b, k, n].
// Serves integer, bool and complex matmul, small matrices, and the reductions built on the
// same walk (sum / max / min along K against a broadcast unit operand).
// Expects (besides matmul_common.wgsl): CT accumulator type, INIT its start value,
// STEP a statement updating `acc` from `a`, `b` and the step index `k`, WG threads per group.
$common

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let M = P[1];
  let N = P[2];
  let K = P[3];
  let n = gid % N;
  let rest = gid / N;
  let m = rest % M;
  let o = batch_origin(rest / M);
  var ia = o.x + i32(m) * sp(7u);
  var ib = o.y + i32(n) * sp(11u);
  let sak = sp(8u);
  let sbk = sp(10u);
  var acc: $CT = $INIT;
  for (var k = 0u; k < K; k++) {
    let a = la(u32(ia));
    let b = lb(u32(ib));
    $STEP
    ia += sak;
    ib += sbk;
  }
  st(u32(o.z + i32(m) * sp(13u) + i32(n) * sp(14u)), acc);
}
