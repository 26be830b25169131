// LU factorisation with partial pivoting of the panel of columns [k, k + nb) of each matrix of a
// batch (rows k..n-1), in place (LAPACK's getf2 on the panel): for each column the pivot is the
// first row of largest magnitude (a workgroup reduction), whole rows are swapped (every column,
// so the rest of the matrix sees the same row order) and the permutation PERM[b] follows them;
// the column below the pivot is divided by it and the rest of the panel gets the rank-1 update.
// Real or complex elements ($C; the pivot's magnitude |Re| + |Im|, LAPACK's izamax).
// One workgroup per matrix. A zero pivot sets INFO[2b] = 1 (singular; the column is not scaled, as
// LAPACK's); INFO[2b + 1] holds the parity of the row swaps (the sign of the determinant).
// P[0] n, P[1] k, P[2] nb, P[3] batch stride, P[4] batches, P[5] offset of the batch.
// PERM[b * n + i]: the original row now at row i (set to the identity when k = 0).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> PERM: array<u32>;
@group(0) @binding(3) var<storage, read_write> INFO: array<u32>;

var<workgroup> rv: array<$T, ${WG}>;
var<workgroup> ri: array<u32, ${WG}>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[4]) { return; }  // uniform per workgroup
  let n = P[0];
  let k = P[1];
  let nb = P[2];
  let base = P[5] + b * P[3];
  if (k == 0u) {
    for (var i = lid; i < n; i += ${WG}u) { PERM[b * n + i] = i; }
    storageBarrier();
  }
  for (var j = 0u; j < nb; j++) {
    let c = k + j;
    // pivot search: the largest |a| below the diagonal, the first such row on ties
    var best = -$ONE;
    var bi = c;
    for (var r = c + lid; r < n; r += ${WG}u) {
      let v = cabs1(A[base + r * n + c]);
      if (v > best) { best = v; bi = r; }
    }
    rv[lid] = best;
    ri[lid] = bi;
    workgroupBarrier();
    for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
      if (lid < h) {
        let v = rv[lid + h];
        let i = ri[lid + h];
        if (v > rv[lid] || (v == rv[lid] && i < ri[lid])) { rv[lid] = v; ri[lid] = i; }
      }
      workgroupBarrier();
    }
    let p = ri[0];
    if (p != c) {
      for (var t = lid; t < n; t += ${WG}u) {
        let x = A[base + p * n + t];
        A[base + p * n + t] = A[base + c * n + t];
        A[base + c * n + t] = x;
      }
      if (lid == 0u) {
        let q = PERM[b * n + p];
        PERM[b * n + p] = PERM[b * n + c];
        PERM[b * n + c] = q;
        INFO[2u * b + 1u] = INFO[2u * b + 1u] ^ 1u;
      }
    }
    storageBarrier();
    let piv = A[base + c * n + c];
    if (cabs1(piv) == $ZERO) {
      if (lid == 0u) { INFO[2u * b] = 1u; }
    } else {
      for (var r = c + 1u + lid; r < n; r += ${WG}u) { A[base + r * n + c] = cdiv(A[base + r * n + c], piv); }
    }
    storageBarrier();
    let w = k + nb - c - 1u;
    let rows = n - c - 1u;
    for (var t = lid; t < rows * w; t += ${WG}u) {
      let r = c + 1u + t / w;
      let cc = c + 1u + t % w;
      A[base + r * n + cc] = A[base + r * n + cc] - cm(A[base + r * n + c], A[base + c * n + cc]);
    }
    storageBarrier();
  }
}
