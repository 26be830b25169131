// Householder QR of the columns [j0, j1) of each matrix of a batch, in place (LAPACK's geqr2 on a
// panel): for each column j a reflector H = I - tau v v^T (v[j] = 1, stored below the diagonal,
// dlarfg's conventions: beta = -sign(alpha) * ||x||, tau = 0 where x below the diagonal is zero)
// makes the column beta e_j, and H is applied to the panel's columns right of j. Complex elements
// ($C, zgeqr2): beta = -sign(Re alpha) * ||(alpha, x)|| (real), tau = 0 only where x is zero and
// alpha real; H^H = I - conj(tau) v v^H is what is applied.
// One workgroup per matrix: threads are CL column lanes x RG row groups; the dot products v^T A[:, c]
// are summed over the row groups in workgroup memory (a tree).
// P[0] m, P[1] n (row stride), P[2] j0, P[3] j1, P[4] batch stride, P[5] batches, P[6] offset,
// P[7] tau stride per matrix. TAU[b * P[7] + j] receives tau of column j.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> TAU: array<$C>;

const CL = ${CL}u;
const RG = ${RG}u;
var<workgroup> red: array<$T, ${WG}>;
var<workgroup> redc: array<$C, ${WG}>;

$CHELP

$WG_SUM

$WG_MAX

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[5]) { return; }  // uniform per workgroup
  let m = P[0];
  let n = P[1];
  let j1 = P[3];
  let base = P[6] + b * P[4];
  let cl = lid % CL;
  let rg = lid / CL;
  for (var j = P[2]; j < min(j1, m); j++) {
    // ||x||, x = A[j+1:, j], scaled by its largest magnitude (no overflow or underflow of squares)
    var mx = $ZERO;
    for (var i = j + 1u + lid; i < m; i += ${WG}u) { mx = max(mx, cabs1(A[base + i * n + j])); }
    let scale = wg_max(lid, mx);
    var ss = $ZERO;
    if (scale > $ZERO) {
      for (var i = j + 1u + lid; i < m; i += ${WG}u) { ss = ss + cab2(A[base + i * n + j] / scale); }
    }
    let xnorm = scale * sqrt(wg_sum(lid, ss));
    let alpha = A[base + j * n + j];
    var tau = creal($ZERO);
    var beta = alpha;
    var scal = creal($ONE);
    if (!(xnorm == $ZERO) || !(cim(alpha) == $ZERO)) {
      let aa = abs(cgmag(alpha));  // |alpha|
      let hi = max(aa, xnorm);
      let lo = min(aa, xnorm);
      let r = lo / hi;
      var nrm = hi * sqrt($ONE + r * r);
      if (cre(alpha) >= $ZERO) { nrm = -nrm; }
      beta = creal(nrm);
      tau = cdiv(beta - alpha, beta);
      scal = cdiv(creal($ONE), alpha - beta);
    }
    storageBarrier();  // every thread has read alpha before it is replaced
    for (var i = j + 1u + lid; i < m; i += ${WG}u) { A[base + i * n + j] = cm(A[base + i * n + j], scal); }
    if (lid == 0u) {
      A[base + j * n + j] = beta;
      TAU[b * P[7] + j] = tau;
    }
    storageBarrier();
    // H^H applied to the panel's columns right of j: w_c = conj(tau) v^H A[j:, c]; A[j:, c] -= v w_c
    for (var c0 = j + 1u; c0 < j1; c0 += CL) {
      let c = c0 + cl;
      var w = creal($ZERO);
      if (c < j1) {
        for (var i = j + 1u + rg; i < m; i += RG) { w = w + cm(cj(A[base + i * n + j]), A[base + i * n + c]); }
      }
      redc[lid] = w;
      workgroupBarrier();
      for (var h = RG / 2u; h > 0u; h = h / 2u) {
        if (rg < h) { redc[lid] = redc[lid] + redc[lid + h * CL]; }
        workgroupBarrier();
      }
      var wc = creal($ZERO);
      if (c < j1) { wc = cm(cj(tau), A[base + j * n + c] + redc[cl]); }
      workgroupBarrier();  // redc is written again by the next chunk ...
      storageBarrier();  // ... and row j of this chunk's columns only after every thread read it
      if (c < j1) {
        if (rg == 0u) { A[base + j * n + c] = A[base + j * n + c] - wc; }
        for (var i = j + 1u + rg; i < m; i += RG) { A[base + i * n + c] = A[base + i * n + c] - cm(A[base + i * n + j], wc); }
      }
    }
    storageBarrier();
  }
}
