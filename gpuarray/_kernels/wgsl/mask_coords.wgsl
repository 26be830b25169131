// Boolean-mask compaction, pass 3 of 3: every true element writes its coordinates
// (unravelled over the mask's shape) at its rank among the true elements.
// Expects: $$WG (workgroup size, a power of two), $$NDIM (mask dimensions),
// $$OUT (coordinate type, i32 or i64).
// P[0] = n, P[1] = the mask's element offset, P[2] = count (the output's row length),
// P[3 .. 3+$$NDIM) = the mask's shape.
// b0: mask (packed bool bytes); b1: exclusive block offsets (pass 2);
// b2: output, $$NDIM rows of count coordinates.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> b0: array<u32>;
@group(0) @binding(2) var<storage, read> b1: array<u32>;
@group(0) @binding(3) var<storage, read_write> b2: array<$OUT>;

var<workgroup> sh: array<u32, $WG>;

fn flag(i: u32) -> u32 {
  if (i >= P[0]) { return 0u; }
  let j = P[1] + i;
  return select(0u, 1u, ((b0[j / 4u] >> ((j % 4u) * 8u)) & 0xffu) != 0u);
}

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let i = g * ${WG}u + lid;
  let f = flag(i);
  sh[lid] = f;
  workgroupBarrier();
  for (var off = 1u; off < ${WG}u; off = off * 2u) {
    var t = 0u;
    if (lid >= off) { t = sh[lid - off]; }
    workgroupBarrier();
    sh[lid] = sh[lid] + t;
    workgroupBarrier();
  }
  if (f == 1u) {
    let pos = b1[g] + sh[lid] - 1u;
    let count = P[2];
    var rem = i;
    for (var d = i32($NDIM) - 1; d >= 0; d = d - 1) {
      let n = P[3u + u32(d)];
      b2[u32(d) * count + pos] = $OUT(rem % n);
      rem = rem / n;
    }
  }
}
