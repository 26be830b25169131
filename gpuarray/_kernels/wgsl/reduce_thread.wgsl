// Reduction, one thread per (output, chunk): the thread folds its chunk of the reduction
// sequentially. Outputs vary fastest across threads, so reductions over an outer axis read
// adjacent memory from adjacent threads.
// Expects (string.Template):
//   <prelude>   bindings, load/store functions, helpers, Acc and comb
//   <WG>        workgroup size
//   <meta>      first parameter word of: n_out, n_red, chunk count, chunk length
//   <bases>     statements: per-output base indices B<v> from the output index o
//   <element>   statements: `let e: Acc` for the reduction index r
//   <identity>  identity accumulator
//   <finish>    statements storing `acc` for output o and chunk c
// P[0] holds the number of threads (outputs x chunks).
$prelude

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (t >= P[0]) { return; }
  let n_out = P[$meta];
  let n_red = P[$meta + 1u];
  let chunk = P[$meta + 3u];
  let o = t % n_out;
  let c = t / n_out;
$bases
  var acc: Acc = $identity;
  let r0 = c * chunk;
  let r1 = min(r0 + chunk, n_red);
  for (var r = r0; r < r1; r = r + 1u) {
$element
    acc = comb(acc, e);
  }
$finish
}
