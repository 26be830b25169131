// Right eigenvectors of complex upper triangular Schur forms T (LAPACK's ztrevc, back-substitution),
// one invocation per matrix and eigenvalue j, written as column j of X (n x n per matrix):
// x[j] = 1, then (T[r, r] - w) x[r] = -sum_{c > r} T[r, c] x[c] upwards; pivots smaller than
// smin = max(ulp |w|, smlnum) are replaced by smin (a defective eigenvalue's vector stays finite);
// the column is scaled down whenever an entry would pass BIG (the vector's direction is what counts).
// P[0] n, P[1] matrices. W: the eigenvalues (T's diagonal), n per matrix.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> T: array<vec2<$T>>;
@group(0) @binding(2) var<storage, read> W: array<vec2<$T>>;
@group(0) @binding(3) var<storage, read_write> X: array<vec2<$T>>;

const ULP: $T = $ULP;
const SAFMIN: $T = $SAFMIN;
const BIG: $T = $BIG;

fn cmul(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> { return vec2<$T>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn cab(a: vec2<$T>) -> $T { return abs(a.x) + abs(a.y); }
fn cdivs(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> {  // a / b (Smith's: no overflow of |b|^2)
  if (abs(b.x) >= abs(b.y)) {
    let r = b.y / b.x;
    let d = b.x + b.y * r;
    return vec2<$T>((a.x + a.y * r) / d, (a.y - a.x * r) / d);
  }
  let r = b.x / b.y;
  let d = b.y + b.x * r;
  return vec2<$T>((a.x * r + a.y) / d, (a.y * r - a.x) / d);
}

var<private> n: u32;
var<private> xb: u32;
var<private> col: u32;

fn xg(r: u32) -> vec2<$T> { return X[xb + r * n + col]; }
fn xs(r: u32, v: vec2<$T>) { X[xb + r * n + col] = v; }

fn scale_all(s: $T) {
  for (var r = 0u; r < n; r++) { xs(r, xg(r) * s); }
}

@compute @workgroup_size($WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  n = P[0];
  let g = gid.y * nwg.x * ${WG}u + gid.x;
  if (g >= P[1] * n) { return; }
  let b = g / n;
  col = g - b * n;
  let j = col;
  let tb = b * n * n;
  xb = tb;
  let w = W[b * n + j];
  let smin = max(ULP * cab(w), SAFMIN * ($T(n) / ULP));
  for (var r = j + 1u; r < n; r++) { xs(r, vec2<$T>($ZERO, $ZERO)); }
  xs(j, vec2<$T>($ONE, $ZERO));
  for (var r = 0u; r < j; r++) { xs(r, -T[tb + r * n + j]); }
  var r = j;
  while (r > 0u) {
    r -= 1u;
    var d = T[tb + r * n + r] - w;
    if (cab(d) < smin) { d = vec2<$T>(smin, $ZERO); }
    var rhs = xg(r);
    let rb = cab(rhs);
    if (rb > $ONE && rb >= BIG * cab(d)) {
      scale_all($ONE / rb);
      rhs = xg(r);
    }
    let y = cdivs(rhs, d);
    xs(r, y);
    for (var p = 0u; p < r; p++) { xs(p, xg(p) - cmul(T[tb + p * n + r], y)); }
    if (cab(y) > BIG) { scale_all($ONE / cab(y)); }
  }
}
