// One round of the one-sided (Hestenes) Jacobi method on a batch: the rows of X (count rows of len
// elements each, one stack per matrix) are made pairwise orthogonal by plane rotations, the same
// rotations applied to the rows of VT (count x count) when vectors are wanted. A round is the
// count/2 disjoint pairs of the circle method's round r (N = count rounded up to even, N - 1 rounds
// a sweep, so every pair meets once per sweep); one workgroup per pair: the three dot products
// ||x_p||^2, ||x_q||^2, x_p . x_q are one workgroup reduction, then the pair is rotated
// (Rutishauser's formulas: t = sign(z) / (|z| + sqrt(1 + z^2)), z = (b - a) / (2 g)) unless it is
// orthogonal to the tolerance (|g| <= tol * sqrt(a) * sqrt(b)); a rotation sets FLAG[matrix].
// Rows are contiguous: the columns of the matrix being factored are stored as rows. Complex rows
// ($C = vec2<$T>): g = x_p^H x_q = |g| ph, x_q is first multiplied by conj(ph) (so that the pair's
// product is real), then rotated as real rows with |g|.
// P[0] len, P[1] count, P[2] N, P[3] round, P[4] matrices, P[5] pairs per matrix (N / 2),
// P[6] tolerance (f32 bits), P[7] 1: rotate VT too.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> X: array<$C>;
@group(0) @binding(2) var<storage, read_write> VT: array<$C>;
@group(0) @binding(3) var<storage, read_write> FLAG: array<u32>;

var<workgroup> r0: array<$T, ${WG}>;
var<workgroup> r1: array<$T, ${WG}>;
var<workgroup> r2: array<$C, ${WG}>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let half = P[5];
  let b = g / half;
  if (b >= P[4]) { return; }  // uniform per workgroup
  let k = g - b * half;
  let len = P[0];
  let count = P[1];
  let N = P[2];
  let r = P[3];
  var p = N - 1u;
  var q = r;
  if (k > 0u) {
    p = (r + k) % (N - 1u);
    q = (r + N - 1u - k) % (N - 1u);
  }
  let lo = min(p, q);
  let hi = max(p, q);
  if (hi >= count) { return; }  // the dummy row of an odd count: uniform per workgroup
  let xp = b * count * len + lo * len;
  let xq = b * count * len + hi * len;
  var sa = $ZERO;
  var sb = $ZERO;
  var sg = creal($ZERO);
  for (var i = lid; i < len; i += ${WG}u) {
    let x = X[xp + i];
    let y = X[xq + i];
    sa = sa + cab2(x);
    sb = sb + cab2(y);
    sg = sg + cm(cj(x), y);
  }
  r0[lid] = sa;
  r1[lid] = sb;
  r2[lid] = sg;
  workgroupBarrier();
  for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
    if (lid < h) {
      r0[lid] = r0[lid] + r0[lid + h];
      r1[lid] = r1[lid] + r1[lid + h];
      r2[lid] = r2[lid] + r2[lid + h];
    }
    workgroupBarrier();
  }
  let a = r0[0];
  let bb = r1[0];
  let gc = r2[0];
  let gm = cgmag(gc);  // real: g itself (signed); complex: |g|
  let ph = cj(cgphase(gc, gm));  // real: 1
  let tol = $T(bitcast<f32>(P[6]));
  // NaN fails the test: no rotation (the caller reports non-finite input)
  if (!(abs(gm) > tol * sqrt(a) * sqrt(bb))) { return; }  // uniform: every thread read the same sums
  let z = (bb - a) / (2.0 * gm);
  let az = abs(z);
  var root = az * sqrt($ONE + ($ONE / az) * ($ONE / az));  // sqrt(1 + z^2) without overflow
  if (az < $ONE) { root = sqrt($ONE + z * z); }
  var t = $ONE / (az + root);
  if (z < $ZERO) { t = -t; }
  let c = $ONE / sqrt($ONE + t * t);
  let s = t * c;
  for (var i = lid; i < len; i += ${WG}u) {
    let x = X[xp + i];
    let y = cm(X[xq + i], ph);
    X[xp + i] = c * x - s * y;
    X[xq + i] = s * x + c * y;
  }
  if (P[7] != 0u) {
    let vp = b * count * count + lo * count;
    let vq = b * count * count + hi * count;
    for (var i = lid; i < count; i += ${WG}u) {
      let x = VT[vp + i];
      let y = cm(VT[vq + i], ph);
      VT[vp + i] = c * x - s * y;
      VT[vq + i] = s * x + c * y;
    }
  }
  if (lid == 0u) { FLAG[b] = 1u; }
}
