// Real transform of even length: the half-length complex transform combined into n/2 + 1 terms.
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> W: array<$T>;
fn ld(j: u32) -> vec2<$T> { return vec2<$T>(S[2u * j], S[2u * j + 1u]); }
// P: [0] rows * (h + 1), [1] h. S: the transform Z of z[m] = x[2m] + i x[2m+1] (rows of h); W[k] = exp(-2 pi i k / 2h)
// X[k] = E + W[k] O with E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let h = P[1];
  let row = gid / (h + 1u);
  let k = gid - row * (h + 1u);
  let zk = ld(row * h + k % h);
  let zc = cj(ld(row * h + (h - k) % h), true);
  let e = (zk + zc) * $HALF;
  let d = (zk - zc) * $HALF;
  let x = e + cmul(vec2<$T>(W[2u * k], W[2u * k + 1u]), vec2<$T>(d.y, -d.x));
  D[2u * gid] = x.x;
  D[2u * gid + 1u] = x.y;
}
