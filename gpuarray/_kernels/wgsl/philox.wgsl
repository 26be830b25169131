// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), written with
// u32 arithmetic only so that it runs on devices without 64-bit integers.
//
// A draw is described by kc = (key0, key1, counter_lo, counter_hi). Element i of a draw reads
// the 128-bit block at counter (counter_hi:counter_lo) + i / per_block (words 2 and 3 of the
// counter are zero); per_block is 4 for 32-bit variates and 2 for those that need 64 bits.
// Every thread computes its own block, so no state is shared between invocations.

// The 64-bit product a * b as (hi, lo). WGSL has no mulhi: the high word is assembled from
// 16-bit halves whose partial sums cannot overflow a u32.
// (ga_mulhilo32__int64 replaces it where the device has 64-bit integers.)
fn ga_mulhilo32(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = ((a0 * b0) >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let hi = a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

// The same product through one 32x32->64 multiply (a single wide multiply on NVIDIA).
fn ga_mulhilo32__int64(a: u32, b: u32) -> vec2<u32> {
  let p = u64(a) * u64(b);
  return vec2<u32>(u32(p >> 32u), u32(p));
}

// One round: two 32x32->64 products, the words swapped and mixed with the round key.
fn ga__philox_round(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  let m0 = ga_mulhilo32(0xD2511F53u, c.x);
  let m1 = ga_mulhilo32(0xCD9E8D57u, c.z);
  return vec4<u32>(m1.x ^ c.y ^ k.x, m1.y, m0.x ^ c.w ^ k.y, m0.y);
}

// Rounds 2..10 with the key bumped by r times the Weyl constants (0x9E3779B9, 0xBB67AE85),
// written out: the round keys are literals, and no loop is left for the driver to unroll.
fn ga__philox_rounds_2_10(c1: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = c1;
  c = ga__philox_round(c, key + vec2<u32>(0x9E3779B9u, 0xBB67AE85u));
  c = ga__philox_round(c, key + vec2<u32>(0x3C6EF372u, 0x76CF5D0Au));
  c = ga__philox_round(c, key + vec2<u32>(0xDAA66D2Bu, 0x32370B8Fu));
  c = ga__philox_round(c, key + vec2<u32>(0x78DDE6E4u, 0xED9EBA14u));
  c = ga__philox_round(c, key + vec2<u32>(0x1715609Du, 0xA9066899u));
  c = ga__philox_round(c, key + vec2<u32>(0xB54CDA56u, 0x646E171Eu));
  c = ga__philox_round(c, key + vec2<u32>(0x5384540Fu, 0x1FD5C5A3u));
  c = ga__philox_round(c, key + vec2<u32>(0xF1BBCDC8u, 0xDB3D7428u));
  c = ga__philox_round(c, key + vec2<u32>(0x8FF34781u, 0x96A522ADu));
  return c;
}

// Ten rounds (Philox4x32-10).
fn ga_philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  return ga__philox_rounds_2_10(ga__philox_round(ctr, key), key);
}

// Block number `blk` of the draw kc: its counter is the draw's 64-bit base plus blk. Words 2 and 3
// of the counter are zero, so the first round's second product is zero: that round is written
// here with one product (the same result as ga__philox_round).
fn ga_philox_block(blk: u32, kc: vec4<u32>) -> vec4<u32> {
  let lo = kc.z + blk;
  let hi = kc.w + select(0u, 1u, lo < blk);
  let m0 = ga_mulhilo32(0xD2511F53u, lo);
  return ga__philox_rounds_2_10(vec4<u32>(hi ^ kc.x, 0u, m0.x ^ kc.y, m0.y), kc.xy);
}

// [0, 1) from the top 24 bits of a word: every value is exact in f32.
fn ga_u01_f32(w: u32) -> f32 {
  return f32(w >> 8u) * 5.9604644775390625e-8f;
}

// [0, 1) with 53 bits, 27 from a and 26 from b (the res53 construction): exact in f64.
fn ga_u01_f64(a: u32, b: u32) -> f64 {
  return (f64(a >> 5u) * 67108864.0lf + f64(b >> 6u)) * 1.1102230246251565e-16lf;
}

fn ga_rand_uniform_f32(i: u32, kc: vec4<u32>) -> f32 {
  let w = ga_philox_block(i >> 2u, kc);
  return ga_u01_f32(w[i & 3u]);
}

fn ga_rand_uniform_f64(i: u32, kc: vec4<u32>) -> f64 {
  let w = ga_philox_block(i >> 1u, kc);
  if ((i & 1u) == 0u) {
    return ga_u01_f64(w.x, w.y);
  }
  return ga_u01_f64(w.z, w.w);
}

// sin and cos of 2 pi k / 2^24 for a 24-bit k: the quadrant and the remainder are taken in
// integers (exact), so only |r| <= pi/4 reaches the polynomials: no range reduction. Plain f32
// minimax polynomials (Cephes sinf/cosf): at most 2 ulp over all 2^24 k against float64, and
// about a third of the instructions of the double-float kernels of sin/cos, which dominated a
// normal draw. A normal only needs its value to a few ulp (Box-Muller multiplies it by r anyway).
fn ga__sincos_turn_f32(k: u32) -> vec2<f32> {
  let n = (k + 0x200000u) >> 22u;                    // nearest quarter turn, 0..4
  let f = f32(bitcast<i32>(k - (n << 22u))) * 0x1p-24f;  // exact, in [-1/8, 1/8)
  let r = f * 6.2831853071795865f;
  let z = r * r;
  let sr = r + r * z * (-1.6666654611e-1f + z * (8.3321608736e-3f + z * -1.9515295891e-4f));
  let cr = (1.0f - 0.5f * z) + z * z * (4.166664568298827e-2f + z * (-1.388731625493765e-3f
    + z * 2.443315711809948e-5f));
  let q = n & 3u;
  let sv = select(sr, cr, (q & 1u) == 1u);
  let cv = select(cr, sr, (q & 1u) == 1u);
  return vec2<f32>(select(sv, -sv, q >= 2u), select(cv, -cv, q == 1u || q == 2u));
}

// Box-Muller: the pair of uniforms from words (a, b) gives the two normals (r cos t, r sin t),
// t = 2 pi u(b). 1 - u(a) lies in (0, 1], so the logarithm is finite.
fn ga_box_muller_f32(a: u32, b: u32) -> vec2<f32> {
  let r = sqrt(-2.0f * ga__log_normal_f32(1.0f - ga_u01_f32(a)));  // 1 - u in [2^-24, 1]: normal
  let sc = ga__sincos_turn_f32(b >> 8u);
  return vec2<f32>(r * sc.y, r * sc.x);
}

fn ga_rand_normal_f32(i: u32, kc: vec4<u32>) -> f32 {
  let w = ga_philox_block(i >> 2u, kc);
  let p = i & 2u;
  let z = ga_box_muller_f32(w[p], w[p + 1u]);
  return select(z.y, z.x, (i & 1u) == 0u);
}

// float64 normals with the library's f64 log/cos/sin (the driver's f64 transcendentals are wrong).
fn ga_rand_normal_f64(i: u32, kc: vec4<u32>) -> f64 {
  let w = ga_philox_block(i >> 1u, kc);
  let r = sqrt(-2.0lf * ga_log_f64(1.0lf - ga_u01_f64(w.x, w.y)));
  let t = 6.283185307179586lf * ga_u01_f64(w.z, w.w);
  if ((i & 1u) == 0u) {
    return r * ga_cos_f64(t);
  }
  return r * ga_sin_f64(t);
}

// float64 normals when the library has no f64 log/cos/sin: the same 53-bit uniforms, but the
// transcendentals run in f32 and are widened (values carry f32 relative error, ~1e-7).
fn ga_rand_normal_f64_via_f32(i: u32, kc: vec4<u32>) -> f64 {
  let w = ga_philox_block(i >> 1u, kc);
  let u1 = 1.0lf - ga_u01_f64(w.x, w.y);
  let r = sqrt(-2.0lf * f64(ga_log_f32(f32(u1))));
  let t = f32(6.283185307179586lf * ga_u01_f64(w.z, w.w));
  if ((i & 1u) == 0u) {
    return r * f64(ga_cos_f32(t));
  }
  return r * f64(ga_sin_f32(t));
}

// low + floor(x * range / 2^64) as (lo, hi) words, x the element's 64 random bits; range 0
// stands for 2^64. The bias of this multiply-shift mapping is at most range / 2^64.
fn ga_rand_bounded(i: u32, kc: vec4<u32>, range: vec2<u32>, low: vec2<u32>) -> vec2<u32> {
  let w = ga_philox_block(i >> 1u, kc);
  var xh = w.x;
  var xl = w.y;
  if ((i & 1u) == 1u) {
    xh = w.z;
    xl = w.w;
  }
  var res = vec2<u32>(xl, xh);
  if (range.x != 0u || range.y != 0u) {
    // 128-bit product by 32-bit limbs; only the carries of bits 32..63 reach the top half
    let p0 = ga_mulhilo32(xl, range.x);
    let p1 = ga_mulhilo32(xh, range.x);
    let p2 = ga_mulhilo32(xl, range.y);
    let p3 = ga_mulhilo32(xh, range.y);
    let s1 = p0.x + p1.y;
    let s1b = s1 + p2.y;
    let c1 = select(0u, 1u, s1 < p0.x) + select(0u, 1u, s1b < s1);
    let s2 = p1.x + p2.x;
    let s2b = s2 + p3.y;
    let s2c = s2b + c1;
    let c2 = select(0u, 1u, s2 < p1.x) + select(0u, 1u, s2b < s2) + select(0u, 1u, s2c < s2b);
    res = vec2<u32>(s2c, p3.x + c2);
  }
  let lo = res.x + low.x;
  return vec2<u32>(lo, res.y + low.y + select(0u, 1u, lo < res.x));
}

fn ga_rand_int_i32(i: u32, kc: vec4<u32>, range: vec2<u32>, low: vec2<u32>) -> i32 {
  return bitcast<i32>(ga_rand_bounded(i, kc, range, low).x);
}

fn ga_rand_int_u32(i: u32, kc: vec4<u32>, range: vec2<u32>, low: vec2<u32>) -> u32 {
  return ga_rand_bounded(i, kc, range, low).x;
}

fn ga_rand_int_u64(i: u32, kc: vec4<u32>, range: vec2<u32>, low: vec2<u32>) -> u64 {
  let v = ga_rand_bounded(i, kc, range, low);
  return (u64(v.y) << 32u) | u64(v.x);
}

fn ga_rand_int_i64(i: u32, kc: vec4<u32>, range: vec2<u32>, low: vec2<u32>) -> i64 {
  return bitcast<i64>(ga_rand_int_u64(i, kc, range, low));
}

// Element i's own sub-stream, for samplers that draw until they accept (random_samplers.wgsl):
// try t reads the block at counter (base + i, t). The draws that read one block per element use
// only t = 0's counters, so two draws never share a block.
fn ga__philox_sub(i: u32, t: u32, kc: vec4<u32>) -> vec4<u32> {
  let lo = kc.z + i;
  let hi = kc.w + select(0u, 1u, lo < i);
  return ga_philox4x32(vec4<u32>(lo, hi, t, 0u), kc.xy);
}

// Four uniforms in [0, 1) for try t of element i: one block (24 bits each) ...
fn ga__rand4_f32(i: u32, t: u32, kc: vec4<u32>) -> vec4<f32> {
  let w = ga__philox_sub(i, t, kc);
  return vec4<f32>(ga_u01_f32(w.x), ga_u01_f32(w.y), ga_u01_f32(w.z), ga_u01_f32(w.w));
}

// ... or two blocks (53 bits each).
fn ga__rand4_f64(i: u32, t: u32, kc: vec4<u32>) -> vec4<f64> {
  let a = ga__philox_sub(i, 2u * t, kc);
  let b = ga__philox_sub(i, 2u * t + 1u, kc);
  return vec4<f64>(ga_u01_f64(a.x, a.y), ga_u01_f64(a.z, a.w), ga_u01_f64(b.x, b.y), ga_u01_f64(b.z, b.w));
}

// Integers in [low, top] with per-element bounds (one counter per element, see ga__philox_sub:
// its block's first 64 bits): low + floor(x * range / 2^64), range = top - low + 1 taken modulo
// 2^64 (0 stands for 2^64), as ga_rand_bounded.
fn ga_rand_intrange_i64(i: u32, kc: vec4<u32>, low: i64, top: i64) -> i64 {
  let range = bitcast<u64>(top) - bitcast<u64>(low) + 1lu;
  let lo = bitcast<u64>(low);
  let v = ga_rand_bounded(2u * i, kc, vec2<u32>(u32(range), u32(range >> 32u)), vec2<u32>(u32(lo), u32(lo >> 32u)));
  return bitcast<i64>((u64(v.y) << 32u) | u64(v.x));
}
