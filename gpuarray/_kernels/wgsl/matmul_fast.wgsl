// Register-tiled matmul for float32 / float64 (the fast path of contract_into).
// A workgroup computes a BM x BN tile of C over one K range (split-K: one range per split),
// staging BK-deep slices of A and B in workgroup memory, two buffers (the next slice is
// fetched into registers while the current one is multiplied: one barrier per slice).
// Each of the NT threads accumulates an RM x RN micro-tile held in vec4 registers, made of
// 4 x 4 blocks strided by the thread grid (vec4 reads of workgroup memory, coalesced stores).
// Operands are read through their strides; the load pattern follows the unit stride
// (runtime flags: the same kernel serves transposed operands, coalesced either way).
// The loops over the slice and the micro-tile are unrolled by the generator (LOAD, STORE,
// COMPUTE, WRITE blocks) so that no private array is indexed.
//
// Words after the batch dims (XW = 15 + 4 * NB):
//   XW+0 splits S   XW+1 K per split (multiple of BK)   XW+2 C stride between splits
//   XW+3 tiles per (batch, split)   XW+4 1: upper block triangle only (C symmetric)
//   XW+5 1: write the mirror of off-diagonal tiles too   XW+6 A k-fast   XW+7 B k-fast
$common

const BM = ${BM}u;
const BN = ${BN}u;
const BK = ${BK}u;
const TX = ${TX}u;  // threads along n
const TY = ${TY}u;  // threads along m
const AP = ${AP}u;  // row of As in vec4 (BM + 4 elements: conflict-free transposed stores)
const BP = ${BP}u;
const XW = ${XW}u;
const GM = 8u;      // tile rows per group (L2 reuse of B panels)

var<workgroup> As: array<vec4<$CT>, ${ASZ}>;  // [buffer][k][m / 4]
var<workgroup> Bs: array<vec4<$CT>, ${BSZ}>;  // [buffer][k][n / 4]

fn tile_coords(t: u32) -> vec2<u32> {
  let tn_count = P[4];
  let tm_count = P[5];
  if (P[XW + 4u] != 0u) {  // upper block triangle, row by row
    var r = 0u;
    var rem = t;
    loop {
      let w = tm_count - r;
      if (rem < w) { break; }
      rem -= w;
      r++;
    }
    return vec2<u32>(r, r + rem);
  }
  let per = GM * tn_count;
  let first = (t / per) * GM;
  let gsz = min(tm_count - first, GM);
  let w = t % per;
  return vec2<u32>(first + w % gsz, w / gsz);
}

@compute @workgroup_size($NT)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= P[0]) { return; }  // uniform per workgroup
  let M = P[1];
  let N = P[2];
  let K = P[3];
  let S = P[XW];
  let ntiles = P[XW + 3u];
  let t = g % ntiles;
  let rest = g / ntiles;
  let s = rest % S;
  let o = batch_origin(rest / S);
  let tc = tile_coords(t);
  let m0 = tc.x * BM;
  let n0 = tc.y * BN;
  let kb = s * P[XW + 1u];
  let ke = min(K, kb + P[XW + 1u]);
  let sam = sp(7u);
  let sak = sp(8u);
  let sbk = sp(10u);
  let sbn = sp(11u);
  let afk = P[XW + 6u] != 0u;
  let bfk = P[XW + 7u] != 0u;
  let tx = lid % TX;
  let ty = lid / TX;
  // this thread's first element of each staged tile, for both load patterns
  let am = select(lid % BM, lid / BK, afk);
  let ak = select(lid / BM, lid % BK, afk);
  let bn = select(lid % BN, lid / BK, bfk);
  let bk = select(lid / BN, lid % BK, bfk);
  let pa = o.x + i32(m0 + am) * sam + i32(ak) * sak;
  let pb = o.y + i32(n0 + bn) * sbn + i32(bk) * sbk;
$DECL
  var buf = 0u;
  if (kb < ke) {
    let kl = kb;
$LOAD
$STORE
  }
  workgroupBarrier();
  for (var k0 = kb; k0 < ke; k0 += BK) {
    let nxt = k0 + BK < ke;
    if (nxt) {
      let kl = k0 + BK;
$LOAD
    }
    let ab = buf * (BK * AP);
    let bb = buf * (BK * BP);
$COMPUTE
    if (nxt) {
      buf ^= 1u;
$STORE
    }
    workgroupBarrier();
  }

  let cz = o.z + i32(s * P[XW + 2u]);
  let scm = sp(13u);
  let scn = sp(14u);
  let mirror = P[XW + 5u] != 0u && tc.x != tc.y;
$WRITE
}
