// f32math.wgsl -- float32 elementary functions in pure f32/u32 WGSL (no shader-f64 needed).
//
// Why: lavapipe's f32 builtins are far off (exp/log ~1e7 ULP near the ends of their range, sin/cos/tan
// ~2e9 ULP for large arguments, atan2/pow/asinh/acosh break special values); bench/accuracy.md has the
// table. WGSL also lacks expm1, log1p, log10, cbrt, hypot, logaddexp. `sqrt` is used as is (H200: see below).
// Requires: nothing beyond core WGSL. No bindings, no entry points: prepend this text to a kernel
// (or only the functions it reaches: every name starts with `ga_` / `GA_`).
// Public:  ga_<name>_f32 with NumPy/C99 special values (inf, NaN, signed zeros, subnormals).
// Private: ga__*_f32 helpers and GA__F32_* constants (distinct from f64math.wgsl's, both can be included).
// Same driver traps as f64math.wgsl (see its header): no reliance on a fused or unfused fma (exact products
// by Dekker's split), every error-free transformation fenced step by step with ga__opq_f32 (not an identity,
// so the compiler cannot re-associate across it), corrected quotients/roots fenced, Taylor polynomials for
// small arguments of expm1, log1p, asinh, atanh. On the H200 f32 `/` and `sqrt` are not correctly rounded
// (about 1 in 3 results off by an ulp; lavapipe's are exact): every quotient or root that matters is
// followed by an exact-residual correction.
// Subnormals: the NVIDIA driver (H200, Vulkan) flushes f32 subnormals to zero in every float instruction,
// comparisons included (naga asks for no DenormPreserve), lavapipe keeps them (f64 is not flushed). So every f32 value that may
// be subnormal is only tested, scaled, ordered or produced through its bits: ga__iszero_f32/ga__isneg_f32,
// ga__ldexp_f32/ga__ldexp2_f32 (integer scaling with correct rounding into the subnormal range), and
// subnormal inputs are normalised with an integer -> float conversion (exact) before any arithmetic.
// A "ff" (float-float) is vec2<f32>(hi, lo). Polynomials are minimax (Remez, relative error) fits.
// Accuracy (bench/accuracy.md): every function within 1 ULP on lavapipe and on the H200.

const GA__F32_ABS: u32 = 0x7fffffffu;
const GA__F32_SIGN: u32 = 0x80000000u;
const GA__F32_EXP: u32 = 0x7f800000u;
const GA__F32_LN2_HI: f32 = 0.6931471824645996f;       // ln2 = HI + LO (ff)
const GA__F32_LN2_LO: f32 = -1.9046542121259336e-09f;
const GA__F32_LN2_C1: f32 = 0.693145751953125f;        // 15 significant bits: k * C1 exact for |k| < 512
const GA__F32_LN2_C2: f32 = 1.4286068203094173e-06f;
const GA__F32_LOG2E_HI: f32 = 1.4426950216293335f;
const GA__F32_LOG2E_LO: f32 = 1.925963033500011e-08f;
const GA__F32_LOG10E_HI: f32 = 0.4342944920063019f;
const GA__F32_LOG10E_LO: f32 = -1.0103049952192578e-08f;
const GA__F32_LOG10_2_HI: f32 = 0.3010300099849701f;
const GA__F32_LOG10_2_LO: f32 = -1.432098883924482e-08f;
const GA__F32_PIO2_HI: f32 = 1.5707963705062866f;      // pi/2 = HI + LO + C3
const GA__F32_PIO2_LO: f32 = -4.371138828673793e-08f;
const GA__F32_PIO2_C3: f32 = -1.7151245100058819e-15f;
const GA__F32_PI_HI: f32 = 3.1415927410125732f;
const GA__F32_PI_LO: f32 = -8.742277657347586e-08f;
const GA__F32_PIO4_HI: f32 = 0.7853981852531433f;
const GA__F32_PIO4_LO: f32 = -2.1855694143368964e-08f;

// 2/pi in base 2^32 (same table as f64math.wgsl), read here as 16-bit chunks
const GA__F32_TWO_OVER_PI_BITS = array<u32, 12>(
  0xA2F9836Eu, 0x4E441529u, 0xFC2757D1u, 0xF534DDC0u, 0xDB629599u, 0x3C439041u, 0xFE5163ABu, 0xDEBBC561u,
  0xB7246E3Au, 0x424DD2E0u, 0x06492EEAu, 0x09D1921Cu);

// ---------------------------------------------------------------------------------------------------
// bit helpers and error-free transformations

fn ga__isnan_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_ABS) > GA__F32_EXP; }
fn ga__isinf_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_ABS) == GA__F32_EXP; }
fn ga__isfinite_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_ABS) < GA__F32_EXP; }
fn ga__nan_f32() -> f32 { return bitcast<f32>(0x7fc00000u); }
fn ga__inf_f32() -> f32 { return bitcast<f32>(GA__F32_EXP); }
fn ga__copysign_f32(x: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(x) & GA__F32_ABS) | (bitcast<u32>(s) & GA__F32_SIGN));
}
// 2^k for -126 <= k <= 127
fn ga__pow2i_f32(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }
// x * 2^k rounded once (ties to even), for any x and k, computed on the bits only (no subnormal float
// arithmetic, see the header). x + l (|l| <= ulp(x)/2, l may be 0) is the value to round: l only decides
// exact ties when the result is subnormal.
fn ga__ldexp2_f32(x: f32, l: f32, k: i32) -> f32 {
  let b = bitcast<u32>(x);
  let sgn = b & GA__F32_SIGN;
  let a = b & GA__F32_ABS;
  if (a == 0u || a >= GA__F32_EXP) { return x; }
  var m = a & 0x7fffffu;
  var e = i32(a >> 23u);
  if (e == 0) {                                      // subnormal x: normalise the significand
    let sh = i32(countLeadingZeros(m)) - 8;
    m = m << u32(sh);
    e = 1 - sh;
  } else {
    m = m | 0x800000u;
  }
  let ne = e + clamp(k, -400, 400);
  if (ne >= 255) { return bitcast<f32>(sgn | GA__F32_EXP); }
  if (ne >= 1) { return bitcast<f32>(sgn | (u32(ne) << 23u) | (m & 0x7fffffu)); }
  if (ne < -23) { return bitcast<f32>(sgn); }       // below half the smallest subnormal
  let sh = u32(1 - ne);                              // 1..24 bits dropped
  let q = m >> sh;
  let rem = m & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  var up = rem > half;
  if (rem == half) {
    let lb = bitcast<u32>(l);
    up = select((lb & GA__F32_SIGN) == sgn, (q & 1u) == 1u, (lb & GA__F32_ABS) == 0u);
  }
  return bitcast<f32>(sgn | (q + select(0u, 1u, up)));
}
fn ga__ldexp_f32(x: f32, k: i32) -> f32 { return ga__ldexp2_f32(x, 0.0f, k); }
// bit-level tests (valid also for subnormals, which the H200 flushes in float comparisons)
fn ga__iszero_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_ABS) == 0u; }
fn ga__issub_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_EXP) == 0u; }   // subnormal or zero
// x < 0 (NaN not excluded: test that first)
fn ga__isneg_f32(x: f32) -> bool { return (bitcast<u32>(x) & GA__F32_SIGN) != 0u && !ga__iszero_f32(x); }
fn ga__abs_f32(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & GA__F32_ABS); }
// the larger / smaller of two non-NaN x, y, as bits (so subnormals are ordered too)
fn ga__ord_f32(x: f32) -> i32 {
  let b = bitcast<u32>(x);
  return select(i32(b), -i32(b & GA__F32_ABS), (b & GA__F32_SIGN) != 0u);
}
fn ga__max_f32(x: f32, y: f32) -> f32 { return select(y, x, ga__ord_f32(x) > ga__ord_f32(y)); }
fn ga__min_f32(x: f32, y: f32) -> f32 { return select(x, y, ga__ord_f32(x) > ga__ord_f32(y)); }
// optimisation barrier: x unchanged except NaNs with payload bits 0 and 1 set (bit 1 flipped, still NaN);
// not an identity, so no compiler can see through it (see ga__opq in f64math.wgsl)
fn ga__opq_f32(x: f32) -> f32 {
  let i = bitcast<u32>(x);
  return bitcast<f32>(select(i, i ^ 2u, (i & 0x7f800003u) == 0x7f800003u));
}
fn ga__two_sum_f32(a0: f32, b0: f32) -> vec2<f32> {
  let a = ga__opq_f32(a0);
  let b = ga__opq_f32(b0);
  let s = ga__opq_f32(a + b);
  let bb = ga__opq_f32(s - a);
  let aa = ga__opq_f32(s - bb);
  return vec2<f32>(s, ga__opq_f32(ga__opq_f32(a - aa) + ga__opq_f32(b - bb)));
}
fn ga__fast_two_sum_f32(a0: f32, b0: f32) -> vec2<f32> {
  let a = ga__opq_f32(a0);
  let b = ga__opq_f32(b0);
  let s = ga__opq_f32(a + b);
  return vec2<f32>(s, ga__opq_f32(b - ga__opq_f32(s - a)));
}
// Veltkamp split of a fenced a (|a| < 2^114): 12 + 12 bits
fn ga__split_f32(a: f32) -> vec2<f32> {
  let c = ga__opq_f32(4097.0f * a);
  let h = ga__opq_f32(c - ga__opq_f32(c - a));
  return vec2<f32>(h, ga__opq_f32(a - h));
}
fn ga__two_prod_f32(a0: f32, b0: f32) -> vec2<f32> {
  let a = ga__opq_f32(a0);
  let b = ga__opq_f32(b0);
  let p = ga__opq_f32(a * b);
  let x = ga__split_f32(a);
  let y = ga__split_f32(b);
  var e = ga__opq_f32(x.x * y.x - p);
  e = ga__opq_f32(e + x.x * y.y);
  e = ga__opq_f32(e + x.y * y.x);
  return vec2<f32>(p, ga__opq_f32(e + x.y * y.y));
}
// a - b * c, exactly rounded once, for a ~ b * c
// The quotient/root b must be fenced (b = ga__opq(a / c)) wherever it is then summed with the correction
// resid / c: the NVIDIA compiler rewrites q + r / c with q = a / c as (a + r) / c, which loses r (tan, tanh
// were 2 ULP off); with a fenced q it cannot. (There the f32 / and sqrt are also not correctly rounded: the
// correction repairs that, as long as every use sees the same q.)
fn ga__resid_f32(a: f32, b: f32, c: f32) -> f32 {
  let p = ga__two_prod_f32(b, c);
  return ga__opq_f32(ga__opq_f32(a) - p.x) - p.y;
}

