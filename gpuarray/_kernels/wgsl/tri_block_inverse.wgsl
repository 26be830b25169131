// Inverses of the NB x NB diagonal blocks of triangular matrices (a batch of them), one workgroup
// per (matrix, block). Block q starts at row and column s = P[1] + q * NB and has
// nb = min(NB, n - s) rows; element (i, j) of the block is read at
// A[P[6] + b * P[3] + (s + i) * P[4] + (s + j) * P[5]]: strides (n, 1) read a lower triangle,
// (1, n) an upper one as its lower transpose. INV[(b * blocks + q)] (BS x BS) receives the
// inverse, transposed back (P[7] = 1) for an upper triangle; rows and columns past nb are zero.
// P[0] n, P[1] first block start, P[2] blocks per matrix, P[3] batch stride, P[4] row stride,
// P[5] column stride, P[6] offset, P[7] transpose the result, P[8] unit diagonal, P[9] workgroups,
// P[10] BS: the side of the blocks in INV (min(NB, n): small matrices take small blocks).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> INV: array<$C>;

const NB = ${NB}u;
var<workgroup> L: array<$C, ${NB2}>;
var<workgroup> X: array<$C, ${NB2}>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= P[9]) { return; }  // uniform per workgroup
  let n = P[0];
  let b = g / P[2];
  let s = P[1] + (g % P[2]) * NB;
  let nb = min(NB, n - s);
  let unit = P[8] != 0u;
  let base = P[6] + b * P[3] + s * P[4] + s * P[5];
  for (var t = lid; t < NB * NB; t += ${WG}u) {
    let i = t / NB;
    let j = t % NB;
    var v = creal($ZERO);
    if (j <= i && i < nb) { v = A[base + i * P[4] + j * P[5]]; }
    L[t] = v;
    X[t] = creal($ZERO);
  }
  workgroupBarrier();
$INVERT
  let bs = P[10];
  for (var t = lid; t < bs * bs; t += ${WG}u) {
    let i = t / bs;
    let j = t % bs;
    var v = X[i * NB + j];
    if (P[7] != 0u) { v = X[j * NB + i]; }
    INV[g * bs * bs + t] = v;
  }
}
