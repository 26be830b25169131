// Householder tridiagonalisation of symmetric (Hermitian) matrices, one workgroup per matrix
// (LAPACK's dsytd2 / zhetd2 on the lower triangle; A holds the full matrix and is overwritten),
// and, when vectors are wanted, the unitary factor Q = H_0 ... H_{n-2} formed backwards in Z
// (dorgtr / zungtr): A = Q T Q^H with T real symmetric tridiagonal, its diagonal in d and its
// subdiagonal in e (e[n-1] = 0). H_k = I - tau v v^H (v[k+1] = 1) makes column k below the
// subdiagonal zero and the subdiagonal entry real (dlarfg / zlarfg: beta = -sign(Re alpha) *
// ||(alpha, x)||); the last one (k = n - 2) only makes A[n-1, n-2] real (identity when real).
// $C is the element type ($T, or vec2<$T> for complex); cm/cj/cdiv/cab2 its product, conjugate,
// quotient and squared magnitude.
// One piece of a step per dispatch (P[3], the mode; P[4] = k, the column), so that the trailing
// matrix is streamed by many workgroups and no invocation runs long (lavapipe stops long ones):
// 0: the reflector of column k (one workgroup per matrix; for k = n - 1 the last diagonal entry);
// 3: x = tau A22 v; 4: w = x - tau / 2 (x^H v) v (one workgroup per matrix); 5: A22 -= v w^H + w v^H;
// 1: Z = I; 6: u = tau v^H Z22; 7: Z22 -= v u. P[0] n, P[1] matrices, P[5] workgroups per matrix
// (modes 1, 3, 5, 6, 7: WG rows or elements each).
// S (real): d, e (2n per matrix); SC: tau, t1 (x, then w), t2 (v) (3n per matrix).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> Z: array<$C>;
@group(0) @binding(3) var<storage, read_write> S: array<$T>;
@group(0) @binding(4) var<storage, read_write> SC: array<$C>;

var<workgroup> red: array<$C, ${WG}>;

$CHELP

$WG_SUM_C

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let b = g / P[5];
  if (b >= P[1]) { return; }  // uniform per workgroup
  let n = P[0];
  let mode = P[3];
  let k = P[4];
  let base = b * n * n;
  let dd = b * 2u * n;
  let ee = dd + n;
  let ta = b * 3u * n;
  let t1 = ta + n;
  let t2 = ta + 2u * n;
  let gi = (g - b * P[5]) * ${WG}u + lid;  // this invocation's row or element (modes 1, 3, 5, 6, 7)
  let m = n - k - 1u;

  if (mode == 0u && k + 1u < n) {
    let alpha = A[base + (k + 1u) * n + k];
    var part = $ZERO;
    for (var i = k + 2u + lid; i < n; i += ${WG}u) { part = part + cab2(A[base + i * n + k]); }
    let sigma = cre(wg_sum(lid, creal(part)));
    var beta = -sqrt(cab2(alpha) + sigma);
    if (cre(alpha) < $ZERO) { beta = -beta; }
    var tau = cdiv(creal(beta) - alpha, creal(beta));
    var scl = cdiv(creal($ONE), alpha - creal(beta));
    if (!(sigma > $ZERO) && !(abs(cim(alpha)) > $ZERO)) {  // nothing to do (or NaN): H = I
      tau = creal($ZERO);
      scl = creal($ZERO);
      beta = cre(alpha);
    }
    if (lid == 0u) {
      S[dd + k] = cre(A[base + k * n + k]);
      S[ee + k] = beta;
      SC[ta + k] = tau;
      SC[t2 + k + 1u] = creal($ONE);
    }
    for (var i = k + 2u + lid; i < n; i += ${WG}u) {
      let v = cm(A[base + i * n + k], scl);
      SC[t2 + i] = v;
      A[base + i * n + k] = v;
    }
  }
  if (mode == 0u && k + 1u >= n && lid == 0u) {
    S[dd + n - 1u] = cre(A[base + (n - 1u) * n + n - 1u]);
    S[ee + n - 1u] = $ZERO;
  }
  if (mode == 3u && gi < m) {
    // x = tau A22 v (A Hermitian: A[i, j] = conj(A[j, i]), column reads)
    let i = k + 1u + gi;
    var acc = creal($ZERO);
    for (var j = k + 1u; j < n; j++) { acc = acc + cm(cj(A[base + j * n + i]), SC[t2 + j]); }
    SC[t1 + i] = cm(SC[ta + k], acc);
  }
  if (mode == 4u) {
    var xv = creal($ZERO);
    for (var i = k + 1u + lid; i < n; i += ${WG}u) { xv = xv + cm(cj(SC[t1 + i]), SC[t2 + i]); }
    let kk = cm(cm(creal($T(0.5)), SC[ta + k]), wg_sum(lid, xv));
    for (var i = k + 1u + lid; i < n; i += ${WG}u) { SC[t1 + i] = SC[t1 + i] - cm(kk, SC[t2 + i]); }
  }
  if (mode == 5u && gi < m * m) {
    let i = k + 1u + gi / m;
    let j = k + 1u + gi % m;
    A[base + i * n + j] = A[base + i * n + j] - cm(SC[t2 + i], cj(SC[t1 + j])) - cm(SC[t1 + i], cj(SC[t2 + j]));
  }
  if (mode == 1u && gi < n * n) {
    Z[base + gi] = creal(select($ZERO, $ONE, gi / n == gi - (gi / n) * n));
  }
  if (mode == 6u && gi < m) {
    // u = tau v^H Z[k+1:, k+1:] (Q = H_0 ... H_{n-2} formed backwards from the identity)
    let j = k + 1u + gi;
    var acc = Z[base + (k + 1u) * n + j];
    for (var i = k + 2u; i < n; i++) { acc = acc + cm(cj(A[base + i * n + k]), Z[base + i * n + j]); }
    SC[t1 + j] = cm(SC[ta + k], acc);
  }
  if (mode == 7u && gi < m * m) {
    let i = k + 1u + gi / m;
    let j = k + 1u + gi % m;
    var v = creal($ONE);
    if (i > k + 1u) { v = A[base + i * n + k]; }
    Z[base + i * n + j] = Z[base + i * n + j] - cm(v, SC[t1 + j]);
  }
}
