// The coefficients of prod_k (x - z_k) (NumPy's ``poly`` of a sequence of zeros), one invocation
// per polynomial: a = [1], then for each zero in order a <- a * [1, -z] (NumPy's repeated
// convolutions with [1, -z]: (0 + a[j - 1] (-z)) + a[j], from the top down in place; the sums
// start from zero as NumPy's dot products do, so that signed zeros come out as NumPy's).
// $C is the element type ($T, or vec2<$T> for complex), cm its product.
// P[0] n (zeros per polynomial), P[1] polynomials, P[2] 0 (the zero the sums start from: a
// runtime value, which the compiler cannot drop as it may a literal 0 + x).
// Z: n zeros per polynomial; A: n + 1 coefficients.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> Z: array<$C>;
@group(0) @binding(2) var<storage, read_write> A: array<$C>;

$CHELP

@compute @workgroup_size($WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = gid.y * nwg.x * ${WG}u + gid.x;
  if (b >= P[1]) { return; }
  let n = P[0];
  let za = b * n;
  let aa = b * (n + 1u);
  let zero = creal($T(P[2]));
  A[aa] = creal($ONE);
  for (var k = 0u; k < n; k++) {
    let z = -Z[za + k];
    A[aa + k + 1u] = zero + cm(A[aa + k], z);
    var j = k;
    while (j > 0u) {
      A[aa + j] = (zero + cm(A[aa + j - 1u], z)) + A[aa + j];
      j -= 1u;
    }
  }
}
