// Applies the Householder reflectors j in [j0, j1) of a QR factorisation (v below the diagonal of
// V, v[j] = 1, tau in TAU) to the matrices C of a batch: C <- H_j C in ascending order (Q^T C) or
// descending order (Q C, which forms Q from the identity: columns left of j are still e_c there and
// H_j leaves them alone, so only columns from j on are touched when P[9] is set).
// One workgroup per matrix, CL column lanes x RG row groups as in qr_panel.wgsl. Complex ($C):
// H_j = I - tau v v^H in descending order, H_j^H (conj(tau)) in ascending order (Q^H C).
// P[0] m, P[1] n (V's row stride), P[2] j0, P[3] j1, P[4] V batch stride, P[5] batches,
// P[6] V offset, P[7] tau stride, P[8] descending, P[9] columns from j, P[10] nc (C's columns and
// row stride), P[11] C batch stride, P[12] C offset.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> V: array<$C>;
@group(0) @binding(2) var<storage, read> TAU: array<$C>;
@group(0) @binding(3) var<storage, read_write> C: array<$C>;

const CL = ${CL}u;
const RG = ${RG}u;
var<workgroup> red: array<$C, ${WG}>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[5]) { return; }  // uniform per workgroup
  let m = P[0];
  let n = P[1];
  let nc = P[10];
  let vb = P[6] + b * P[4];
  let cb = P[12] + b * P[11];
  let cl = lid % CL;
  let rg = lid / CL;
  let count = P[3] - P[2];
  for (var t = 0u; t < count; t++) {
    var j = P[2] + t;
    if (P[8] != 0u) { j = P[3] - 1u - t; }
    var tau = TAU[b * P[7] + j];
    if (P[8] == 0u) { tau = cj(tau); }
    var first = 0u;
    if (P[9] != 0u) { first = j; }
    for (var c0 = first; c0 < nc; c0 += CL) {
      let c = c0 + cl;
      var w = creal($ZERO);
      if (c < nc) {
        for (var i = j + 1u + rg; i < m; i += RG) { w = w + cm(cj(V[vb + i * n + j]), C[cb + i * nc + c]); }
      }
      red[lid] = w;
      workgroupBarrier();
      for (var h = RG / 2u; h > 0u; h = h / 2u) {
        if (rg < h) { red[lid] = red[lid] + red[lid + h * CL]; }
        workgroupBarrier();
      }
      var wc = creal($ZERO);
      if (c < nc) { wc = cm(tau, C[cb + j * nc + c] + red[cl]); }
      workgroupBarrier();  // red is written again by the next chunk ...
      storageBarrier();  // ... and row j of this chunk's columns only after every thread read it
      if (c < nc) {
        if (rg == 0u) { C[cb + j * nc + c] = C[cb + j * nc + c] - wc; }
        for (var i = j + 1u + rg; i < m; i += RG) { C[cb + i * nc + c] = C[cb + i * nc + c] - cm(V[vb + i * n + j], wc); }
      }
    }
    storageBarrier();
  }
}
