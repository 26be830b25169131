// Inclusive scan along one axis of short rows, one thread per row: the row's elements folded in
// order (NumPy's sequential loop), each running value stored as it is reached.
// Expects (string.Template): the placeholders of scan.wgsl (without <K>).
// P[0] holds the number of rows.
$prelude

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (o >= P[0]) { return; }
  let n_red = P[$meta + 1u];
$bases
  var run: Acc = $identity;
  for (var r = 0u; r < n_red; r = r + 1u) {
    {  // (the element's and the output's index code declare the same names: one scope each)
$element
      run = comb(run, e);
    }
    {
$index_out
      let v = run;
$store
    }
  }
}
