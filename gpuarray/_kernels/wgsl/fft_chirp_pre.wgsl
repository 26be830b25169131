// Bluestein, first step: each row times the chirp, zero-padded to m.
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> C: array<$T>;
// P: [0] rows * m, [1] n, [2] m, [3] inverse: D[row, k] = conj?(S[row, k]) * C[k] for k < n, else 0
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let n = P[1];
  let m = P[2];
  let row = gid / m;
  let k = gid - row * m;
  var v = vec2<$T>();
  if (k < n) {
    let j = row * n + k;
    v = cmul(cj(vec2<$T>(S[2u * j], S[2u * j + 1u]), P[3] != 0u), vec2<$T>(C[2u * k], C[2u * k + 1u]));
  }
  D[2u * gid] = v.x;
  D[2u * gid + 1u] = v.y;
}
