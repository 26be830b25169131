// Implicit QL sweeps on symmetric tridiagonal matrices (EISPACK's tql2 with the shift from the
// leading 2 x 2 block), one invocation per matrix, up to K sweeps per dispatch: each sweep's plane
// rotations are recorded (RC, RS: K x n per matrix; RNG: the sweep's index range [lo, hi)) for
// ql_apply.wgsl to apply to the eigenvectors. Deflation is absolute: |e_m| <= eps * max_i(|d_i| +
// |e_i| + |e_i-1|) (the callers scale the matrix to entries of at most 1). The iteration state
// lives in QS between dispatches: [current index l, sweeps on it, sweeps recorded, 1 when done].
// P[0] n, P[1] matrices, P[2] K, P[3] most sweeps per eigenvalue, P[4] eps (f32 bits).
// S: d at b * 2n, e (e[n-1] = 0) after it.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> QS: array<u32>;
@group(0) @binding(3) var<storage, read_write> RC: array<$T>;
@group(0) @binding(4) var<storage, read_write> RS: array<$T>;
@group(0) @binding(5) var<storage, read_write> RNG: array<u32>;

fn hyp(a: $T, b: $T) -> $T {  // sqrt(a^2 + b^2) without overflow
  let x = abs(a);
  let y = abs(b);
  let big = max(x, y);
  if (big == $ZERO) { return $ZERO; }
  let sm = min(x, y) / big;
  return big * sqrt($ONE + sm * sm);
}

@compute @workgroup_size($WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = gid.y * nwg.x * ${WG}u + gid.x;
  if (b >= P[1]) { return; }
  let n = P[0];
  let K = P[2];
  let dd = b * 2u * n;
  let ee = dd + n;
  var l = QS[b * 4u];
  var iter = QS[b * 4u + 1u];
  var tst = $ZERO;
  for (var i = 0u; i < n; i++) {
    var r = abs(S[dd + i]) + abs(S[ee + i]);
    if (i > 0u) { r = r + abs(S[ee + i - 1u]); }
    tst = max(tst, r);
  }
  tst = tst * $T(bitcast<f32>(P[4]));
  var rec = 0u;
  while (l < n && rec < K) {
    var m = l;
    while (m + 1u < n) {
      if (abs(S[ee + m]) <= tst) { break; }
      m += 1u;
    }
    if (m == l || iter >= P[3]) {  // converged (or given up on: left as it is)
      l += 1u;
      iter = 0u;
      continue;
    }
    iter += 1u;
    let rot = (b * K + rec) * n;
    let dl = S[dd + l];
    let el = S[ee + l];
    var g = (S[dd + l + 1u] - dl) / (2.0 * el);
    var r = hyp(g, $ONE);
    if (g < $ZERO) { r = -r; }
    g = S[dd + m] - dl + el / (g + r);
    var s = $ONE;
    var c = $ONE;
    var p = $ZERO;
    var i = m;
    var early = false;
    while (i > l) {
      i -= 1u;
      let f = s * S[ee + i];
      let bb = c * S[ee + i];
      r = hyp(f, g);
      S[ee + i + 1u] = r;
      if (r == $ZERO) {  // the sweep splits: recover and sweep again
        S[dd + i + 1u] = S[dd + i + 1u] - p;
        S[ee + m] = $ZERO;
        early = true;
        RC[rot + i] = $ONE;
        RS[rot + i] = $ZERO;
        break;
      }
      s = f / r;
      c = g / r;
      g = S[dd + i + 1u] - p;
      r = (S[dd + i] - g) * s + 2.0 * c * bb;
      p = s * r;
      S[dd + i + 1u] = g + p;
      g = c * r - bb;
      RC[rot + i] = c;
      RS[rot + i] = s;
    }
    if (!early) {
      S[dd + l] = S[dd + l] - p;
      S[ee + l] = g;
      S[ee + m] = $ZERO;
    }
    RNG[(b * K + rec) * 2u] = i;
    RNG[(b * K + rec) * 2u + 1u] = m;
    rec += 1u;
  }
  QS[b * 4u] = l;
  QS[b * 4u + 1u] = iter;
  QS[b * 4u + 2u] = rec;
  QS[b * 4u + 3u] = select(0u, 1u, l >= n);
}
