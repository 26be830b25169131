// Reduction, one workgroup per (output, chunk): each thread folds a strided run of the chunk into
// `acc` (the <fold> statements: sequential runs keep float sums accurate), then the workgroup
// combines the threads' results as a tree in shared memory.
// Expects (string.Template): the same names as reduce_thread.wgsl, plus
//   <HALF>      half the workgroup size
//   <elem_fn>   module-scope helpers of the fold (the vec4 fold's `elem`; empty otherwise)
//   <fold>      statements declaring `var acc: Acc`, this thread's fold of its run of chunk c:
//               the element loop (reduce_source) or reduce_group_vec4.wgsl
//   <last>      statements folding the partials in the last workgroup of each output (one pass;
//               empty when the partials are folded by a second pass)
// P[0] holds the number of workgroups (outputs x chunks).
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
  let r0 = c * chunk;
  let r1 = min(r0 + chunk, n_red);
$fold
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