// ---------------------------------------------------------------------------------------------------
// exp family

// exp(r) - 1 for r = rh + rl, |rh| <= 0.35, returned as ff (rh, rest): r + r^2/2 + r^3 P(r),
// P minimax degree 4 (rel. err 4.7e-8, weight <= 0.01).
fn ga__expm1_kernel_f32(rh: f32, rl: f32) -> vec2<f32> {
  let p = rh * rh * rh * (0.16666666629275495f + rh * (0.04166655469488302f + rh * (0.008333345807619739f
    + rh * (0.0013926181564479561f + rh * 0.00019861963920671466f))));
  return vec2<f32>(rh, 0.5f * rh * rh + p + rl * (1.0f + rh));
}

// exp(xh + xl) = (mh + ml) 2^k for |xh| <= 104: k = round(x/ln2), r = x - k ln2 (15-bit ln2 head,
// exact product) kept as ff, mantissa 1 + expm1(r) as ff. Returns (mh, ml, k).
fn ga__exp_core_f32(xh: f32, xl: f32) -> vec3<f32> {
  let kf = floor(xh * GA__F32_LOG2E_HI + 0.5f);
  var r = ga__two_sum_f32(xh - kf * GA__F32_LN2_C1, -kf * GA__F32_LN2_C2);
  r = ga__fast_two_sum_f32(r.x, r.y + xl);
  let e = ga__expm1_kernel_f32(r.x, r.y);
  var m = ga__fast_two_sum_f32(1.0f, e.x);
  m = ga__fast_two_sum_f32(m.x, m.y + e.y);
  return vec3<f32>(m.x, m.y, kf);
}

// exp(x). Special: NaN -> NaN, +inf -> +inf, -inf -> +0, overflow above 88.72 -> inf, gradual underflow.
// One reduction and polynomial for all x in [-104, 89]: Cody-Waite with a 12-bit ln2 head (k * C1
// exact without fma for |k| <= 151), the reduced argument fenced so no compiler folds the two steps
// back into one (that costs ~|k| ulp), degree-7 Taylor polynomial (|r| <= 0.347: truncation 5e-9
// relative). Results in the normal range take 2^k through the exponent bits; the rest (overflow
// and subnormal results, |x| >= 87) go through ga__ldexp2 on the bits, which rounds once. No second
// (double-float) evaluation: every exp in a fused kernel carries this code, and the one
// polynomial is accurate enough everywhere. Measured <= 1 ulp (lavapipe).
fn ga_exp_f32(x: f32) -> f32 {
  let xc = clamp(x, -104.0f, 89.0f);
  let k = floor(xc * 1.4426950408889634f + 0.5f);
  let r = ga__opq_f32(xc - k * 0.693145751953125f) - k * 1.4286068203094173e-06f;
  let p = 1.0f + r * (1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f
    + r * (0.0013888889f + r * 0.0001984127f))))));
  if (abs(x) < 87.0f) {
    return p * bitcast<f32>(u32(i32(k) + 127) << 23u);
  }
  if (ga__isnan_f32(x)) { return x + x; }
  if (x > 89.0f) { return ga__inf_f32(); }
  if (x < -104.0f) { return 0.0f; }
  return ga__ldexp2_f32(p, 0.0f, i32(k));
}

// exp2(x) = 2^k exp(t ln2), k = round(x), t = x - k exact, t ln2 as ff. Exact for integer x.
fn ga_exp2_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  if (x >= 128.0f) { return ga__inf_f32(); }
  if (x < -151.0f) { return 0.0f; }
  let kf = floor(x + 0.5f);
  let t = x - kf;
  var th = ga__two_prod_f32(t, GA__F32_LN2_HI);
  let c = ga__exp_core_f32(th.x, th.y + t * GA__F32_LN2_LO);
  return ga__ldexp2_f32(c.x, c.y, i32(kf) + i32(c.z));
}

// expm1(x): 2^k (1 + e) - 1 = (2^k - 1) + 2^k e with e = expm1(r) as ff and (2^k - 1) exact.
// |x| < 2^-6: Taylor series (no cancellation, no error-free transformation).
// Special: NaN -> NaN, +inf -> +inf, -inf -> -1, |x| < 2^-25 -> x (keeps -0.0), x < -18 -> -1.
fn ga_expm1_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  if (x > 18.0f) { return ga_exp_f32(x); }
  if (x < -18.0f) { return -1.0f; }
  if (abs(x) < 0x1p-25f) { return x; }
  if (abs(x) < 0x1p-6f) {                            // Taylor to x^5 (next term < 2^-39 relative)
    return x + x * x * (0.5f + x * (0.16666667f + x * (0.041666668f + x * 0.008333334f)));
  }
  let kf = floor(x * GA__F32_LOG2E_HI + 0.5f);
  var r = ga__two_sum_f32(x - kf * GA__F32_LN2_C1, -kf * GA__F32_LN2_C2);
  let e = ga__expm1_kernel_f32(r.x, r.y);
  let k = i32(kf);
  let t = ga__pow2i_f32(k);
  var s = ga__two_sum_f32(t - 1.0f, t * e.x);
  return s.x + (s.y + t * e.y);
}

// ---------------------------------------------------------------------------------------------------
// log family

// log(1 + f) as ff for ff f with f in [sqrt(1/2) - 1, sqrt(2) - 1]: s = f/(2+f) in ff,
// log = 2s + s^3 (2/3 + z Q(z)), z = s^2, Q minimax degree 2 (LOGR fit), the 2/3 term in ff: ~2^-36.
fn ga__log1p_core_f32(fh: f32, fl: f32) -> vec2<f32> {
  var d = ga__fast_two_sum_f32(2.0f, fh);
  d.y = d.y + fl;
  let sh = ga__opq_f32(fh / d.x);                       // fenced, see ga__resid
  let sl = (ga__resid_f32(fh, sh, d.x) + fl - sh * d.y) / d.x;
  let z = ga__two_prod_f32(sh, sh);
  let zl = z.y + 2.0f * sh * sl;
  let t = z.x * (0.4000012213025553f + z.x * (0.28550793660363005f + z.x * 0.2333110085233894f));
  var p = ga__two_sum_f32(0.6666666865348816f, t);
  p.y = p.y - 1.9868215517249155e-08f;
  var c = ga__two_prod_f32(sh, z.x);
  c.y = c.y + sh * zl + sl * z.x;
  var b = ga__two_prod_f32(c.x, p.x);
  b.y = b.y + c.x * p.y + c.y * p.x;
  var r = ga__two_sum_f32(2.0f * sh, b.x);
  r.y = r.y + 2.0f * sl + b.y;
  return ga__fast_two_sum_f32(r.x, r.y);
}

// positive finite ff x -> (k, Lh, Ll) with log x = k ln2 + L; a subnormal head m 2^-149 is read as the
// integer m (exact conversion, no subnormal arithmetic)
fn ga__log_parts_f32(xh: f32, xl: f32) -> vec3<f32> {
  var h = xh;
  var l = xl;
  var k = 0;
  if (ga__issub_f32(h)) { h = f32(bitcast<u32>(h)); l = 0.0f; k = -149; }   // exact: h = m 2^-149
  let bits = bitcast<u32>(h);
  k = k + i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  var ml = ga__ldexp_f32(l, -k);
  if (m > 1.4142135f) { m = 0.5f * m; ml = 0.5f * ml; k = k + 1; }
  let f = ga__two_sum_f32(m - 1.0f, ml);
  let L = ga__log1p_core_f32(f.x, f.y);
  return vec3<f32>(f32(k), L.x, L.y);
}

fn ga__log_ff_f32(xh: f32, xl: f32) -> vec2<f32> {
  let p = ga__log_parts_f32(xh, xl);
  var a = ga__two_prod_f32(p.x, GA__F32_LN2_HI);
  a.y = a.y + p.x * GA__F32_LN2_LO;
  var r = ga__two_sum_f32(a.x, p.y);
  r.y = r.y + a.y + p.z;
  return ga__fast_two_sum_f32(r.x, r.y);
}

fn ga__log1p_ff_f32(x: f32) -> vec2<f32> {
  if (x > -0.29289323f && x < 0.41421357f) { return ga__log1p_core_f32(x, 0.0f); }
  let u = ga__two_sum_f32(1.0f, x);
  return ga__log_ff_f32(u.x, u.y);
}

