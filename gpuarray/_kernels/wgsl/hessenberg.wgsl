// Householder reduction of square matrices to upper Hessenberg form (LAPACK's dgehd2 / zgehd2):
// A = Q H Q^H, H_k = I - tau v v^H (v[k+1] = 1) zeroes column k below the subdiagonal and makes
// the subdiagonal entry real (dlarfg / zlarfg) and is applied from both sides (H_k^H from the
// left); v is kept below the subdiagonal for forming Q = H_0 ... H_{n-3} backwards in Z
// (dorghr / zunghr), then (mode 8) everything below the subdiagonal is cleared.
// $C is the element type ($T, or vec2<$T> for complex); cm/cj/cdiv/cab2 its product, conjugate,
// quotient and squared magnitude.
// One piece of a step per dispatch (P[2], the mode; P[3] = k, the column), so that the trailing
// matrix is streamed by many workgroups and no invocation runs long (lavapipe stops long ones):
// 0: the reflector of column k (one workgroup per matrix);
// 1: y_j = conj(tau) v^H A[k+1:, j] (one thread per column j > k); 2: A[k+1:, k+1:] -= v y^T;
// 3: x_i = tau A[i, k+1:] v (one thread per row, all rows); 4: A[:, k+1:] -= x v^H;
// 5: Z = I; 6: u_j = tau v^H Z[k+1:, j]; 7: Z[k+1:, k+1:] -= v u^T; 8: A[i, j] = 0 for i > j + 1.
// P[0] n, P[1] matrices, P[4] workgroups per matrix (modes other than 0: WG rows or elements each).
// SC: tau, t1 (y, x or u), t2 (v) (3n per matrix).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> Z: array<$C>;
@group(0) @binding(3) var<storage, read_write> SC: array<$C>;

var<workgroup> red: array<$T, ${WG}>;

$CHELP

$WG_SUM

$WG_MAX

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let b = g / P[4];
  if (b >= P[1]) { return; }  // uniform per workgroup
  let n = P[0];
  let mode = P[2];
  let k = P[3];
  let base = b * n * n;
  let ta = b * 3u * n;
  let t1 = ta + n;
  let t2 = ta + 2u * n;
  let gi = (g - b * P[4]) * ${WG}u + lid;  // this invocation's row, column or element
  let m = n - k - 1u;

  if (mode == 0u) {
    // zlarfg on (alpha, x) = A[k+1:, k]; the norm of x scaled by its largest magnitude (no
    // underflow of tiny entries' squares)
    let alpha = A[base + (k + 1u) * n + k];
    var big = $ZERO;
    for (var i = k + 2u + lid; i < n; i += ${WG}u) { big = max(big, cabs1(A[base + i * n + k])); }
    big = wg_max(lid, big);
    var part = $ZERO;
    if (big > $ZERO) {
      for (var i = k + 2u + lid; i < n; i += ${WG}u) { part = part + cab2(A[base + i * n + k] / big); }
    }
    let xn = big * sqrt(wg_sum(lid, part));
    var tau = creal($ZERO);
    var scl = creal($ZERO);
    var beta = cre(alpha);
    if (xn > $ZERO || abs(cim(alpha)) > $ZERO) {
      let top = max(max(abs(cre(alpha)), abs(cim(alpha))), xn);
      let ra = cre(alpha) / top;
      let ia = cim(alpha) / top;
      let rx = xn / top;
      beta = -top * sqrt(ra * ra + ia * ia + rx * rx);
      if (cre(alpha) < $ZERO) { beta = -beta; }
      tau = cdiv(creal(beta) - alpha, creal(beta));
      scl = cdiv(creal($ONE), alpha - creal(beta));
    }
    if (lid == 0u) {
      SC[ta + k] = tau;
      SC[t2 + k + 1u] = creal($ONE);
      A[base + (k + 1u) * n + k] = creal(beta);
    }
    for (var i = k + 2u + lid; i < n; i += ${WG}u) {
      let v = cm(A[base + i * n + k], scl);
      SC[t2 + i] = v;
      A[base + i * n + k] = v;
    }
  }
  if (mode == 1u && gi < m) {
    let j = k + 1u + gi;
    var acc = creal($ZERO);
    for (var i = k + 1u; i < n; i++) { acc = acc + cm(cj(SC[t2 + i]), A[base + i * n + j]); }
    SC[t1 + j] = cm(cj(SC[ta + k]), acc);
  }
  if (mode == 2u && gi < m * m) {
    let i = k + 1u + gi / m;
    let j = k + 1u + gi % m;
    A[base + i * n + j] = A[base + i * n + j] - cm(SC[t2 + i], SC[t1 + j]);
  }
  if (mode == 3u && gi < n) {
    var acc = creal($ZERO);
    for (var j = k + 1u; j < n; j++) { acc = acc + cm(A[base + gi * n + j], SC[t2 + j]); }
    SC[t1 + gi] = cm(SC[ta + k], acc);
  }
  if (mode == 4u && gi < n * m) {
    let i = gi / m;
    let j = k + 1u + gi % m;
    A[base + i * n + j] = A[base + i * n + j] - cm(SC[t1 + i], cj(SC[t2 + j]));
  }
  if (mode == 5u && gi < n * n) {
    Z[base + gi] = creal(select($ZERO, $ONE, gi / n == gi % n));
  }
  if (mode == 6u && gi < m) {
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
  if (mode == 8u && gi < n * n) {
    if (gi / n > gi % n + 1u) { A[base + gi] = creal($ZERO); }
  }
}
