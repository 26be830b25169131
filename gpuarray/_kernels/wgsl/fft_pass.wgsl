// One Stockham pass of radix $$R over every row (one thread per butterfly).
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> W: array<$T>;
fn ld(j: u32) -> vec2<$T> { return vec2<$T>(S[2u * j], S[2u * j + 1u]); }
fn st(j: u32, v: vec2<$T>) { D[2u * j] = v.x; D[2u * j + 1u] = v.y; }
fn tw(m: u32) -> vec2<$T> { return vec2<$T>(W[2u * m], W[2u * m + 1u]); }
// P: [0] threads (rows * n / R), [1] n, [2] n / R, [3] Ns (length already combined), [4] n / (Ns R), [5] inverse
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let n = P[1];
  let nr = P[2];
  let ns = P[3];
  let inv = P[5] != 0u;
  let row = gid / nr;
  let j = gid - row * nr;
  let k = j % ns;
  let src = row * n + j;
  let step = k * P[4];
$LOADS
$DFT
  let dst = row * n + (j / ns) * ns * ${R}u + k;
$STORES
}
