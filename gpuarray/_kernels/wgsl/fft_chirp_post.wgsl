// Bluestein, last step: the chirp times the inverse transform, cropped to n.
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> C: array<$T>;
// P: [0] rows * n, [1] n, [2] m, [3] inverse: D[row, k] = conj?(C[k] * S[row, k])
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let n = P[1];
  let row = gid / n;
  let k = gid - row * n;
  let j = row * P[2] + k;
  let v = cmul(vec2<$T>(C[2u * k], C[2u * k + 1u]), vec2<$T>(S[2u * j], S[2u * j + 1u]));
  let o = cj(v, P[3] != 0u);
  D[2u * gid] = o.x;
  D[2u * gid + 1u] = o.y;
}
