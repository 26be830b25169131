// The plane rotations recorded by ql_sweeps.wgsl applied to the columns of Z (n x n per matrix,
// real or complex: $C),
// one invocation per row: a row's rotations touch no other row, so rows need no synchronisation.
// Sweep k rotates columns (i, i + 1) for i from hi - 1 down to lo: z_i, z_i+1 <- c z_i - s z_i+1,
// s z_i + c z_i+1.
// P[0] n, P[1] matrices, P[2] K, P[3] workgroups per matrix.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> Z: array<$C>;
@group(0) @binding(2) var<storage, read> QS: array<u32>;
@group(0) @binding(3) var<storage, read> RC: array<$T>;
@group(0) @binding(4) var<storage, read> RS: array<$T>;
@group(0) @binding(5) var<storage, read> RNG: array<u32>;

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let b = g / P[3];
  if (b >= P[1]) { return; }
  let n = P[0];
  let K = P[2];
  let row = (g - b * P[3]) * ${WG}u + lid;
  if (row >= n) { return; }
  let z = b * n * n + row * n;
  for (var k = 0u; k < QS[b * 4u + 2u]; k++) {
    let rot = (b * K + k) * n;
    let lo = RNG[(b * K + k) * 2u];
    var i = RNG[(b * K + k) * 2u + 1u];
    while (i > lo) {
      i -= 1u;
      let c = RC[rot + i];
      let s = RS[rot + i];
      let f = Z[z + i + 1u];
      let x = Z[z + i];
      Z[z + i + 1u] = s * x + c * f;
      Z[z + i] = c * x - s * f;
    }
  }
}
