// Bluestein, middle step: each transformed row times the transform of the conjugate chirp (over m).
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read_write> D: array<$T>;
@group(0) @binding(2) var<storage, read> B: array<$T>;
// P: [0] rows * m, [1] m: D[row, k] *= B[k]
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let k = gid % P[1];
  let v = cmul(vec2<$T>(D[2u * gid], D[2u * gid + 1u]), vec2<$T>(B[2u * k], B[2u * k + 1u]));
  D[2u * gid] = v.x;
  D[2u * gid + 1u] = v.y;
}
