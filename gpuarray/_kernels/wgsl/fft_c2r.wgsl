// Inverse real transform of even length: the half spectrum combined into a half-length complex row.
// (common helpers: fft_head.wgsl)
@group(0) @binding(1) var<storage, read> S: array<$T>;
@group(0) @binding(2) var<storage, read_write> D: array<$T>;
@group(0) @binding(3) var<storage, read> W: array<$T>;
fn ld(j: u32) -> vec2<$T> { return vec2<$T>(S[2u * j], S[2u * j + 1u]); }
// P: [0] rows * h, [1] h. S: half spectra X (rows of h + 1; the imaginary parts of X[0] and X[h] are
// ignored, as NumPy does). D: Z[k] = E + i O with E = X[k] + conj X[h-k], O = (X[k] - conj X[h-k]) conj W[k],
// whose inverse transform of length h is n z, z[m] = x[2m] + i x[2m+1]
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (gid >= P[0]) { return; }
  let h = P[1];
  let row = gid / h;
  let k = gid - row * h;
  var a = ld(row * (h + 1u) + k);
  var b = cj(ld(row * (h + 1u) + h - k), true);
  if (k == 0u) {
    a.y = $ZERO;
    b.y = $ZERO;
  }
  let e = a + b;
  let o = cmul(a - b, cj(vec2<$T>(W[2u * k], W[2u * k + 1u]), true));
  let z = e + vec2<$T>(-o.y, o.x);
  D[2u * gid] = z.x;
  D[2u * gid + 1u] = z.y;
}
