// Narrow products for float32 / float64: C (M x N) with N <= 16 (the thin side; a thin left side
// is computed as C.T = B.T @ A.T), any K: G @ Q, Q.T @ G, (n, d) @ (d, k) with small k, and the
// batched row dot products of vector norms.
// A workgroup owns RPT rows of C (all N columns) over one K range (the whole K, or one split of it);
// its NT threads walk that range with consecutive threads on consecutive k (coalesced when A is
// k-fast; when A is m-fast each thread reads RPT consecutive elements, one sector), each
// accumulating RPT x NP partial sums in vec4 registers (NP = N padded to 4), U k steps per
// iteration so that 2 x U x RPT loads are in flight. Out-of-range rows and columns are clamped
// to the last valid one (loads stay unconditional) and never stored; k past the range is zeroed.
// The NT partial sums of each output are then summed in workgroup memory: rounds of W values
// (each thread writes W, then each thread sums W of one value), then one pass over the groups.
//
// Words after the batch dims (XW = 15 + 4 * NB):
//   XW+0 splits S   XW+1 K per split   XW+2 C stride between splits
// Word 4 holds the row tiles per (batch, split).
$common

const NT = ${NT}u;
const RPT = ${RPT}u;
const NP = ${NP}u;
const W = ${W}u;
const XW = ${XW}u;

var<workgroup> red: array<$CT, ${RSZ}>;

@compute @workgroup_size($NT)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= P[0]) { return; }  // uniform per workgroup
  let M = P[1];
  let N = P[2];
  let K = P[3];
  let S = P[XW];
  let tiles = P[4];
  let t = g % tiles;
  let rest = g / tiles;
  let s = rest % S;
  let o = batch_origin(rest / S);
  let m0 = t * RPT;
  let kb = s * P[XW + 1u];
  let ke = min(K, kb + P[XW + 1u]);
  let sam = sp(7u);
  let sak = sp(8u);
  let sbk = sp(10u);
  let sbn = sp(11u);
$DECL
  var k = kb + lid;
  loop {
    if (k >= ke) { break; }
$LOOP
  }
$REDUCE
  if (lid < RPT * NP) {
    let m = m0 + lid / NP;
    let n = lid % NP;
    if (m < M && n < N) {
      st(u32(o.z + i32(s * P[XW + 2u]) + i32(m) * sp(13u) + i32(n) * sp(14u)), v);
    }
  }
}
