// The permutation part of LAPACK's dgebal / zgebal, one workgroup per matrix: rows whose entries
// off the diagonal in columns [0, l] are all zero are swapped (row and column) to position l and l
// shrinks; then columns whose entries off the diagonal in rows [k, l] are all zero are swapped to
// position k and k grows, in dgebal's order (its loops' bounds fixed at entry, passes repeated
// until one swaps nothing). Rows and columns outside [k, l] then hold eigenvalues on the diagonal
// of triangular blocks, which the QR iteration takes as they are (exact, and in LAPACK's order).
// Invocation 0 decides; the workgroup tests a row or column and swaps in parallel.
// P[0] n, P[1] matrices. PM: per matrix, perm (the original index of each row/column) then its
// inverse (2n u32); LH: per matrix, k and l (the balanced block [k, l], inclusive).
// $C is the element type ($T, or vec2<$T> for complex), cabs1 its |re| + |im|.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> A: array<$C>;
@group(0) @binding(2) var<storage, read_write> PM: array<u32>;
@group(0) @binding(3) var<storage, read_write> LH: array<u32>;

var<workgroup> red: array<u32, ${WG}>;
var<workgroup> ctl: vec4<u32>;  // [k, l, finished (every row isolated), 0]
var<workgroup> hit: u32;

$CHELP

var<private> base: u32;
var<private> n: u32;
var<private> pb: u32;

// whether any of the invocations' flags is set (a uniform answer)
fn any_set(lid: u32, flag: u32) -> u32 {
  red[lid] = flag;
  workgroupBarrier();
  for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
    if (lid < h) { red[lid] = max(red[lid], red[lid + h]); }
    workgroupBarrier();
  }
  if (lid == 0u) { hit = red[0]; }
  return workgroupUniformLoad(&hit);
}

// swap rows/columns p and q: columns in rows [0, l], then rows in columns [k, n)
fn swap(lid: u32, p: u32, q: u32, k: u32, l: u32) {
  for (var r = lid; r <= l; r += ${WG}u) {
    let x = A[base + r * n + p];
    A[base + r * n + p] = A[base + r * n + q];
    A[base + r * n + q] = x;
  }
  storageBarrier();
  workgroupBarrier();
  for (var c = k + lid; c < n; c += ${WG}u) {
    let x = A[base + p * n + c];
    A[base + p * n + c] = A[base + q * n + c];
    A[base + q * n + c] = x;
  }
  if (lid == 0u) {
    let x = PM[pb + p];
    PM[pb + p] = PM[pb + q];
    PM[pb + q] = x;
  }
  storageBarrier();
  workgroupBarrier();
}

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[1]) { return; }  // uniform per workgroup
  n = P[0];
  base = b * n * n;
  pb = b * 2u * n;
  for (var r = lid; r < n; r += ${WG}u) { PM[pb + r] = r; }
  if (lid == 0u) { ctl = vec4<u32>(0u, n - 1u, 0u, 0u); }
  storageBarrier();
  // rows isolating an eigenvalue, pushed down
  loop {
    let c0 = workgroupUniformLoad(&ctl);
    var swapped = false;
    var i = i32(c0.y);
    loop {
      if (i < 0) { break; }
      let c = workgroupUniformLoad(&ctl);
      let l = c.y;
      let ui = u32(i);
      var nz = 0u;
      for (var j = lid; j <= l; j += ${WG}u) {
        if (j != ui && cabs1(A[base + ui * n + j]) != $ZERO) { nz = 1u; }
      }
      if (any_set(lid, nz) == 0u) {
        if (ui != l) { swap(lid, ui, l, c.x, l); }
        swapped = true;
        if (lid == 0u) {
          if (l == 0u) { ctl.z = 1u; } else { ctl.y = l - 1u; }
        }
        if (l == 0u) { break; }
      }
      i -= 1;
    }
    if (!swapped || workgroupUniformLoad(&ctl).z != 0u) { break; }
  }
  // columns isolating an eigenvalue, pushed left
  if (workgroupUniformLoad(&ctl).z == 0u) {
    loop {
      let c0 = workgroupUniformLoad(&ctl);
      var swapped = false;
      for (var j = c0.x; j <= c0.y; j++) {
        let c = workgroupUniformLoad(&ctl);
        let k = c.x;
        let l = c.y;
        var nz = 0u;
        for (var r = k + lid; r <= l; r += ${WG}u) {
          if (r != j && cabs1(A[base + r * n + j]) != $ZERO) { nz = 1u; }
        }
        if (any_set(lid, nz) == 0u) {
          if (j != k) { swap(lid, j, k, k, l); }
          swapped = true;
          if (lid == 0u) { ctl.x = k + 1u; }
        }
      }
      if (!swapped) { break; }
    }
  }
  let c = workgroupUniformLoad(&ctl);
  if (lid == 0u) {
    LH[b * 2u] = select(c.x, 0u, c.z != 0u);
    LH[b * 2u + 1u] = select(c.y, 0u, c.z != 0u);
  }
  storageBarrier();
  for (var r = lid; r < n; r += ${WG}u) { PM[pb + n + PM[pb + r]] = r; }
}