// log(x) for positive normal x only (the classic single-precision scheme): x = 2^k (1 + f) with
// 1 + f in [sqrt(1/2), sqrt(2)), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)),
// R minimax degree 4 in s^2; k ln2 in two parts. No error-free step, so no fence is needed.
// ga_log_f32's fast path; callers whose argument is known to be positive and normal (Box-Muller)
// call it directly: the special-value paths would be dead code there, and in a fused kernel they
// still cost (a montecarlo step at a low GPU clock: ~9%, bench/fusion_notes.md).
fn ga__log_normal_f32(x: f32) -> f32 {
  let ix = bitcast<u32>(x);
  let m = ix & 0x007fffffu;
  let hi = (m + 0x004afb0du) & 0x00800000u;      // set when 1.m >= sqrt(2): halve it, k + 1
  let f = bitcast<f32>(m | (hi ^ 0x3f800000u)) - 1.0f;
  let k = f32(i32(ix >> 23u) - 127 + i32(hi >> 23u));
  let s = f / (2.0f + f);
  let z = s * s;
  let w = z * z;
  let r = z * (0.66666662693f + w * 0.28498786688f) + w * (0.40000972152f + w * 0.24279078841f);
  let hfsq = 0.5f * f * f;
  return k * 0.69313812256f - ((hfsq - (s * (hfsq + r) + k * 9.0580006145e-06f)) - f);
}

// log(x). Special: x < 0 -> NaN, +/-0 -> -inf, +inf -> +inf, NaN -> NaN, log(1) = +0.
fn ga_log_f32(x: f32) -> f32 {
  let ix = bitcast<u32>(x);
  if (ix >= 0x00800000u && ix < 0x7f800000u) {
    return ga__log_normal_f32(x);
  }
  if (ga__isnan_f32(x) || ga__isneg_f32(x)) { return ga__nan_f32(); }
  if (ga__iszero_f32(x)) { return -ga__inf_f32(); }
  if (ga__isinf_f32(x)) { return x; }
  let r = ga__log_ff_f32(x, 0.0f);
  return r.x + r.y;
}

// log2(x) = k + log(m) log2(e) (ff product): exact for powers of two. Specials as log.
fn ga_log2_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x) || ga__isneg_f32(x)) { return ga__nan_f32(); }
  if (ga__iszero_f32(x)) { return -ga__inf_f32(); }
  if (ga__isinf_f32(x)) { return x; }
  let p = ga__log_parts_f32(x, 0.0f);
  var t = ga__two_prod_f32(p.y, GA__F32_LOG2E_HI);
  t.y = t.y + p.y * GA__F32_LOG2E_LO + p.z * GA__F32_LOG2E_HI;
  let r = ga__two_sum_f32(p.x, t.x);
  return r.x + (r.y + t.y);
}

// log10(x) = k log10(2) + log(m) log10(e), both in ff. Specials as log.
fn ga_log10_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x) || ga__isneg_f32(x)) { return ga__nan_f32(); }
  if (ga__iszero_f32(x)) { return -ga__inf_f32(); }
  if (ga__isinf_f32(x)) { return x; }
  let p = ga__log_parts_f32(x, 0.0f);
  var a = ga__two_prod_f32(p.x, GA__F32_LOG10_2_HI);
  a.y = a.y + p.x * GA__F32_LOG10_2_LO;
  var t = ga__two_prod_f32(p.y, GA__F32_LOG10E_HI);
  t.y = t.y + p.y * GA__F32_LOG10E_LO + p.z * GA__F32_LOG10E_HI;
  let r = ga__two_sum_f32(a.x, t.x);
  return r.x + (r.y + a.y + t.y);
}

// log1p(x), |x| < 2^-6 by its Taylor series. Special: x < -1 -> NaN, -1 -> -inf, +inf -> +inf, |x| < 2^-25 -> x (keeps -0.0).
fn ga_log1p_f32(x: f32) -> f32 {
  if (!(x >= -1.0f)) { return ga__nan_f32(); }
  if (x == -1.0f) { return -ga__inf_f32(); }
  if (ga__isinf_f32(x)) { return x; }
  if (abs(x) < 0x1p-25f) { return x; }
  if (abs(x) < 0x1p-6f) {                            // Taylor to x^6 (next term < 2^-38 relative)
    return x + x * x * (-0.5f + x * (0.33333334f + x * (-0.25f + x * (0.2f + x * -0.16666667f))));
  }
  let r = ga__log1p_ff_f32(x);
  return r.x + r.y;
}

// ---------------------------------------------------------------------------------------------------
// pow

fn ga__is_odd_int_f32(y: f32) -> bool {
  if (abs(y) >= 0x1p24f || floor(y) != y) { return false; }
  return (i32(y) & 1) != 0;
}

// Fast path of pow for positive normal x and normal y with |y log2(x)| < 120 (the common case), in the
// manner of fdlibm's powf: heads are cut by masking low mantissa bits (integer ops, which no compiler
// re-associates), so products of heads are exact without fma or Dekker's split.
// log2(x) = t1 + t2, t1 with 12 significant bits, relative error below 2^-31.5:
//   x = 2^n ax, ax = 1.m, c = 1 + i/4 the nearest of 1, 1.25, 1.5, 1.75, 2 (c = 2: log2(c) = 1 goes to n),
//   s = (ax - c) / (ax + c), |s| < 0.059, log2(ax / c) = K atanh(s) = K s + s^3 P(s^2), K = 2/ln2,
//   P = K (1/3 + s^2/5 + s^4/7) (the rest of the series is below 2^-35 relative).
//   Only K s needs more than f32: K = KH (12 bits) + KL and s = sh + sl, sh = s cut to 12 bits (KH sh is
//   exact) and sl the residual (ax - c - sh (ax + c)) / (ax + c), computed exactly with ax + c = th + tl
//   split by bits. The quotient's own rounding (up to 2 ulp on some drivers) therefore only reaches terms
//   2^-11 smaller than the result: < 2^-33 relative. log2(c) = LC_H (12 bits) + LC_L.
// Each fenced subtraction is an exact low-part step: re-associated, merged with a constant or with the
// rounded sum its head was cut from, it would lose the low part.
const GA__F32_POW_KH: f32 = 2.8857421875f;
const GA__F32_POW_KL: f32 = -0.00035210571f;
const GA__F32_POW_LC1_H: f32 = 0.3218994140625f;        // log2(1.25)
const GA__F32_POW_LC1_L: f32 = 2.8680824e-05f;
const GA__F32_POW_LC2_H: f32 = 0.5849609375f;           // log2(1.5)
const GA__F32_POW_LC2_L: f32 = 1.5632212e-06f;
const GA__F32_POW_LC3_H: f32 = 0.807373046875f;         // log2(1.75)
const GA__F32_POW_LC3_L: f32 = -1.8124818e-05f;

fn ga__pow_log2_f32(ix: u32) -> vec2<f32> {
  let j = ix & 0x007fffffu;
  let ti = j + 0x00100000u;                              // bits 21..23: i
  let c = bitcast<f32>((ti & 0x00e00000u) + 0x3f800000u);
  let ax = bitcast<f32>(j | 0x3f800000u);
  let u = ax - c;                                        // exact
  let rcp = 1.0f / (ax + c);
  let s = u * rcp;
  let sh = bitcast<f32>(bitcast<u32>(s) & 0xfffff000u);
  let axh = bitcast<f32>((j & 0x007fe000u) | 0x3f800000u);
  let th = axh + c;                                      // ax + c = th + tl exactly, th 12 bits
  let tl = ax - axh;
  let sl = rcp * (ga__opq_f32(u - sh * th) - sh * tl);   // sh th exact; the difference too (Sterbenz)
  let sa = sh + sl;                                      // s to 1/2 ulp (the quotient is 1-3 ulp off)
  let s2 = sa * sa;
  let hi = GA__F32_POW_KH * sh;                          // exact
  let lo = GA__F32_POW_KH * sl + GA__F32_POW_KL * s
    + sa * s2 * (0.9617967f + s2 * (0.57707804f + s2 * 0.41219857f));
  let b0 = (ti & 0x00200000u) != 0u;                     // i mod 4 picks log2(c)
  let b1 = (ti & 0x00400000u) != 0u;
  let lch = select(select(0.0f, GA__F32_POW_LC1_H, b0), select(GA__F32_POW_LC2_H, GA__F32_POW_LC3_H, b0), b1);
  let lcl = select(select(0.0f, GA__F32_POW_LC1_L, b0), select(GA__F32_POW_LC2_L, GA__F32_POW_LC3_L, b0), b1);
  let nf = f32(i32((ix + 0x00100000u) >> 23u) - 127);   // n, + 1 where c = 2
  let t1 = bitcast<f32>(bitcast<u32>(((hi + lo) + lch) + nf) & 0xfffff000u);
  return vec2<f32>(t1, (lo + lcl) - ga__opq_f32(ga__opq_f32((t1 - nf) - lch) - hi));
}

