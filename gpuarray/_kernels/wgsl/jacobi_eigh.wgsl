// Eigenvalues and eigenvectors of small symmetric matrices by the parallel cyclic Jacobi method,
// one workgroup per matrix, the matrix and the rotations' product in global memory (work buffers).
// A sweep is N-1 rounds (N = n rounded up to even) of N/2 disjoint rotations in the circle
// method's order, so every pair (p, q) is annihilated once per sweep; each rotation is Golub and
// Van Loan's symmetric Schur step (t = sign(th) / (|th| + sqrt(1 + th^2))), the pair's diagonal
// updated as Rutishauser's a_pp - t a_pq, a_qq + t a_pq and a_pq set to zero. Sweeps stop when the
// off-diagonal mass is below (eps * ||A||_F)^2 or after P[4] sweeps. The eigenvalues (the diagonal)
// are then ranked ascending and written with their vectors: W[b, rank] and VO[b, :, rank].
// P[0] n, P[1] batches, P[2] N (n rounded up to even), P[3] tolerance bits (eps^2 as f32 bits), P[4] max sweeps.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$T>;
@group(0) @binding(2) var<storage, read_write> V: array<$T>;
@group(0) @binding(3) var<storage, read_write> W: array<$T>;
@group(0) @binding(4) var<storage, read_write> VO: array<$T>;

var<workgroup> rc: array<$T, ${HALF}>;
var<workgroup> rs: array<$T, ${HALF}>;
var<workgroup> rp: array<u32, ${HALF}>;
var<workgroup> rq: array<u32, ${HALF}>;
var<workgroup> rd: array<vec2<$T>, ${HALF}>;  // the pair's new diagonal (Rutishauser's update)
var<workgroup> red: array<$T, ${WG}>;
var<workgroup> done: u32;

$HELPERS

$WG_SUM

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[1]) { return; }  // uniform per workgroup
  let n = P[0];
  let N = P[2];
  let half = N / 2u;
  let base = b * n * n;
  let tol = $T(bitcast<f32>(P[3]));
  for (var t = lid; t < n * n; t += ${WG}u) { V[base + t] = select($ZERO, $ONE, t / n == t % n); }
  var total = $ZERO;
  for (var t = lid; t < n * n; t += ${WG}u) { let x = A[base + t]; total = total + x * x; }
  let norm2 = wg_sum(lid, total);
  for (var sweep = 0u; sweep < P[4]; sweep++) {
    var off = $ZERO;
    for (var t = lid; t < n * n; t += ${WG}u) {
      if (t / n != t % n) { let x = A[base + t]; off = off + x * x; }
    }
    let offs = wg_sum(lid, off);
    if (lid == 0u) { done = select(0u, 1u, !(offs > tol * norm2)); }
    if (workgroupUniformLoad(&done) != 0u) { break; }
    for (var r = 0u; r < N - 1u; r++) {
      // the rotations of this round: pair k of the circle method
      for (var k = lid; k < half; k += ${WG}u) {
        var p = N - 1u;
        var q = r;
        if (k > 0u) {
          p = (r + k) % (N - 1u);
          q = (r + N - 1u - k) % (N - 1u);
        }
        let lo = min(p, q);
        let hi = max(p, q);
        var c = $ONE;
        var s = $ZERO;
        if (hi < n) {
          let apq = A[base + lo * n + hi];
          rd[k] = vec2<$T>(A[base + lo * n + lo], A[base + hi * n + hi]);
          if (!(apq == $ZERO)) {
            let th = (A[base + hi * n + hi] - A[base + lo * n + lo]) / (2.0 * apq);
            let at = abs(th);
            var root = at * sqrt($ONE + ($ONE / at) * ($ONE / at));  // sqrt(1 + th^2) without overflow
            if (at < $ONE) { root = sqrt($ONE + th * th); }
            var t = $ONE / (at + root);
            if (th < $ZERO) { t = -t; }
            c = $ONE / sqrt($ONE + t * t);
            s = t * c;
            rd[k] = vec2<$T>(rd[k].x - t * apq, rd[k].y + t * apq);
          }
        }
        rc[k] = c;
        rs[k] = s;
        rp[k] = lo;
        rq[k] = hi;
      }
      workgroupBarrier();
      // rows: A <- J^T A (rows p and q of each pair); pairs are disjoint, so no two threads meet
      for (var t = lid; t < half * n; t += ${WG}u) {
        let k = t / n;
        let j = t % n;
        let p = rp[k];
        let q = rq[k];
        if (q < n) {
          let x = A[base + p * n + j];
          let y = A[base + q * n + j];
          A[base + p * n + j] = rc[k] * x - rs[k] * y;
          A[base + q * n + j] = rs[k] * x + rc[k] * y;
        }
      }
      storageBarrier();
      // columns: A <- A J and V <- V J
      for (var t = lid; t < half * n; t += ${WG}u) {
        let k = t / n;
        let i = t % n;
        let p = rp[k];
        let q = rq[k];
        if (q < n) {
          let x = A[base + i * n + p];
          let y = A[base + i * n + q];
          A[base + i * n + p] = rc[k] * x - rs[k] * y;
          A[base + i * n + q] = rs[k] * x + rc[k] * y;
          let u = V[base + i * n + p];
          let v = V[base + i * n + q];
          V[base + i * n + p] = rc[k] * u - rs[k] * v;
          V[base + i * n + q] = rs[k] * u + rc[k] * v;
        }
      }
      storageBarrier();
      // the pair's 2x2 block exactly: its new diagonal from the old one (fewer roundings than the
      // two rotations give it) and the annihilated element zero
      for (var k = lid; k < half; k += ${WG}u) {
        let p = rp[k];
        let q = rq[k];
        if (q < n) {
          A[base + p * n + p] = rd[k].x;
          A[base + q * n + q] = rd[k].y;
          A[base + p * n + q] = $ZERO;
          A[base + q * n + p] = $ZERO;
        }
      }
      storageBarrier();
    }
  }
  // ascending order: the rank of each eigenvalue (NaNs last, ties by index: a permutation, so
  // every output is written), then the scatter
  for (var i = lid; i < n; i += ${WG}u) {
    let w = A[base + i * n + i];
    let wn = ga_isnan_$T(w);
    var rank = 0u;
    for (var j = 0u; j < n; j++) {
      let x = A[base + j * n + j];
      let xn = ga_isnan_$T(x);
      let before = x < w || (wn && !xn);
      let tie = x == w || (wn && xn);
      if (before || (tie && j < i)) { rank += 1u; }
    }
    W[b * n + rank] = w;
    for (var row = 0u; row < n; row++) { VO[base + row * n + rank] = V[base + row * n + i]; }
  }
}
