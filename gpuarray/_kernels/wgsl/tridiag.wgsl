// Householder tridiagonalisation of symmetric matrices, one workgroup per matrix (LAPACK's dsytd2
// on the lower triangle; A holds the full symmetric matrix and is overwritten), and, when vectors
// are wanted, the orthogonal factor Q = H_0 ... H_{n-3} formed backwards in Z (dorgtr):
// A = Q T Q^T with T's diagonal in d and its subdiagonal in e (e[n-1] = 0).
// One step per dispatch (a kernel's invocations must stay short: lavapipe stops long ones):
// P[3] = 0: the reflector of column P[4] and its two-sided update (P[4] + 2 < n), or, for
// P[4] = n - 2, the last diagonal and subdiagonal entries; 1: Z = I; 2: H_P[4] applied to Z.
// P[0] n, P[1] matrices.
// S: 5n per matrix: d, e, tau, t1 (p, then w), t2 (v).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$T>;
@group(0) @binding(2) var<storage, read_write> Z: array<$T>;
@group(0) @binding(3) var<storage, read_write> S: array<$T>;

var<workgroup> red: array<$T, ${WG}>;


fn wg_sum(lid: u32, v: $T) -> $T {
  red[lid] = v;
  workgroupBarrier();
  for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
    if (lid < h) { red[lid] = red[lid] + red[lid + h]; }
    workgroupBarrier();
  }
  let s = red[0];
  workgroupBarrier();
  return s;
}

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[1]) { return; }  // uniform per workgroup
  let n = P[0];
  let mode = P[3];
  let base = b * n * n;
  let sb = b * 5u * n;
  let dd = sb;
  let ee = sb + n;
  let ta = sb + 2u * n;
  let t1 = sb + 3u * n;
  let t2 = sb + 4u * n;

  // ---- tridiagonalisation: for column k, H_k = I - tau v v^T (v[k+1] = 1) zeroes A[k+2:, k]
  if (mode == 0u && P[4] + 2u < n) {
    let k = P[4];
    let alpha = A[base + (k + 1u) * n + k];
    var part = $ZERO;
    for (var i = k + 2u + lid; i < n; i += ${WG}u) { let x = A[base + i * n + k]; part = part + x * x; }
    let sigma = wg_sum(lid, part);
    var beta = -sqrt(alpha * alpha + sigma);
    if (alpha < $ZERO) { beta = -beta; }
    var tau = (beta - alpha) / beta;
    var scl = $ONE / (alpha - beta);
    if (!(sigma > $ZERO)) {  // nothing to zero (or NaN): H = I
      tau = $ZERO;
      scl = $ZERO;
      beta = alpha;
    }
    if (lid == 0u) {
      S[dd + k] = A[base + k * n + k];
      S[ee + k] = beta;
      S[ta + k] = tau;
      S[t2 + k + 1u] = $ONE;
    }
    for (var i = k + 2u + lid; i < n; i += ${WG}u) {
      let v = A[base + i * n + k] * scl;
      S[t2 + i] = v;
      A[base + i * n + k] = v;
    }
    storageBarrier();
    // p = tau A22 v (A symmetric: column reads), K = tau / 2 p.v, w = p - K v
    var pv = $ZERO;
    for (var i = k + 1u + lid; i < n; i += ${WG}u) {
      var acc = $ZERO;
      for (var j = k + 1u; j < n; j++) { acc = acc + A[base + j * n + i] * S[t2 + j]; }
      let p = tau * acc;
      S[t1 + i] = p;
      pv = pv + p * S[t2 + i];
    }
    let kk = $T(0.5) * tau * wg_sum(lid, pv);
    for (var i = k + 1u + lid; i < n; i += ${WG}u) { S[t1 + i] = S[t1 + i] - kk * S[t2 + i]; }
    storageBarrier();
    // A22 -= v w^T + w v^T
    let m = n - k - 1u;
    for (var t = lid; t < m * m; t += ${WG}u) {
      let i = k + 1u + t / m;
      let j = k + 1u + t % m;
      A[base + i * n + j] = A[base + i * n + j] - S[t2 + i] * S[t1 + j] - S[t1 + i] * S[t2 + j];
    }
    storageBarrier();
  }
  if (mode == 0u && P[4] + 2u >= n && lid == 0u) {
    if (n >= 2u) {
      S[dd + n - 2u] = A[base + (n - 2u) * n + n - 2u];
      S[ee + n - 2u] = A[base + (n - 1u) * n + n - 2u];
    }
    S[dd + n - 1u] = A[base + (n - 1u) * n + n - 1u];
    S[ee + n - 1u] = $ZERO;
  }

  // ---- Q = H_0 ... H_{n-3}, applied to the identity from the last reflector back
  if (mode == 1u) {
    for (var i = 0u; i < n; i++) {
      for (var j = lid; j < n; j += ${WG}u) { Z[base + i * n + j] = select($ZERO, $ONE, i == j); }
    }
  }
  if (mode == 2u) {
    {
      let k = P[4];
      let tau = S[ta + k];
      for (var j = k + 1u + lid; j < n; j += ${WG}u) {
        var acc = Z[base + (k + 1u) * n + j];
        for (var i = k + 2u; i < n; i++) { acc = acc + A[base + i * n + k] * Z[base + i * n + j]; }
        S[t1 + j] = tau * acc;
      }
      storageBarrier();
      let m = n - k - 1u;
      for (var t = lid; t < m * m; t += ${WG}u) {
        let i = k + 1u + t / m;
        let j = k + 1u + t % m;
        var v = $ONE;
        if (i > k + 1u) { v = A[base + i * n + k]; }
        Z[base + i * n + j] = Z[base + i * n + j] - v * S[t1 + j];
      }
      storageBarrier();
    }
  }

}