// 2^(ph + pl) for |ph| < 120, |pl| <~ 2^-10 |ph|: n = round(ph), the rest (ph - n) + pl (|.| < 0.62) cut to
// 9 bits tm, so its ln2 multiple is a = tm LN2_C1 (exact: 15-bit constant) + v (|v| < 2^-9);
// e^(a + v) = e^a (1 + v + v^2/2), e^a = 1 + a + a^2 Q(a), Q minimax degree 5 on |a| < 0.44 (relative
// error 2^-30); 1 + a is split exactly and the rest added in one fenced sum (a rounded 1 + a costs up to
// 1/2 ulp, and lavapipe re-associates 1 + (a + r) into (1 + a) + r: 2 to 3 ulp); 2^n applied to the
// exponent bits (the result is normal).
fn ga__pow_exp2_f32(ph: f32, pl: f32) -> f32 {
  let nr = round(ph);
  let g = ga__opq_f32(ph - nr);                          // exact
  let tm = bitcast<f32>(bitcast<u32>(g + pl) & 0xffff8000u);
  let a = tm * GA__F32_LN2_C1;                           // exact
  let v = (pl - ga__opq_f32(tm - g)) * 0.6931472f + tm * GA__F32_LN2_C2;
  let q = 0.5f + a * (0.16666663f + a * (0.041666143f + a * (0.008333929f + a * (0.0013963082f
    + a * 0.00019683782f))));
  let t = a * a * q;
  let mh = ga__opq_f32(1.0f + a);                        // 1 + a = mh + (a - (mh - 1)) exactly
  let r = t + (mh + t) * (v + 0.5f * v * v);             // e^(a + v) = 1 + a + r
  let m = mh + ga__opq_f32((a - ga__opq_f32(mh - 1.0f)) + r);
  return bitcast<f32>(bitcast<u32>(m) + (bitcast<u32>(i32(nr)) << 23u));
}

// pow(x, y) = exp(y log|x|), log in ff (~2^-36) and y log|x| in ff. Special values as ga_pow_f64
// (C99 F.9.4.4): pow(x, +/-0) = 1 and pow(1, y) = 1 even for NaN; pow(-1, +/-inf) = 1; the +/-inf
// and +/-0 tables; negative x with non-integer y -> NaN; odd integer y keeps the sign.
// Positive normal x with normal y and |y log2 x| < 120 take the fast path above (y = y1 + (y - y1),
// y1 cut to 12 bits, so y1 t1 is exact); everything else, results near the ends of the range included,
// the double-float path below.
fn ga_pow_f32(x: f32, y: f32) -> f32 {
  let ix = bitcast<u32>(x);
  let ey = bitcast<u32>(y) & GA__F32_EXP;
  if (ix - 0x00800000u < 0x7f000000u && ey - 0x00800000u < 0x7f000000u) {
    let L = ga__pow_log2_f32(ix);
    let y1 = bitcast<f32>(bitcast<u32>(y) & 0xfffff000u);
    let ph = y1 * L.x;                                   // exact
    if (abs(ph) < 120.0f) { return ga__pow_exp2_f32(ph, (y - y1) * L.x + y * L.y); }
  }
  if (ga__iszero_f32(y) || x == 1.0f) { return 1.0f; }
  if (ga__isnan_f32(x) || ga__isnan_f32(y)) { return ga__nan_f32(); }
  let ax = ga__abs_f32(x);
  let yneg = ga__isneg_f32(y);
  if (ga__isinf_f32(y)) {
    if (ax == 1.0f) { return 1.0f; }
    if ((ax < 1.0f) == yneg) { return ga__inf_f32(); }
    return 0.0f;
  }
  let odd = ga__is_odd_int_f32(y);
  let neg = (bitcast<u32>(x) & GA__F32_SIGN) != 0u;
  let sgn = select(1.0f, -1.0f, neg && odd);
  if (ga__iszero_f32(x)) { return ga__copysign_f32(select(0.0f, ga__inf_f32(), yneg), sgn); }
  if (ga__isinf_f32(x)) { return ga__copysign_f32(select(ga__inf_f32(), 0.0f, yneg), sgn); }
  // a subnormal y is not an integer (its floor compares equal to it on the H200, which flushes it)
  if (neg && (floor(y) != y || ga__issub_f32(y))) { return ga__nan_f32(); }
  if (ax == 1.0f) { return sgn; }
  if (abs(y) >= 0x1p32f) {
    return ga__copysign_f32(select(0.0f, ga__inf_f32(), (ax < 1.0f) == yneg), sgn);
  }
  let L = ga__log_ff_f32(ax, 0.0f);
  var p = ga__two_prod_f32(y, L.x);
  if (p.x > 89.0f) { return ga__copysign_f32(ga__inf_f32(), sgn); }
  if (p.x < -105.0f) { return ga__copysign_f32(0.0f, sgn); }
  p.y = p.y + y * L.y;
  let c = ga__exp_core_f32(p.x, p.y);
  return ga__copysign_f32(ga__ldexp2_f32(c.x, c.y, i32(c.z)), sgn);
}

// ---------------------------------------------------------------------------------------------------
// trigonometric

// 32 bits of the 16-bit limbs a|b|c starting o (< 16) bits into a
fn ga__win32_f32(a: u32, b: u32, c: u32, o: u32) -> u32 {
  let lo = a | (b << 16u);
  return (lo >> o) | ((c << (31u - o)) << 1u);
}

// Payne-Hanek for finite |x| >= 2^14: x = m 2^e (m 24 bits); 7 chunks (112 bits) of 2/pi from 2^-(e-1)
// on, multiplied with 12-bit halves of m into 16-bit limbs, give the quadrant and >= 94 fraction bits
// (the worst float leaves a fraction ~2^-30). Returns (n mod 4, rh, rl).
// Written out without arrays or loops: the table words and the limb windows are picked by selects.
// An array indexed by a computed value is kept in memory in every lane, and loops are unrolled by the
// driver at compile time; either made this function most of the compile time of any kernel calling
// sin or cos (see tests/test_wgsl_lint.py, bench/coldstart_notes.md).
fn ga__rem_pio2_large_f32(x: f32) -> vec3<f32> {
  let b = bitcast<u32>(x) & GA__F32_ABS;
  let ex = i32(b >> 23u) - 150;                      // -9 ..= 104
  let m = (b & 0x7fffffu) | 0x800000u;
  let m_lo = m & 0xfffu;
  let m_hi = m >> 12u;
  let j0 = u32(max((ex - 2) / 16, 0));               // first 16-bit chunk: 0 ..= 6
  // w0 ..= w3: the table words q ..= q + 3 holding chunks j0 ..= j0 + 6 (word q = chunks 2q, 2q + 1);
  // c0 ..= c6: those chunks; a<k>, v<k>: m_lo and m_hi times chunk k, added into 16-bit limbs
  // s<i> (with the carries from below), l<i> = s<i> mod 2^16
  let q = j0 >> 1u;
  let w0 = select(select(GA__F32_TWO_OVER_PI_BITS[0], GA__F32_TWO_OVER_PI_BITS[1], q == 1u), select(GA__F32_TWO_OVER_PI_BITS[2], GA__F32_TWO_OVER_PI_BITS[3], q == 3u), q >= 2u);
  let w1 = select(select(GA__F32_TWO_OVER_PI_BITS[1], GA__F32_TWO_OVER_PI_BITS[2], q == 1u), select(GA__F32_TWO_OVER_PI_BITS[3], GA__F32_TWO_OVER_PI_BITS[4], q == 3u), q >= 2u);
  let w2 = select(select(GA__F32_TWO_OVER_PI_BITS[2], GA__F32_TWO_OVER_PI_BITS[3], q == 1u), select(GA__F32_TWO_OVER_PI_BITS[4], GA__F32_TWO_OVER_PI_BITS[5], q == 3u), q >= 2u);
  let w3 = select(select(GA__F32_TWO_OVER_PI_BITS[3], GA__F32_TWO_OVER_PI_BITS[4], q == 1u), select(GA__F32_TWO_OVER_PI_BITS[5], GA__F32_TWO_OVER_PI_BITS[6], q == 3u), q >= 2u);
  let odd = (j0 & 1u) != 0u;
  let c0 = select((w0 >> 16u), (w0 & 0xffffu), odd);
  let c1 = select((w0 & 0xffffu), (w1 >> 16u), odd);
  let c2 = select((w1 >> 16u), (w1 & 0xffffu), odd);
  let c3 = select((w1 & 0xffffu), (w2 >> 16u), odd);
  let c4 = select((w2 >> 16u), (w2 & 0xffffu), odd);
  let c5 = select((w2 & 0xffffu), (w3 >> 16u), odd);
  let c6 = select((w3 >> 16u), (w3 & 0xffffu), odd);
  let a0 = m_lo * c0;
  let v0 = m_hi * c0;
  let a1 = m_lo * c1;
  let v1 = m_hi * c1;
  let a2 = m_lo * c2;
  let v2 = m_hi * c2;
  let a3 = m_lo * c3;
  let v3 = m_hi * c3;
  let a4 = m_lo * c4;
  let v4 = m_hi * c4;
  let a5 = m_lo * c5;
  let v5 = m_hi * c5;
  let a6 = m_lo * c6;
  let v6 = m_hi * c6;
  let s0 = (a6 & 0xffffu) + ((v6 & 0xfu) << 12u);
  let s1 = (a5 & 0xffffu) + ((v5 & 0xfu) << 12u) + (a6 >> 16u) + ((v6 >> 4u) & 0xffffu) + (s0 >> 16u);
  let s2 = (a4 & 0xffffu) + ((v4 & 0xfu) << 12u) + (a5 >> 16u) + ((v5 >> 4u) & 0xffffu) + (v6 >> 20u) + (s1 >> 16u);
  let s3 = (a3 & 0xffffu) + ((v3 & 0xfu) << 12u) + (a4 >> 16u) + ((v4 >> 4u) & 0xffffu) + (v5 >> 20u) + (s2 >> 16u);
  let s4 = (a2 & 0xffffu) + ((v2 & 0xfu) << 12u) + (a3 >> 16u) + ((v3 >> 4u) & 0xffffu) + (v4 >> 20u) + (s3 >> 16u);
  let s5 = (a1 & 0xffffu) + ((v1 & 0xfu) << 12u) + (a2 >> 16u) + ((v2 >> 4u) & 0xffffu) + (v3 >> 20u) + (s4 >> 16u);
  let s6 = (a0 & 0xffffu) + ((v0 & 0xfu) << 12u) + (a1 >> 16u) + ((v1 >> 4u) & 0xffffu) + (v2 >> 20u) + (s5 >> 16u);
  let s7 = (a0 >> 16u) + ((v0 >> 4u) & 0xffffu) + (v1 >> 20u) + (s6 >> 16u);
  let s8 = (v0 >> 20u) + (s7 >> 16u);
  let s9 = 0u + (s8 >> 16u);
  let s10 = 0u + (s9 >> 16u);
  let s11 = 0u + (s10 >> 16u);
  let l0 = s0 & 0xffffu;
  let l1 = s1 & 0xffffu;
  let l2 = s2 & 0xffffu;
  let l3 = s3 & 0xffffu;
  let l4 = s4 & 0xffffu;
  let l5 = s5 & 0xffffu;
  let l6 = s6 & 0xffffu;
  let l7 = s7 & 0xffffu;
  let l8 = s8 & 0xffffu;
  let l9 = s9 & 0xffffu;
  let l10 = s10 & 0xffffu;
  let l11 = s11;
  // binary point s = 16 (j0 + 7) - ex bits up: 95 ..= 121, so the quadrant's limb s/16 is 5, 6 or 7,
  // and the fraction's two words start 2 and 4 limbs below it with the same bit offset
  let s = u32(16 * (i32(j0) + 7) - ex);
  let d = (s >> 4u) - 5u;
  let o = s & 15u;
  let A0 = select(select(l1, l2, d == 1u), l3, d == 2u);
  let A1 = select(select(l2, l3, d == 1u), l4, d == 2u);
  let A2 = select(select(l3, l4, d == 1u), l5, d == 2u);
  let A3 = select(select(l4, l5, d == 1u), l6, d == 2u);
  let A4 = select(select(l5, l6, d == 1u), l7, d == 2u);
  let A5 = select(select(l6, l7, d == 1u), l8, d == 2u);
  let A6 = select(select(l7, l8, d == 1u), l9, d == 2u);
  var fl = ga__win32_f32(A0, A1, A2, o);
  var fh = ga__win32_f32(A2, A3, A4, o);
  var n = ga__win32_f32(A4, A5, A6, o) & 3u;
  var neg = false;
  if ((fh >> 31u) != 0u) {
    n = n + 1u;
    neg = true;
    fl = ~fl + 1u;
    fh = ~fh + select(0u, 1u, fl == 0u);
  }
  // fraction = fh 2^-32 + fl 2^-64, in four exact pieces
  var t = ga__two_sum_f32(f32(fh >> 8u) * 0x1p-24f, f32(fh & 0xffu) * 0x1p-32f);
  t.y = t.y + (f32(fl >> 8u) * 0x1p-56f + f32(fl & 0xffu) * 0x1p-64f);
  t = ga__fast_two_sum_f32(t.x, t.y);
  let p = ga__two_prod_f32(t.x, GA__F32_PIO2_HI);
  var r = ga__fast_two_sum_f32(p.x, p.y + (t.x * GA__F32_PIO2_LO + t.y * GA__F32_PIO2_HI));
  if (neg) { r = -r; }
  if (x < 0.0f) { r = -r; n = 4u - n; }
  return vec3<f32>(f32(n & 3u), r.x, r.y);
}

