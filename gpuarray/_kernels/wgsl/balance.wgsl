// One sweep of diagonal balancing of square matrices (the scaling part of LAPACK's dgebal/zgebal)
// on the block [k, l] that the permutation left (LH: k, l per matrix), one workgroup per matrix:
// for each i in [k, l], the power of 2 f that brings column i's and row i's 2-norms within the
// block closest is found (dgebal's loops) and, where it lowers their sum below 0.95 of what it
// was, row i (columns k..n-1) is divided by f and column i (rows 0..l) multiplied by it (exact:
// powers of 2), D[i] *= f.
// A = D^-1 A0 D keeps A0's eigenvalues; A0's eigenvectors are D times A's. A sweep that changes
// nothing sets the done flag and later sweeps (dispatches) return at once.
// P[0] n, P[1] matrices. D: the scale factors (n per matrix, ones at first); F: done flags.
// $C is the element type ($T, or vec2<$T> for complex), cab2 its squared magnitude.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read_write> F: array<u32>;
@group(0) @binding(4) var<storage, read_write> LH: array<u32>;

var<workgroup> red: array<vec4<$T>, ${WG}>;
var<workgroup> fs: $T;
var<workgroup> flag: u32;

$CHELP

const ULP: $T = $ULP;
const SAFMIN: $T = $SAFMIN;

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[1]) { return; }  // uniform per workgroup
  if (lid == 0u) { flag = F[b]; }
  if (workgroupUniformLoad(&flag) != 0u) { return; }
  let n = P[0];
  let base = b * n * n;
  let sfmin1 = SAFMIN / ULP;
  let sfmax1 = $ONE / sfmin1;
  let sfmin2 = sfmin1 * 2.0;
  let sfmax2 = $ONE / sfmin2;
  let lo = LH[b * 2u];
  let hi = LH[b * 2u + 1u];
  var changed = 0u;
  for (var i = lo; i <= hi; i++) {
    // column and row 2-norms (entries of at most ~1: the caller scaled the matrix) and largest entries
    var acc = vec4<$T>($ZERO, $ZERO, $ZERO, $ZERO);
    for (var k = lid; k < n; k += ${WG}u) {
      let cv = cab2(A[base + k * n + i]);
      let rv = cab2(A[base + i * n + k]);
      let inside = k >= lo && k <= hi;
      acc = vec4<$T>(acc.x + select($ZERO, cv, inside), acc.y + select($ZERO, rv, inside),
                     max(acc.z, select($ZERO, sqrt(cv), k <= hi)), max(acc.w, select($ZERO, sqrt(rv), k >= lo)));
    }
    red[lid] = acc;
    workgroupBarrier();
    for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
      if (lid < h) {
        let p = red[lid];
        let q = red[lid + h];
        red[lid] = vec4<$T>(p.x + q.x, p.y + q.y, max(p.z, q.z), max(p.w, q.w));
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      let s4 = red[0];
      var c = sqrt(s4.x);
      var r = sqrt(s4.y);
      var ca = s4.z;
      var ra = s4.w;
      var f = $ONE;
      if (c > $ZERO && r > $ZERO) {
        let s = c + r;
        var g = r / 2.0;
        while (c < g && max(f, max(c, ca)) < sfmax2 && min(r, min(g, ra)) > sfmin2) {
          f *= 2.0; c *= 2.0; ca *= 2.0; r /= 2.0; g /= 2.0; ra /= 2.0;
        }
        g = c / 2.0;
        while (g >= r && max(r, ra) < sfmax2 && min(min(f, c), min(g, ca)) > sfmin2) {
          f /= 2.0; c /= 2.0; g /= 2.0; ca /= 2.0; r *= 2.0; ra *= 2.0;
        }
        let di = D[b * n + i];
        if ((c + r) >= 0.95 * s || (f < $ONE && di < $ONE && f * di <= sfmin1) ||
            (f > $ONE && di > $ONE && di >= sfmax1 / f)) {
          f = $ONE;
        }
        if (f != $ONE) { D[b * n + i] = di * f; }
      }
      fs = f;
    }
    let f = workgroupUniformLoad(&fs);
    if (f != $ONE) {
      changed = 1u;
      for (var k = lo + lid; k < n; k += ${WG}u) {
        A[base + i * n + k] = A[base + i * n + k] / f;
      }
      storageBarrier();
      for (var k = lid; k <= hi; k += ${WG}u) {
        A[base + k * n + i] = A[base + k * n + i] * f;
      }
    }
    storageBarrier();
    workgroupBarrier();
  }
  if (lid == 0u && changed == 0u) { F[b] = 1u; }
}
