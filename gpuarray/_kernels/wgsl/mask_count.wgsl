// Boolean-mask compaction, pass 1 of 3: the number of true elements in each block of
// $$WG mask elements. Expects: $$WG (workgroup size, a power of two).
// P[0] = n (mask elements), P[1] = the mask's element offset.
// b0: the mask, packed bool bytes (4 per u32 word); b1: one count per block (u32).
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> b0: array<u32>;
@group(0) @binding(2) var<storage, read_write> b1: array<u32>;

var<workgroup> part: array<u32, $WG>;

fn flag(i: u32) -> u32 {
  if (i >= P[0]) { return 0u; }
  let j = P[1] + i;
  return select(0u, 1u, ((b0[j / 4u] >> ((j % 4u) * 8u)) & 0xffu) != 0u);
}

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  part[lid] = flag(g * ${WG}u + lid);
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = part[lid] + part[lid + s]; }
    workgroupBarrier();
  }
  // blocks past the last one exist only when the grid is folded into two dimensions
  if (lid == 0u && g * ${WG}u < P[0]) { b1[g] = part[0]; }
}