// x = n pi/2 + r (r as ff). |x| < 2^14: Cody-Waite with pi/2 = HI + LO + C3, n*HI and n*LO by two_prod
// (exact), ~2^-58 absolute. Larger: Payne-Hanek.
fn ga__rem_pio2_f32(x: f32) -> vec3<f32> {
  if (abs(x) <= GA__F32_PIO4_HI) { return vec3<f32>(0.0f, x, 0.0f); }
  if (abs(x) >= 0x1p14f) { return ga__rem_pio2_large_f32(x); }
  let nf = floor(x * 0.6366197466850281f + 0.5f);
  let p1 = ga__two_prod_f32(nf, GA__F32_PIO2_HI);
  let p2 = ga__two_prod_f32(nf, GA__F32_PIO2_LO);
  let a = ga__two_sum_f32(ga__opq_f32(x - p1.x), -p1.y);   // p1.y can be as large as r itself
  let c = ga__two_sum_f32(a.x, -p2.x);
  let r = ga__two_sum_f32(c.x, a.y + c.y - p2.y - nf * GA__F32_PIO2_C3);
  return vec3<f32>(f32(i32(nf) & 3), r.x, r.y);
}

// sin(r + rr), |r| <= 0.786, as ff: r + (r^3 S(r^2) + rr (1 - r^2/2)); S minimax degree 3 (1.7e-10)
fn ga__sin_kernel_f32(r: f32, rr: f32) -> vec2<f32> {
  let z = r * r;
  let p = r * z * (-0.16666666663799723f + z * (0.00833333185688898f + z * (-0.00019840078328003504f
    + z * 2.7248940857727918e-06f)));
  return ga__fast_two_sum_f32(r, p + rr * (1.0f - 0.5f * z));
}

// cos(r + rr) as ff: w = 1 - z/2 and its rounding error, + z^2 C(z); C minimax degree 3 (5.7e-11)
fn ga__cos_kernel_f32(r: f32, rr: f32) -> vec2<f32> {
  let z = ga__two_prod_f32(r, r);
  let zl = z.y + 2.0f * r * rr;
  let hz = 0.5f * z.x;
  let w = ga__opq_f32(1.0f - hz);
  let c = z.x * z.x * (0.041666666664286464f + z.x * (-0.001388888766051353f + z.x * (2.480059481054772e-05f
    + z.x * -2.730029335637193e-07f)));
  let we = ga__opq_f32(ga__opq_f32(1.0f - w) - hz);  // exact rounding error of w
  return ga__fast_two_sum_f32(w, (we - 0.5f * zl) + c);
}

// x - n pi/2 for |x| < 32 (n <= 21): pi/2 in three parts of <= 17, 15 and 24 bits, so n * P1 and
// n * P2 are exact and the first two subtractions are exact by Sterbenz; the fences stop a compiler
// from folding the parts back into one constant (which loses the reduction's accuracy).
fn ga__rem_pio2_small_f32(x: f32) -> vec2<f32> {
  let n = floor(x * 0.63661977236758134f + 0.5f);
  let t1 = ga__opq_f32(x - n * 1.5707855224609375f);
  let t2 = ga__opq_f32(t1 - n * 1.0804273188114166e-05f);
  return vec2<f32>(n, t2 - n * 6.0770943833e-11f);
}

// sin(x). Special: NaN, +/-inf -> NaN; |x| < 2^-12 -> x (keeps -0.0, subnormals).
fn ga_sin_f32(x: f32) -> f32 {
  if (!ga__isfinite_f32(x)) { return ga__nan_f32(); }
  if (abs(x) < 0x1p-12f) { return x; }
  if (abs(x) < 32.0f) {  // cheap reduction (no double-float product) for the common range
    let q = ga__rem_pio2_small_f32(x);
    let n = i32(q.x) & 3;
    var v: vec2<f32>;
    if ((n & 1) == 0) { v = ga__sin_kernel_f32(q.y, 0.0f); } else { v = ga__cos_kernel_f32(q.y, 0.0f); }
    let s = v.x + v.y;
    return select(s, -s, n >= 2);
  }
  let rr = ga__rem_pio2_f32(x);
  let n = i32(rr.x);
  var v: vec2<f32>;
  if ((n & 1) == 0) { v = ga__sin_kernel_f32(rr.y, rr.z); } else { v = ga__cos_kernel_f32(rr.y, rr.z); }
  let s = v.x + v.y;
  return select(s, -s, n >= 2);
}

// cos(x). Special: NaN, +/-inf -> NaN; |x| < 2^-12 -> 1.
fn ga_cos_f32(x: f32) -> f32 {
  if (!ga__isfinite_f32(x)) { return ga__nan_f32(); }
  if (abs(x) < 0x1p-12f) { return 1.0f; }
  if (abs(x) < 32.0f) {
    let q = ga__rem_pio2_small_f32(x);
    let n = i32(q.x) & 3;
    var v: vec2<f32>;
    if ((n & 1) == 0) { v = ga__cos_kernel_f32(q.y, 0.0f); } else { v = ga__sin_kernel_f32(q.y, 0.0f); }
    let c = v.x + v.y;
    return select(c, -c, n == 1 || n == 2);
  }
  let rr = ga__rem_pio2_f32(x);
  let n = i32(rr.x);
  var v: vec2<f32>;
  if ((n & 1) == 0) { v = ga__cos_kernel_f32(rr.y, rr.z); } else { v = ga__sin_kernel_f32(rr.y, rr.z); }
  let c = v.x + v.y;
  return select(c, -c, n == 1 || n == 2);
}

