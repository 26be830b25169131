// Shared part of the matmul kernels: parameters, bindings, loaders and the batch walk.
// Expects: bindings (b0 = output, b1 = A, b2 = B), loaders (fn la(j), fn lb(j) returning the compute type,
// fn st(j, v)), helpers (library functions the accumulation step calls), NB (batch dims).
// With an epilogue (gpuarray/_lazy/product.py) the C words describe a contiguous result at offset 0, so j is
// the element's flat index; st(j, acc) then evaluates the epilogue there and stores into binding 0
// (the output view, in its own dtype), reading its operands from bindings after A and B and its
// parameter words from after the kernel's own.
//
// Parameter words P[]: sizes and element strides, never baked into the source, so one
// compiled kernel serves every shape and view layout with the same structure:
//   0 total (workgroups of the tiled kernel / outputs of the simple one)
//   1 M  2 N  3 K  4 tiles along N  5 tiles along M
//   6 A offset  7 A stride m  8 A stride k
//   9 B offset 10 B stride k 11 B stride n
//  12 C offset 13 C stride m 14 C stride n
//  15 + 4 d: batch dim d (outermost first): size, A stride, B stride, C stride
@group(0) @binding(0) var<storage, read> P: array<u32>;
$bindings

$loaders

$helpers

const NB = ${NB}u;

fn sp(i: u32) -> i32 { return bitcast<i32>(P[i]); }

// element offsets of A, B and C for one batch index (strides may be negative or zero)
fn batch_origin(batch: u32) -> vec3<i32> {
  var o = vec3<i32>(sp(6u), sp(9u), sp(12u));
  var rest = batch;
  for (var d = 0u; d < NB; d++) {
    let w = 15u + 4u * (NB - 1u - d);
    let c = i32(rest % P[w]);
    rest = rest / P[w];
    o += c * vec3<i32>(sp(w + 1u), sp(w + 2u), sp(w + 3u));
  }
  return o;
}
