// The smallest and largest value of a contiguous i32 index array (bounds check of
// device-side indices). Expects: $$WG (workgroup size, a power of two).
// P[0] = n, P[1] = element offset. b0: indices; b1: [min, max], preset by the host to
// [i32 max, i32 min] and merged with atomics, one pair per workgroup.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> b0: array<i32>;
@group(0) @binding(2) var<storage, read_write> b1: array<atomic<i32>>;

var<workgroup> lo: array<i32, $WG>;
var<workgroup> hi: array<i32, $WG>;

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let i = g * ${WG}u + lid;
  var a = 2147483647i;
  var b = bitcast<i32>(0x80000000u);
  if (i < P[0]) { a = b0[P[1] + i]; b = a; }
  lo[lid] = a;
  hi[lid] = b;
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      lo[lid] = min(lo[lid], lo[lid + s]);
      hi[lid] = max(hi[lid], hi[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && g * ${WG}u < P[0]) {
    atomicMin(&b1[0], lo[0]);
    atomicMax(&b1[1], hi[0]);
  }
}