// tan(x) = sin/cos (or -cos/sin) of the reduced argument, both ff, quotient refined once.
// Special: NaN, +/-inf -> NaN; |x| < 2^-12 -> x.
fn ga_tan_f32(x: f32) -> f32 {
  if (!ga__isfinite_f32(x)) { return ga__nan_f32(); }
  if (abs(x) < 0x1p-12f) { return x; }
  let rr = ga__rem_pio2_f32(x);
  let n = i32(rr.x);
  let s = ga__sin_kernel_f32(rr.y, rr.z);
  let c = ga__cos_kernel_f32(rr.y, rr.z);
  var num = s;
  var den = c;
  if ((n & 1) == 1) { num = -c; den = s; }
  let q = ga__opq_f32(num.x / den.x);
  let res = ga__resid_f32(num.x, q, den.x) + num.y - q * den.y;
  return q + res / den.x;
}

// ---------------------------------------------------------------------------------------------------
// inverse trigonometric

// asin(s) - s = s^3 A(s^2) on s <= 1/2, A minimax degree 5 (2.1e-8, weight <= 0.042)
fn ga__asin_poly_f32(z: f32) -> f32 {
  return 0.16666666317979964f + z * (0.07500098523919095f + z * (0.0445981076636442f
    + z * (0.031115319694156096f + z * (0.017081656066888894f + z * 0.03379970955809932f))));
}

// (s, lo, big): |x| <= 1/2: asin|x| = s + lo; else s = sqrt((1-|x|)/2), asin(s) = s + lo (ff)
fn ga__asin_parts_f32(ax: f32) -> vec3<f32> {
  var z = ax * ax;
  var s = ax;
  var sl = 0.0f;
  let big = ax > 0.5f;
  if (big) {
    z = (1.0f - ax) * 0.5f;
    s = ga__opq_f32(sqrt(z));
    if (s != 0.0f) { sl = ga__resid_f32(z, s, s) / (2.0f * s) * (1.0f + 0.5f * z); }
  }
  return vec3<f32>(s, sl + s * z * ga__asin_poly_f32(z), select(0.0f, 1.0f, big));
}

// asin(x). Special: |x| > 1 -> NaN, NaN -> NaN, +/-1 -> +/-pi/2, |x| < 2^-12 -> x (keeps -0.0).
fn ga_asin_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (!(ax <= 1.0f)) { return ga__nan_f32(); }
  if (ax < 0x1p-12f) { return x; }
  let a = ga__asin_parts_f32(ax);
  var v = a.x + a.y;
  if (a.z != 0.0f) {
    let r = ga__two_sum_f32(GA__F32_PIO2_HI, -2.0f * a.x);
    v = r.x + (r.y + (GA__F32_PIO2_LO - 2.0f * a.y));
  }
  return ga__copysign_f32(v, x);
}

// acos(x). Special: |x| > 1 -> NaN, NaN -> NaN, acos(1) = +0, acos(-1) = pi.
fn ga_acos_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (!(ax <= 1.0f)) { return ga__nan_f32(); }
  let a = ga__asin_parts_f32(ax);
  if (a.z == 0.0f) {
    let r = ga__two_sum_f32(GA__F32_PIO2_HI, -x);
    return r.x + (r.y + (GA__F32_PIO2_LO - ga__copysign_f32(a.y, x)));
  }
  if (x > 0.0f) { return 2.0f * (a.x + a.y); }
  let r = ga__two_sum_f32(GA__F32_PI_HI, -2.0f * a.x);
  return r.x + (r.y + (GA__F32_PI_LO - 2.0f * a.y));
}

// atan(ax + axl), ax >= 0, as unsummed (hi, lo): fdlibm breakpoints 7/16, 11/16, 19/16, 39/16;
// atan(t) = t + t^3 A(t^2) on |t| <= 7/16, A minimax degree 5 (2.9e-9).
fn ga__atan_core_f32(ax: f32, axl: f32) -> vec2<f32> {
  var t: f32;
  var hi = 0.0f;
  var lo = 0.0f;
  var id = -1;
  if (ax < 0.4375f) {
    t = ax;
  } else if (ax < 0.6875f) {
    id = 0; t = (2.0f * ax - 1.0f) / (2.0f + ax);
    hi = 0.46364760398864746f; lo = 5.01215868808913e-09f;
  } else if (ax < 1.1875f) {
    id = 1; t = (ax - 1.0f) / (ax + 1.0f);
    hi = GA__F32_PIO4_HI; lo = GA__F32_PIO4_LO;
  } else if (ax < 2.4375f) {
    id = 2; t = (ax - 1.5f) / (1.0f + 1.5f * ax);
    hi = 0.9827937483787537f; lo = -2.5131424052915463e-08f;
  } else {
    id = 3; t = -1.0f / ax;
    hi = GA__F32_PIO2_HI; lo = GA__F32_PIO2_LO;
  }
  let z = t * t;
  let p = t * z * (-0.3333333323616135f + z * (0.19999963081156932f + z * (-0.14283424679481938f
    + z * (0.11058585183324252f + z * (-0.08534249085097978f + z * 0.048267147417783145f)))));
  var corr = 0.0f;
  if (axl != 0.0f) { corr = axl / (1.0f + ax * ax); }
  if (id < 0) { return vec2<f32>(t, p + corr); }
  let r = ga__two_sum_f32(hi, t);
  return vec2<f32>(r.x, r.y + (lo + p + corr));
}

// atan(x). Special: NaN -> NaN, +/-inf -> +/-pi/2, |x| < 2^-12 -> x (keeps -0.0).
fn ga_atan_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-12f) { return x; }
  if (ax >= 0x1p26f) { return ga__copysign_f32(GA__F32_PIO2_HI, x); }
  let r = ga__atan_core_f32(ax, 0.0f);
  return ga__copysign_f32(r.x + r.y, x);
}

// atan2(y, x): atan of the ff quotient |y|/|x|, pi - . for x < 0, sign of y; |y/x| < 2^-99 (possibly
// subnormal result): y/x formed on a 2^64 scale and rounded on the bits. C99 special values as ga_atan2_f64.
fn ga_atan2_f32(y: f32, x: f32) -> f32 {
  if (ga__isnan_f32(x) || ga__isnan_f32(y)) { return ga__nan_f32(); }
  let xneg = (bitcast<u32>(x) & GA__F32_SIGN) != 0u;
  let ax = ga__abs_f32(x);
  let ay = ga__abs_f32(y);
  var v: f32;
  if (ga__iszero_f32(ay)) {
    v = select(0.0f, GA__F32_PI_HI, xneg);
  } else if (ga__isinf_f32(ay)) {
    if (ga__isinf_f32(ax)) { v = select(GA__F32_PIO4_HI, 2.356194496154785f, xneg); } else { v = GA__F32_PIO2_HI; }
  } else if (ga__iszero_f32(ax)) {
    v = GA__F32_PIO2_HI;
  } else if (ga__isinf_f32(ax)) {
    v = select(0.0f, GA__F32_PI_HI, xneg);
  } else {
    var bx = ax;
    var by = ay;
    let big = max(bitcast<u32>(ax), bitcast<u32>(ay));   // bits: subnormals ordered too
    let small = min(bitcast<u32>(ax), bitcast<u32>(ay));
    if (big > 0x71800000u) {                                   // > 2^100: 2^-40 (a tiny one: see below)
      bx = ga__ldexp_f32(bx, -40); by = ga__ldexp_f32(by, -40);
    } else if (small < 0x0d800000u && big < 0x4d000000u) {     // one < 2^-100, both < 2^27: 2^60 up
      bx = ga__ldexp_f32(bx, 60); by = ga__ldexp_f32(by, 60);  // (both normal then, and < 2^87 for the split)
    }
    if (i32(bitcast<u32>(by)) < i32(bitcast<u32>(bx)) - (100 << 23)) {
      // |y/x| < 2^-99: atan2 = y/x (or pi - y/x, which rounds to pi), correctly rounded; the quotient
      // may be subnormal, so it is formed 2^64 up and brought down on the bits
      v = GA__F32_PI_HI;
      if (!xneg) {
        let ys = ga__ldexp_f32(by, 64);
        let q = ga__opq_f32(ys / bx);
        var ql = 0.0f;
        if (q > 0x1p-100f) { ql = ga__resid_f32(ys, q, bx) / bx; }
        let t = ga__fast_two_sum_f32(q, ql);
        v = ga__ldexp2_f32(t.x, t.y, -64);
      }
      return ga__copysign_f32(v, y);
    }
    let q = ga__opq_f32(by / bx);
    var ql = 0.0f;
    if (q > 0x1p-100f && q < 0x1p100f && min(bx, by) > 0x1p-100f) { ql = ga__resid_f32(by, q, bx) / bx; }
    var a: vec2<f32>;
    if (ga__isinf_f32(q) || q >= 0x1p26f) { a = vec2<f32>(GA__F32_PIO2_HI, GA__F32_PIO2_LO); }
    else if (q < 0x1p-12f) { a = vec2<f32>(q, ql); }
    else { a = ga__atan_core_f32(q, ql); }
    if (xneg) {
      let r = ga__two_sum_f32(GA__F32_PI_HI, -a.x);
      v = r.x + (r.y + (GA__F32_PI_LO - a.y));
    } else {
      v = a.x + a.y;
    }
  }
  return ga__copysign_f32(v, y);
}

// ---------------------------------------------------------------------------------------------------
// hyperbolic

