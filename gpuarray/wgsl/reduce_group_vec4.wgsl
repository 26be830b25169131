// Reduction, one workgroup per (output, chunk), in groups of 4 consecutive reduction indices
// (the innermost reduced axis has stride 1 for the vec4-read leaves, and the chunk length is a
// multiple of 4): each thread reads whole vec4s (one 16-byte load per contiguous leaf per group,
// <U> groups per loop trip so that several loads are in flight), folds lane l of every group into
// its own accumulator a<l> (4 independent chains), then the workgroup combines the threads'
// results as a tree in shared memory. Reduction indices past the last full group (n_red % 4 when
// the reduced axes collapse to one) are folded one by one.
// Expects (string.Template): the names of reduce_group.wgsl, plus
//   <elem_fn>   fn elem(r, I<v>..., u<k>...) -> Acc: the folded value of one element
//   <bodies>    statements folding groups gb, gb + WG, ... (U of them) into a0..a3
//   <body1>     statements folding group gb into a0..a3
//   <U>         groups per unrolled loop trip
$prelude

var<workgroup> sh: array<Acc, $WG>;

$elem_fn

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= P[0]) { return; }
  let n_out = P[$meta];
  let n_red = P[$meta + 1u];
  let chunk = P[$meta + 3u];
  let o = g % n_out;
  let c = g / n_out;
$bases
  var a0: Acc = $identity;
  var a1: Acc = $identity;
  var a2: Acc = $identity;
  var a3: Acc = $identity;
  let r0 = c * chunk;
  let r1 = min(r0 + chunk, n_red);
  let gend = r1 >> 2u;
  var gb = (r0 >> 2u) + lid;
  for (; gb + ${UM1}u * ${WG}u < gend; gb = gb + ${U}u * ${WG}u) {
$bodies
  }
  for (; gb < gend; gb = gb + ${WG}u) {
$body1
  }
  for (var r = (gend << 2u) + lid; r < r1; r = r + ${WG}u) {
$element
    a0 = comb(a0, e);
  }
  var acc = comb(comb(a0, a1), comb(a2, a3));
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${HALF}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    acc = sh[0];
$finish
  }
$last
}
