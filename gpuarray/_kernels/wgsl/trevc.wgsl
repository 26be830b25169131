// Right eigenvectors of real quasi-triangular Schur forms T (LAPACK's dtrevc, back-substitution),
// one invocation per matrix and eigenvalue j, written as complex column j of X (n x n per
// matrix): x[j] = 1 for a 1 x 1 block, then (T[r, r] - w) x[r] = -sum_{c > r} T[r, c] x[c] upwards,
// 2 x 2 diagonal blocks solved together (complete pivoting); pivots smaller than
// smin = max(ulp |w|, smlnum) are replaced by smin (as dlaln2: a defective eigenvalue's vector stays
// finite); the column is scaled down whenever an entry would pass BIG (the vector's direction is
// what counts). The first column of a complex pair (positive imaginary part, rows (j, j + 1)) starts
// from the block's own eigenvector; the second one is left zero (the conjugate of the first: the
// caller makes it).
// P[0] n, P[1] matrices. W: real parts at b * 2n + j, imaginary parts at b * 2n + n + j.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> T: array<$T>;
@group(0) @binding(2) var<storage, read> W: array<$T>;
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
var<private> tb: u32;
var<private> xb: u32;
var<private> col: u32;

fn t(r: u32, c: u32) -> $T { return T[tb + r * n + c]; }
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
  tb = b * n * n;
  xb = b * n * n;
  let wb = b * 2u * n;
  let w = vec2<$T>(W[wb + j], W[wb + n + j]);
  for (var r = 0u; r < n; r++) { xs(r, vec2<$T>($ZERO, $ZERO)); }
  if (w.y < $ZERO) { return; }
  let smin = max(ULP * (abs(w.x) + abs(w.y)), SAFMIN * ($T(n) / ULP));
  var top = j;  // rows from top on hold x, rows above it the right-hand side
  if (w.y == $ZERO) {
    xs(j, vec2<$T>($ONE, $ZERO));
    for (var r = 0u; r < j; r++) { xs(r, vec2<$T>(-t(r, j), $ZERO)); }
  } else {
    var x0 = vec2<$T>($ONE, $ZERO);
    var x1 = vec2<$T>($ZERO, w.y / t(j, j + 1u));
    if (abs(t(j, j + 1u)) < abs(t(j + 1u, j))) {
      x0 = vec2<$T>(-w.y / t(j + 1u, j), $ZERO);
      x1 = vec2<$T>($ZERO, $ONE);
    }
    xs(j, x0);
    xs(j + 1u, x1);
    for (var r = 0u; r < j; r++) { xs(r, -(x0 * t(r, j) + x1 * t(r, j + 1u))); }
  }
  while (top > 0u) {
    let r = top - 1u;
    if (r > 0u && t(r, r - 1u) != $ZERO) {
      // the 2 x 2 block of rows (r - 1, r): (B - w I) [y0, y1] = [b0, b1], complete pivoting
      let q = r - 1u;
      var m00 = vec2<$T>(t(q, q), $ZERO) - w;
      var m01 = vec2<$T>(t(q, r), $ZERO);
      var m10 = vec2<$T>(t(r, q), $ZERO);
      var m11 = vec2<$T>(t(r, r), $ZERO) - w;
      var b0 = xg(q);
      var b1 = xg(r);
      let rb = max(cab(b0), cab(b1));
      if (rb > $ONE && rb >= BIG * smin) {
        scale_all($ONE / rb);
        b0 = xg(q);
        b1 = xg(r);
      }
      // move the largest entry to (0, 0) (row and column swaps; swapped unknowns swapped back)
      var swapc = false;
      let a00 = cab(m00);
      let a01 = cab(m01);
      let a10 = cab(m10);
      let a11 = cab(m11);
      let big = max(max(a00, a01), max(a10, a11));
      if (a01 == big || a11 == big) {  // columns swap
        let u = m00; m00 = m01; m01 = u;
        let v = m10; m10 = m11; m11 = v;
        swapc = true;
      }
      if (cab(m10) > cab(m00)) {  // rows swap
        let u = m00; m00 = m10; m10 = u;
        let v = m01; m01 = m11; m11 = v;
        let c = b0; b0 = b1; b1 = c;
      }
      var y0 = vec2<$T>($ZERO, $ZERO);
      var y1 = vec2<$T>($ZERO, $ZERO);
      if (cab(m00) < smin) {  // (nearly) zero block: smin I
        y0 = b0 / smin;
        y1 = b1 / smin;
      } else {
        let l10 = cdivs(m10, m00);
        var u11 = m11 - cmul(l10, m01);
        if (cab(u11) < smin) { u11 = vec2<$T>(smin, $ZERO); }
        let c1 = b1 - cmul(l10, b0);
        y1 = cdivs(c1, u11);
        y0 = cdivs(b0 - cmul(m01, y1), m00);
      }
      if (swapc) { let u = y0; y0 = y1; y1 = u; }
      xs(q, y0);
      xs(r, y1);
      let ym = max(cab(y0), cab(y1));
      for (var p = 0u; p < q; p++) { xs(p, xg(p) - (y0 * t(p, q) + y1 * t(p, r))); }
      if (ym > BIG) { scale_all($ONE / ym); }
      top = q;
    } else {
      var d = vec2<$T>(t(r, r), $ZERO) - w;
      if (cab(d) < smin) { d = vec2<$T>(smin, $ZERO); }
      var rhs = xg(r);
      let rb = cab(rhs);
      if (rb > $ONE && rb >= BIG * cab(d)) {
        scale_all($ONE / rb);
        rhs = xg(r);
      }
      let y = cdivs(rhs, d);
      xs(r, y);
      for (var p = 0u; p < r; p++) { xs(p, xg(p) - y * t(p, r)); }
      if (cab(y) > BIG) { scale_all($ONE / cab(y)); }
      top = r;
    }
  }
}