// expm1(x) for |x| <= 18 as ff (used by sinh/tanh)
fn ga__expm1_ff_f32(x: f32) -> vec2<f32> {
  let c = ga__exp_core_f32(x, 0.0f);
  let k = i32(c.z);
  var s = ga__two_sum_f32(ga__ldexp_f32(c.x, k), -1.0f);
  return ga__fast_two_sum_f32(s.x, s.y + ga__ldexp_f32(c.y, k));
}

// sinh(x): |x| < 1: x + x^3 P(x^2) (minimax degree 3, 1.2e-9); |x| <= 18: t = expm1(|x|) ff,
// (t + t/(1+t))/2; larger: exp(|x|)/2 via the exponent (overflow above 89.4).
// Special: NaN -> NaN, +/-inf -> +/-inf, |x| < 2^-12 -> x (keeps -0.0).
fn ga_sinh_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-12f) { return x; }
  var v: f32;
  if (ax < 1.0f) {
    let z = ax * ax;
    v = ax + ax * z * (0.1666666664726992f + z * (0.008333339598399447f + z * (0.00019838122709407805f
      + z * 2.8061417087428964e-06f)));
  } else if (ax > 90.0f) {
    v = ga__inf_f32();
  } else if (ax > 18.0f) {
    let c = ga__exp_core_f32(ax, 0.0f);
    v = ga__ldexp_f32(c.x + c.y, i32(c.z) - 1);
  } else {
    let e = ga__expm1_ff_f32(ax);
    var d = ga__two_sum_f32(1.0f, e.x);
    d.y = d.y + e.y;
    let uh = ga__opq_f32(e.x / d.x);
    let ul = (ga__resid_f32(e.x, uh, d.x) + e.y - uh * d.y) / d.x;
    let s = ga__two_sum_f32(e.x, uh);
    v = 0.5f * (s.x + (s.y + e.y + ul));
  }
  return ga__copysign_f32(v, x);
}

// cosh(x): (E + 1/E)/2 with E = exp(|x|) and 1/E in ff; |x| > 18: exp(|x|)/2 via the exponent.
// Special: NaN -> NaN, +/-inf -> +inf, |x| < 2^-12 -> 1.
fn ga_cosh_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-12f) { return 1.0f; }
  if (ax > 90.0f) { return ga__inf_f32(); }
  let c = ga__exp_core_f32(ax, 0.0f);
  let k = i32(c.z);
  if (ax > 18.0f) { return ga__ldexp_f32(c.x + c.y, k - 1); }
  let eh = ga__ldexp_f32(c.x, k);
  let el = ga__ldexp_f32(c.y, k);
  let ih = ga__opq_f32(1.0f / eh);
  let il = (ga__resid_f32(1.0f, ih, eh) - ih * el) * ih;
  let s = ga__two_sum_f32(eh, ih);
  return 0.5f * (s.x + (s.y + el + il));
}

// tanh(x): |x| < 0.55: x + x^3 T(x^2) (minimax degree 5, 1.1e-9); else e/(e+2), e = expm1(2|x|) ff,
// quotient refined in ff. Special: NaN -> NaN, +/-inf and |x| > 9.1 -> +/-1, |x| < 2^-12 -> x.
fn ga_tanh_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-12f) { return x; }
  if (ax > 9.1f) { return ga__copysign_f32(1.0f, x); }
  var v: f32;
  if (ax < 0.55f) {
    let z = ax * ax;
    v = ax + ax * z * (-0.33333333295055356f + z * (0.1333332420481816f + z * (-0.053964701707629965f
      + z * (0.021818460750299896f + z * (-0.008526376785114373f + z * 0.0025264483481044903f)))));
  } else {
    let e = ga__expm1_ff_f32(2.0f * ax);
    var d = ga__two_sum_f32(2.0f, e.x);
    d.y = d.y + e.y;
    let q = ga__opq_f32(e.x / d.x);
    let ql = (ga__resid_f32(e.x, q, d.x) + e.y - q * d.y) / d.x;
    v = q + ql;
  }
  return ga__copysign_f32(v, x);
}

fn ga__sqrt_ff_f32(h: f32, l: f32) -> vec2<f32> {
  let s = ga__opq_f32(sqrt(h));
  return vec2<f32>(s, (ga__resid_f32(h, s, s) + l) / (2.0f * s));
}

// asinh(x) = sign(x) log(|x| + sqrt(x^2 + 1)) with the argument of log in ff; |x| > 2^12: log(2|x|)
// (+ 1/(4x^2), negligible); |x| < 2^-4: odd Taylor series. Special: NaN -> NaN, +/-inf -> +/-inf, |x| < 2^-12 -> x.
fn ga_asinh_f32(x: f32) -> f32 {
  if (ga__isnan_f32(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-12f || ga__isinf_f32(x)) { return x; }
  if (ax < 0x1p-4f) {                                // Taylor to x^9 (next term < 2^-45 relative)
    let z = ax * ax;
    return ga__copysign_f32(ax + ax * z * (-0.16666667f + z * (0.075f + z * (-0.044642857f
      + z * 0.030381944f))), x);
  }
  var r: vec2<f32>;
  if (ax > 0x1p12f) {
    let l = ga__log_ff_f32(ax, 0.0f);
    r = ga__two_sum_f32(l.x, GA__F32_LN2_HI);
    r.y = r.y + l.y + GA__F32_LN2_LO;
  } else {
    let p = ga__two_prod_f32(ax, ax);
    var q = ga__two_sum_f32(1.0f, p.x);
    q.y = q.y + p.y;
    let s = ga__sqrt_ff_f32(q.x, q.y);
    var w = ga__two_sum_f32(ax, s.x);
    w.y = w.y + s.y;
    r = ga__log_ff_f32(w.x, w.y);
  }
  return ga__copysign_f32(r.x + r.y, x);
}

// acosh(x) = log(x + sqrt(x^2 - 1)) in ff; x > 2^12: log(2x). Special: x < 1 -> NaN, acosh(1) = +0.
fn ga_acosh_f32(x: f32) -> f32 {
  if (!(x >= 1.0f)) { return ga__nan_f32(); }
  if (ga__isinf_f32(x)) { return x; }
  var r: vec2<f32>;
  if (x > 0x1p12f) {
    let l = ga__log_ff_f32(x, 0.0f);
    r = ga__two_sum_f32(l.x, GA__F32_LN2_HI);
    r.y = r.y + l.y + GA__F32_LN2_LO;
  } else {
    let p = ga__two_prod_f32(x, x);
    var q = ga__two_sum_f32(p.x, -1.0f);
    q.y = q.y + p.y;
    if (q.x <= 0.0f) { return 0.0f; }
    let s = ga__sqrt_ff_f32(q.x, q.y);
    var w = ga__two_sum_f32(x, s.x);
    w.y = w.y + s.y;
    r = ga__log_ff_f32(w.x, w.y);
  }
  return r.x + r.y;
}

// atanh(x) = (log1p(|x|) - log1p(-|x|))/2 in ff; |x| < 2^-4: odd Taylor series. Special: |x| > 1 -> NaN, +/-1 -> +/-inf,
// |x| < 2^-12 -> x.
fn ga_atanh_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (!(ax <= 1.0f)) { return ga__nan_f32(); }
  if (ax == 1.0f) { return ga__copysign_f32(ga__inf_f32(), x); }
  if (ax < 0x1p-12f) { return x; }
  if (ax < 0x1p-4f) {                                // Taylor to x^9 (next term < 2^-43 relative)
    let z = ax * ax;
    return ga__copysign_f32(ax + ax * z * (0.33333334f + z * (0.2f + z * (0.14285715f + z * 0.11111111f))), x);
  }
  let a = ga__log1p_ff_f32(ax);
  let b = ga__log1p_ff_f32(-ax);
  let r = ga__two_sum_f32(a.x, -b.x);
  return ga__copysign_f32(0.5f * (r.x + (r.y + a.y - b.y)), x);
}

// ---------------------------------------------------------------------------------------------------
// algebraic and two-argument

// cbrt(x): exponent/3 bit estimate, two Halley steps, one Newton step with the residual in ff.
// Subnormals m 2^-149 read as the integer m (exact), tiny values scaled by 2^93 (so t^3 and the residual
// stay normal: the H200 flushes subnormal intermediates), huge values by 2^-48. Special: NaN, +/-inf, +/-0 returned as is.
fn ga_cbrt_f32(x: f32) -> f32 {
  if (!ga__isfinite_f32(x)) { return x + x; }
  if (ga__iszero_f32(x)) { return x; }
  var a = ga__abs_f32(x);
  var scale = 1.0f;
  if (ga__issub_f32(a)) { a = f32(bitcast<u32>(a)) * 0x1p-5f; scale = 0x1p-48f; }   // m 2^-149 = (m 2^-5) 2^-144
  else if (a < 0x1p-90f) { a = a * 0x1p93f; scale = 0x1p-31f; }   // keeps t^3 and the residual normal
  if (a > 0x1p100f) { a = a * 0x1p-48f; scale = 0x1p16f; }
  var t = bitcast<f32>(bitcast<u32>(a) / 3u + 709958130u);
  for (var i = 0; i < 2; i = i + 1) {
    let t3 = t * t * t;
    t = t * ((t3 + 2.0f * a) / (2.0f * t3 + a));
  }
  let t2 = ga__two_prod_f32(t, t);
  let t3 = ga__two_prod_f32(t2.x, t);
  let res = ga__opq_f32(t3.x - a) + (t3.y + t2.y * t);
  t = t - res / (3.0f * t2.x);
  return ga__copysign_f32(t * scale, x);
}

