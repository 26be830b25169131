// Cholesky factor of a diagonal block of each matrix of a batch, in workgroup memory, and the
// inverse of that factor (the panel below is then L21 = A21 @ inv(L11)^T, a matmul).
// One workgroup per matrix. Only the block's lower triangle is read and written. Real or complex
// (Hermitian) elements ($C): the pivot is the diagonal's real part, L[r, c] -= L[r, j] conj(L[c, j]).
// P[0] n (row stride), P[1] k (block start row and column), P[2] nb (block size <= NB),
// P[3] batch stride (elements), P[4] batches, P[5] first element of the batch (offset),
// P[6] BS: the side of each matrix's block in INV (min(NB, n): small matrices take small blocks).
// INV[b] (BS x BS, zero above the diagonal) receives inv(L11); INFO[b] is set to 1 where a pivot
// is not positive: the matrix is not positive definite (the check of the OpenBLAS potrf NumPy
// ships: a NaN pivot passes and NaNs propagate).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> INV: array<$C>;
@group(0) @binding(3) var<storage, read_write> INFO: array<u32>;

const NB = ${NB}u;
var<workgroup> L: array<$C, ${NB2}>;
var<workgroup> X: array<$C, ${NB2}>;  // (complex128: the two take all of lavapipe's 32 KiB)

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[4]) { return; }  // uniform per workgroup
  let n = P[0];
  let nb = P[2];
  let unit = false;
  let base = P[5] + b * P[3] + P[1] * n + P[1];
  for (var t = lid; t < NB * NB; t += ${WG}u) {
    let i = t / NB;
    let j = t % NB;
    var v = creal($ZERO);
    if (j <= i && i < nb) { v = A[base + i * n + j]; }
    L[t] = v;
    X[t] = creal($ZERO);
  }
  workgroupBarrier();
  for (var j = 0u; j < nb; j++) {
    let d = cre(L[j * NB + j]);
    let s = sqrt(d);
    workgroupBarrier();  // every thread has read the pivot before it is replaced
    if (lid == 0u) {
      L[j * NB + j] = creal(s);
      if (d <= $ZERO) { INFO[b] = 1u; }  // (a NaN pivot is not flagged: NumPy's LAPACK returns NaNs)
    }
    for (var i = j + 1u + lid; i < nb; i += ${WG}u) { L[i * NB + j] = L[i * NB + j] / s; }
    workgroupBarrier();
    let m = nb - j - 1u;
    for (var t = lid; t < m * m; t += ${WG}u) {
      let r = j + 1u + t / m;
      let c = j + 1u + t % m;
      if (c <= r) { L[r * NB + c] = L[r * NB + c] - cm(L[r * NB + j], cj(L[c * NB + j])); }
    }
    workgroupBarrier();
  }
$INVERT
  for (var t = lid; t < NB * NB; t += ${WG}u) {
    let i = t / NB;
    let j = t % NB;
    if (j <= i && i < nb) { A[base + i * n + j] = L[t]; }
  }
  let bs = P[6];
  for (var t = lid; t < bs * bs; t += ${WG}u) { INV[b * bs * bs + t] = X[(t / bs) * NB + t % bs]; }
}
