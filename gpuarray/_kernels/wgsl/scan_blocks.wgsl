// Boolean-mask compaction, pass 2 of 3: an exclusive prefix sum, in place, of the block
// counts, run by one workgroup that walks them in chunks of $$WG; the total goes to
// element nb. Expects: $$WG (workgroup size, a power of two).
// P[0] = nb (number of blocks). b0: nb + 1 u32 words.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> b0: array<u32>;

var<workgroup> sh: array<u32, $WG>;

@compute @workgroup_size($WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let nb = P[0];
  var base = 0u;
  for (var start = 0u; start < nb; start = start + ${WG}u) {
    let i = start + lid;
    var v = 0u;
    if (i < nb) { v = b0[i]; }
    sh[lid] = v;
    workgroupBarrier();
    for (var off = 1u; off < ${WG}u; off = off * 2u) {
      var t = 0u;
      if (lid >= off) { t = sh[lid - off]; }
      workgroupBarrier();
      sh[lid] = sh[lid] + t;
      workgroupBarrier();
    }
    if (i < nb) { b0[i] = base + sh[lid] - v; }
    base = base + sh[${WG}u - 1u];
    workgroupBarrier();
  }
  if (lid == 0u) { b0[nb] = base; }
}