// hypot(x, y): scaled by a power of two (on the bits) so max(|x|,|y|) is in [1, 2), x^2 + y^2 in ff, sqrt
// corrected in ff, scaled back on the bits.
// Special (C99): +/-inf with anything (NaN too) -> +inf; otherwise NaN -> NaN.
fn ga_hypot_f32(x: f32, y: f32) -> f32 {
  let ax = ga__abs_f32(x);
  let ay = ga__abs_f32(y);
  if (ga__isinf_f32(ax) || ga__isinf_f32(ay)) { return ga__inf_f32(); }
  if (ga__isnan_f32(ax) || ga__isnan_f32(ay)) { return ga__nan_f32(); }
  let hb = max(bitcast<u32>(ax), bitcast<u32>(ay));   // ordered on the bits (subnormals too)
  let lb = min(bitcast<u32>(ax), bitcast<u32>(ay));
  if (lb == 0u) { return bitcast<f32>(hb); }
  // exponent of hi (of its normalised form when subnormal); h = hi 2^-e in [1, 2), exact
  var e = i32(hb >> 23u) - 127;
  if (hb < 0x00800000u) { e = 31 - i32(countLeadingZeros(hb)) - 149; }
  let h = ga__ldexp_f32(bitcast<f32>(hb), -e);
  let l = ga__ldexp_f32(bitcast<f32>(lb), -e);        // if this underflows, lo^2 is far below hi^2's ulp
  let a = ga__two_prod_f32(h, h);
  let b = ga__two_prod_f32(l, l);
  var s = ga__two_sum_f32(a.x, b.x);
  s.y = s.y + a.y + b.y;
  var r = ga__sqrt_ff_f32(s.x, s.y);
  r = ga__fast_two_sum_f32(r.x, r.y);
  return ga__ldexp2_f32(r.x, r.y, e);                 // one rounding, also into the subnormal range
}

// log(1 + e) as ff for e = (eh + el) 2^k >= 0 from ga__exp_core_f32
fn ga__log1p_exp_parts_f32(c: vec3<f32>) -> vec2<f32> {
  let k = i32(c.z);
  let eh = ga__ldexp_f32(c.x, k);
  let el = ga__ldexp_f32(c.y, k);
  if (eh < 0.41f) { return ga__log1p_core_f32(eh, el); }
  let u = ga__two_sum_f32(1.0f, eh);
  return ga__log_ff_f32(u.x, u.y + el);
}

// logaddexp(x, y) = max + log1p(exp(-|x - y|)), all in ff. Special (NumPy): x == y -> x + ln2;
// NaN -> NaN; an infinite argument -> max (with -0.0 turned into +0.0, as NumPy's formula does).
fn ga_logaddexp_f32(x: f32, y: f32) -> f32 {
  if (x == y) { return x + GA__F32_LN2_HI; }
  if (ga__isnan_f32(x) || ga__isnan_f32(y)) { return ga__nan_f32(); }
  let m = ga__max_f32(x, y);
  let m0 = select(m, 0.0f, ga__iszero_f32(m));
  if (ga__isinf_f32(x) || ga__isinf_f32(y)) { return m0; }
  var d = ga__two_sum_f32(-abs(x - y), 0.0f);
  if (abs(x - y) < 0x1p100f) { d = ga__two_sum_f32(ga__min_f32(x, y), -m); }
  if (d.x < -105.0f) { return m0; }
  let c = ga__exp_core_f32(d.x, d.y);
  if (d.x < -60.0f && (bitcast<u32>(m) & GA__F32_ABS) < 0x21800000u) {
    // |m| < 2^-60 and log1p(e^d) = e^d < 2^-86: m + e^d may be subnormal, so add them 2^64 up
    var r = ga__two_sum_f32(ga__ldexp_f32(m, 64), ga__ldexp_f32(c.x, i32(c.z) + 64));
    r = ga__fast_two_sum_f32(r.x, r.y + ga__ldexp_f32(c.y, i32(c.z) + 64));
    return ga__ldexp2_f32(r.x, r.y, -64);
  }
  let l = ga__log1p_exp_parts_f32(c);
  let r = ga__two_sum_f32(m, l.x);
  return r.x + (r.y + l.y);
}

// logaddexp2(x, y) = max + log2(1 + 2^-|x - y|), as logaddexp. Special: x == y -> x + 1.
fn ga_logaddexp2_f32(x: f32, y: f32) -> f32 {
  if (x == y) { return x + 1.0f; }
  if (ga__isnan_f32(x) || ga__isnan_f32(y)) { return ga__nan_f32(); }
  let m = ga__max_f32(x, y);
  let m0 = select(m, 0.0f, ga__iszero_f32(m));
  if (ga__isinf_f32(x) || ga__isinf_f32(y)) { return m0; }
  var d = ga__two_sum_f32(-abs(x - y), 0.0f);
  if (abs(x - y) < 0x1p100f) { d = ga__two_sum_f32(ga__min_f32(x, y), -m); }
  if (d.x < -152.0f) { return m0; }
  var t = ga__two_prod_f32(d.x, GA__F32_LN2_HI);
  t.y = t.y + d.x * GA__F32_LN2_LO + d.y * GA__F32_LN2_HI;
  let c = ga__exp_core_f32(t.x, t.y);
  if (d.x < -60.0f && (bitcast<u32>(m) & GA__F32_ABS) < 0x21800000u) {
    // |m| < 2^-60, log2(1 + 2^d) = 2^d log2(e) < 2^-59: the sum may be subnormal, so add 2^64 up
    let eh = ga__ldexp_f32(c.x, i32(c.z) + 64);
    var q = ga__two_prod_f32(eh, GA__F32_LOG2E_HI);
    q.y = q.y + eh * GA__F32_LOG2E_LO + ga__ldexp_f32(c.y, i32(c.z) + 64) * GA__F32_LOG2E_HI;
    var r = ga__two_sum_f32(ga__ldexp_f32(m, 64), q.x);
    r = ga__fast_two_sum_f32(r.x, r.y + q.y);
    return ga__ldexp2_f32(r.x, r.y, -64);
  }
  let l = ga__log1p_exp_parts_f32(c);
  var q = ga__two_prod_f32(l.x, GA__F32_LOG2E_HI);
  q.y = q.y + l.x * GA__F32_LOG2E_LO + l.y * GA__F32_LOG2E_HI;
  let r = ga__two_sum_f32(m, q.x);
  return r.x + (r.y + q.y);
}

// frexp's parts from the bits: the significand in [0.5, 1) with x's sign, and the exponent (as f32, exact);
// zeros, infinities and NaN are their own significand with exponent 0. Subnormals are normalised first.
fn ga_frexpm_f32(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & GA__F32_ABS;
  if (a == 0u || a >= GA__F32_EXP) { return x; }
  var m = a & 0x7fffffu;
  if ((a >> 23u) == 0u) { m = (m << (countLeadingZeros(m) - 8u)) & 0x7fffffu; }
  return bitcast<f32>((b & GA__F32_SIGN) | (126u << 23u) | m);
}
fn ga_frexpe_f32(x: f32) -> f32 {
  let a = bitcast<u32>(x) & GA__F32_ABS;
  if (a == 0u || a >= GA__F32_EXP) { return 0.0f; }
  var e = i32(a >> 23u);
  if (e == 0) { e = 1 - (i32(countLeadingZeros(a)) - 8); }
  return f32(e - 126);
}
// ldexp with the exponent given as an f32 holding an integer (exact below 2^24; larger ones saturate)
fn ga_ldexp_f32(x: f32, n: f32) -> f32 { return ga__ldexp_f32(x, i32(clamp(n, -400.0f, 400.0f))); }

// The float16 bits (low 16 of a u32) of a float32, rounded to nearest, ties to even, as IEEE and
// NumPy round it: every float16 store writes these. WGSL leaves pack2x16float of a value past
// float16's range indeterminate (NVIDIA gives 65504 where NumPy gives an infinity), so magnitudes
// from 65520 on (which round to an infinity) are made on the bits; a NaN keeps its sign and top
// significand bits, as NumPy's conversion does, so float16 NaNs copy bit for bit.
fn ga_f16_bits(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  let a = b & 0x7fffffffu;
  let s = (b >> 16u) & 0x8000u;
  let h = select(pack2x16float(vec2<f32>(x, 0.0f)) & 0xffffu, 0x7c00u | s, a >= 0x477ff000u);
  return select(h, 0x7c00u | s | max((b >> 13u) & 0x3ffu, 1u), a > 0x7f800000u);
}

// nextafter in float16 of two float32 values that hold float16 values (float16 is computed in
// f32): one step of the float16 bits toward b, as NumPy's npy_half_nextafter (a NaN gives its
// NaN, equal values give a).
fn ga_nextafter16(a: f32, b: f32) -> f32 {
  if (ga__isnan_f32(a) || ga__isnan_f32(b)) { return bitcast<f32>(0x7fc00000u); }
  if (a == b) { return a; }
  let h = ga_f16_bits(a);
  var r = select(1u, 0x8001u, b < 0.0f);  // from a zero: the smallest subnormal toward b
  if (a != 0.0f) { r = select(h - 1u, h + 1u, (a < b) == (a > 0.0f)); }
  return unpack2x16float(r).x;
}

// A float32 rounded to float16 (ga_f16_bits), as a float32. A NaN stays as it is, where a
// conversion back from float16 could quiet a signaling one.
fn ga_f16_round(x: f32) -> f32 {
  return select(unpack2x16float(ga_f16_bits(x)).x, x, (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u);
}
