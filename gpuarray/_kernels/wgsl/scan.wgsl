// Inclusive scan along one axis, one workgroup per row. The row is walked in blocks of
// <WG> x <K> elements: each thread scans its <K> consecutive elements sequentially, the workgroup
// scans the threads' totals in shared memory, and each thread writes its elements offset by the
// running total of the earlier blocks and threads.
// Expects (string.Template):
//   <prelude>   bindings, load/store functions, helpers, Acc and comb
//   <WG>, <K>    workgroup size, elements per thread per block
//   <meta>      first parameter word of: n_rows, row length
//   <bases>     statements: per-row base indices B<v> from the row index o
//   <element>   statements: `let e: Acc` for position r along the row
//   <index_out> statements: `let j: u32` (output element index) for position r
//   <identity>  identity accumulator
//   <store>     statement storing `v: Acc` at output element j
// P[0] holds the number of rows.
$prelude

var<workgroup> sh: array<Acc, $WG>;

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= P[0]) { return; }
  let n_red = P[$meta + 1u];
$bases
  var carry: Acc = $identity;
  for (var b = 0u; b < n_red; b = b + ${WG}u * ${K}u) {
    var loc: array<Acc, $K>;
    var run: Acc = $identity;
    let first = b + lid * ${K}u;
    for (var q = 0u; q < ${K}u; q = q + 1u) {
      let r = first + q;
      if (r < n_red) {
$element
        run = comb(run, e);
      }
      loc[q] = run;
    }
    sh[lid] = run;
    workgroupBarrier();
    for (var s = 1u; s < ${WG}u; s = s << 1u) {
      var x: Acc = $identity;
      if (lid >= s) { x = sh[lid - s]; }
      workgroupBarrier();
      if (lid >= s) { sh[lid] = comb(x, sh[lid]); }
      workgroupBarrier();
    }
    var pre = carry;
    if (lid > 0u) { pre = comb(carry, sh[lid - 1u]); }
    for (var q = 0u; q < ${K}u; q = q + 1u) {
      let r = first + q;
      if (r < n_red) {
$index_out
        let v = comb(pre, loc[q]);
$store
      }
    }
    carry = comb(carry, sh[${WG}u - 1u]);
    workgroupBarrier();
  }
}
