// Every Stockham pass of a transform in workgroup memory (sub-rows laid out as P says).
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> W: array<$T>;
@group(0) @binding(4) var<storage, read> WH: array<$T>;
@group(0) @binding(5) var<storage, read> WL: array<$T>;
var<workgroup> sm: array<vec2<$T>, ${CAP2}>;  // two halves of CAP: the passes ping-pong between them
fn tw(m: u32) -> vec2<$T> { return vec2<$T>(W[2u * m], W[2u * m + 1u]); }
// P: [0] sub-rows, [1] n, [2] sub-rows per workgroup, [3] inverse, [4] passes, [5 + 2i] radix, [6 + 2i] Ns of
// pass i; then (G = 5 + 2 * $MAXP) the layouts: sub-row q starts at (q / A1) B1 + ((q % A1) / A2) B2 + (q % A2) B3,
// its elements S apart ([G..G+5] A1 B1 A2 B2 B3 S of the input, [G+6..G+11] of the output); [G+12] 1: output k
// of sub-row q times exp(-+2 pi i k (q % [G+14]) / L), from tables of L-th roots WH[m / [G+13]] WL[m % [G+13]]
// (the four-step twiddle)
fn base_of(q: u32, o: u32) -> u32 {
  let r = q % P[o];
  return (q / P[o]) * P[o + 1u] + (r / P[o + 2u]) * P[o + 3u] + (r % P[o + 2u]) * P[o + 4u];
}
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let n = P[1];
  let row0 = g * P[2];
  if (row0 >= P[0]) { return; }
  let m = min(P[2], P[0] - row0);
  let total = m * n;
  let inv = P[3] != 0u;
  let si = P[$G + 5u];
  for (var e = lid; e < total; e += ${WG}u) {
    // unit stride: elements of a sub-row side by side; else neighbouring sub-rows side by side
    var r = e / n;
    var i = e - r * n;
    if (si != 1u) { i = e / m; r = e - i * m; }
    let a = base_of(row0 + r, $G) + i * si;
    sm[r * n + i] = vec2<$T>(S[2u * a], S[2u * a + 1u]);
  }
  workgroupBarrier();
  var src = 0u;
  for (var p = 0u; p < P[4]; p++) {
    let R = P[5u + 2u * p];
    let ns = P[6u + 2u * p];
    let nr = n / R;
    let stride = n / (ns * R);
    let dst0 = ${CAP}u - src;
    for (var b = lid; b < total / R; b += ${WG}u) {
      let row = b / nr;
      let j = b - row * nr;
      let k = j % ns;
      let i0 = src + row * n + j;
      let o0 = dst0 + row * n + (j / ns) * ns * R + k;
      let step = k * stride;
$RADICES
    }
    src = dst0;
    workgroupBarrier();
  }
  let so = P[$G + 11u];
  for (var e = lid; e < total; e += ${WG}u) {
    var r = e / n;
    var i = e - r * n;
    if (so != 1u) { i = e / m; r = e - i * m; }
    var v = sm[src + r * n + i];
    if (P[$G + 12u] != 0u) {
      let t = P[$G + 13u];
      let mm = i * ((row0 + r) % P[$G + 14u]);
      let w = cmul(vec2<$T>(WH[2u * (mm / t)], WH[2u * (mm / t) + 1u]), vec2<$T>(WL[2u * (mm % t)], WL[2u * (mm % t) + 1u]));
      v = cmul(v, cj(w, inv));
    }
    let a = base_of(row0 + r, $G + 6u) + i * so;
    D[2u * a] = v.x;
    D[2u * a + 1u] = v.y;
  }
}
