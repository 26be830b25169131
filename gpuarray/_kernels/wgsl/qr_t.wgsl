// The triangular factor T of a block of nb Householder reflectors (LAPACK's larft, forward,
// columnwise): H_0 H_1 ... H_{nb-1} = I - V T V^H, from G = V^H V and the taus (real or complex):
// T[i, i] = tau_i, T[:i, i] = -tau_i T[:i, :i] G[:i, i]. One workgroup per matrix, a column of T per
// step, thread r computing row r (WG >= NB). A reflector with tau = 0 (the identity) gives a zero
// column and row, so blocks holding one stay exact.
// P[0] nb, P[1] first reflector's index in TAU, P[2] tau stride per matrix, P[3] batches,
// P[4] G offset. G and T: (batch, nb, nb), contiguous.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> G: array<$C>;
@group(0) @binding(2) var<storage, read> TAU: array<$C>;
@group(0) @binding(3) var<storage, read_write> TT: array<$C>;

const NB = ${NB}u;
var<workgroup> X: array<$C, ${NB2}>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[3]) { return; }  // uniform per workgroup
  let nb = P[0];
  let g0 = P[4] + b * nb * nb;
  for (var t = lid; t < NB * NB; t += ${WG}u) { X[t] = creal($ZERO); }
  workgroupBarrier();
  for (var i = 0u; i < nb; i++) {
    let tau = TAU[b * P[2] + P[1] + i];
    if (lid < i) {
      var s = creal($ZERO);
      for (var t = lid; t < i; t++) { s = s + cm(X[lid * NB + t], G[g0 + t * nb + i]); }
      X[lid * NB + i] = -cm(tau, s);
    }
    if (lid == i) { X[i * NB + i] = tau; }
    workgroupBarrier();
  }
  for (var t = lid; t < nb * nb; t += ${WG}u) { TT[b * nb * nb + t] = X[(t / nb) * NB + t % nb]; }
}
