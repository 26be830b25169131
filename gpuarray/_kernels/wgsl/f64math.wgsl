// f64math.wgsl -- float64 elementary functions written from + - * / fma sqrt and bit manipulation.
//
// Why: the drivers' f64 transcendentals are unusable (lavapipe returns garbage, the H200 gives f32
// precision for exp and loses the device on log), see shared/FACTS.md.
// Requires: device features `shader-f64` and `shader-int64`. No bindings, no entry points: prepend this
// text to a kernel (or only the functions it reaches: every name here starts with `ga_` / `GA_`).
// Public:  ga_<name>_f64 with NumPy/C99 special values (inf, NaN, signed zeros, subnormals).
// Private: ga__* helpers and GA__* constants.
// Driver traps handled here. Without SPIR-V NoContraction (naga never emits it) a driver may fuse, re-associate
// and simplify float expressions, and the two we test on do so differently:
//  - lavapipe: f64 `fma` is NOT fused (a rounded multiply and an add); (a + b) - a becomes b, x * 0.0 becomes 0.
//  - H200 (NVIDIA 580): `fma` and contracted a*b + c ARE fused; (a + b) - a becomes b; x - k*C1 - k*C2 became
//    x - k*(C1 + C2) with C1 + C2 folded (cosh: 213 ULP); q + r / c with q = a / c became (a + r) / c (tan,
//    tanh: 2 ULP); and it proved the former barrier i | u64(i < i >> 1) to be the identity and removed it,
//    so every error term became 0 (expm1 returned 0 for 1e-16; sinh/tanh/asinh 1e8 ULP near 1e-8).
// So: exact products use Dekker's split (right whether or not a partial product is fused); every error-free
// transformation fences its inputs, each step and its results with ga__opq, which is NOT an identity (it flips
// a payload bit of some NaNs), so no compiler can look through it; a quotient or root that is later corrected
// is fenced before use; small arguments of expm1, log1p, sinh, tanh, asinh, atanh use plain Taylor
// polynomials (no error-free transformation at all). Do not "simplify" any of that.
// Conventions: a "dd" (double-double) is vec2<f64>(hi, lo) with value hi + lo, |lo| <= ulp(hi)/2 or so.
// Polynomial coefficients are minimax (Remez, relative error) fits made for this file.
// Accuracy (bench/accuracy.md): every function within 1 ULP of the correctly rounded result on lavapipe
// and on the H200 (tests/test_wgsl_math.py, ~100,000 inputs per function).

const GA__ABS: u64 = 0x7ffffffffffffffflu;
const GA__SIGN: u64 = 0x8000000000000000lu;
const GA__EXP: u64 = 0x7ff0000000000000lu;
const GA__FRAC: u64 = 0x000fffffffffffff;

const GA__LN2_HI: f64 = 0.6931471805599453lf;        // ln 2 = HI + LO (dd)
const GA__LN2_LO: f64 = 2.3190468138462996e-17lf;
const GA__LN2_HI32: f64 = 0.6931471803691238lf;      // 32 significant bits: k * HI32 exact for |k| < 2^21
const GA__LN2_LO32: f64 = 1.9082149292705877e-10lf;
const GA__INV_LN2: f64 = 1.4426950408889634lf;
const GA__LOG2E_HI: f64 = 1.4426950408889634lf;
const GA__LOG2E_LO: f64 = 2.0355273740931033e-17lf;
const GA__LOG10E_HI: f64 = 0.4342944819032518lf;
const GA__LOG10E_LO: f64 = 1.098319650216765e-17lf;
const GA__LOG10_2_HI: f64 = 0.3010299956639812lf;
const GA__LOG10_2_LO: f64 = -2.8037281277851704e-18lf;
const GA__PIO2_1: f64 = 1.5707963267948966lf;        // pi/2 = 1 + 2 (dd)
const GA__PIO2_2: f64 = 6.123233995736766e-17lf;
const GA__PIO2_C1: f64 = 1.5707963267341256lf;       // pi/2 in 33-bit pieces C1 + C2 + C3 (+ C4, 53 bits):
const GA__PIO2_C2: f64 = 6.077100506303966e-11lf;    // n * Ci is exact for |n| < 2^20
const GA__PIO2_C3: f64 = 2.0222662487111665e-21lf;
const GA__PIO2_C4: f64 = 8.4784276603689e-32lf;
const GA__PI_HI: f64 = 3.141592653589793lf;
const GA__PI_LO: f64 = 1.2246467991473532e-16lf;
const GA__PIO4_HI: f64 = 0.7853981633974483lf;
const GA__PIO4_LO: f64 = 3.061616997868383e-17lf;
const GA__TWO_OVER_PI: f64 = 0.6366197723675814lf;

// 2/pi in base 2^32: 2/pi = sum_j GA__TWO_OVER_PI_BITS[j] * 2^(-32 (j+1)). 40 words cover |x| < 2^1024.
const GA__TWO_OVER_PI_BITS = array<u32, 40>(
  0xA2F9836Eu, 0x4E441529u, 0xFC2757D1u, 0xF534DDC0u, 0xDB629599u, 0x3C439041u, 0xFE5163ABu, 0xDEBBC561u,
  0xB7246E3Au, 0x424DD2E0u, 0x06492EEAu, 0x09D1921Cu, 0xFE1DEB1Cu, 0xB129A73Eu, 0xE88235F5u, 0x2EBB4484u,
  0xE99C7026u, 0xB45F7E41u, 0x3991D639u, 0x835339F4u, 0x9C845F8Bu, 0xBDF9283Bu, 0x1FF897FFu, 0xDE05980Fu,
  0xEF2F118Bu, 0x5A0A6D1Fu, 0x6D367ECFu, 0x27CB09B7u, 0x4F463F66u, 0x9E5FEA2Du, 0x7527BAC7u, 0xEBE5F17Bu,
  0x3D0739F7u, 0x8A5292EAu, 0x6BFB5FB1u, 0x1F8D5D08u, 0x56033046u, 0xFC7B6BABu, 0xF0CFBC20u, 0x9AF4361Du);

// ---------------------------------------------------------------------------------------------------
// bit helpers and error-free transformations

fn ga__isnan(x: f64) -> bool { return (bitcast<u64>(x) & GA__ABS) > GA__EXP; }
fn ga__isinf(x: f64) -> bool { return (bitcast<u64>(x) & GA__ABS) == GA__EXP; }
fn ga__isfinite(x: f64) -> bool { return (bitcast<u64>(x) & GA__ABS) < GA__EXP; }
fn ga__nan() -> f64 { return bitcast<f64>(0x7ff8000000000000lu); }
fn ga__inf() -> f64 { return bitcast<f64>(GA__EXP); }
// |x| with the sign bit of s
fn ga__copysign(x: f64, s: f64) -> f64 {
  return bitcast<f64>((bitcast<u64>(x) & GA__ABS) | (bitcast<u64>(s) & GA__SIGN));
}
// 2^k for -1022 <= k <= 1023
fn ga__pow2i(k: i32) -> f64 { return bitcast<f64>(u64(k + 1023) << 52u); }
// x * 2^k for any |k| <= 2100, one rounding (musl scalbn's trick: the first step down stays normal)
fn ga__ldexp(x: f64, k: i32) -> f64 {
  var y = x;
  var n = k;
  if (n > 1023) {
    y = y * 0x1p1023lf; n = n - 1023;
    if (n > 1023) { y = y * 0x1p1023lf; n = min(n - 1023, 1023); }
  } else if (n < -1022) {
    y = y * 0x1p-969lf; n = n + 969;
    if (n < -1022) { y = y * 0x1p-969lf; n = max(n + 969, -1022); }
  }
  return y * ga__pow2i(n);
}
// Optimisation barrier: returns x unchanged for every number, inf and ordinary NaN; only NaNs whose two
// lowest payload bits are both set get payload bit 1 flipped (still NaN). Because it is NOT an identity,
// no compiler can remove it or reason "opq(a + b) == a + b", so nothing is re-associated, distributed
// or contracted (fma) across it. (The former barrier, i | (i < i >> 1), IS an identity, and the NVIDIA
// driver proved it: every error term became 0.)
fn ga__opq(x: f64) -> f64 {
  let i = bitcast<u64>(x);
  return bitcast<f64>(select(i, i ^ 2lu, (i & 0x7ff0000000000003lu) == 0x7ff0000000000003lu));
}
// s + e = a + b exactly (Knuth). Inputs, result and every step are fenced: a*b + c feeding in from the
// caller must not be contracted into the sum, and no step may be re-associated.
fn ga__two_sum(a0: f64, b0: f64) -> vec2<f64> {
  let a = ga__opq(a0);
  let b = ga__opq(b0);
  let s = ga__opq(a + b);
  let bb = ga__opq(s - a);
  let aa = ga__opq(s - bb);
  return vec2<f64>(s, ga__opq(ga__opq(a - aa) + ga__opq(b - bb)));
}
// s + e = a + b exactly, needs |a| >= |b| (Dekker)
fn ga__fast_two_sum(a0: f64, b0: f64) -> vec2<f64> {
  let a = ga__opq(a0);
  let b = ga__opq(b0);
  let s = ga__opq(a + b);
  return vec2<f64>(s, ga__opq(b - ga__opq(s - a)));
}
// Veltkamp split of a fenced a: a = hi + lo, each with <= 26 significant bits (|a| < 2^995)
fn ga__split(a: f64) -> vec2<f64> {
  let c = ga__opq(134217729.0lf * a);
  let h = ga__opq(c - ga__opq(c - a));
  return vec2<f64>(h, ga__opq(a - h));
}
// p + e = a * b exactly (Dekker; |a|, |b| < 2^995 and no underflow in the partial products). The partial
// products are exact, so a contracted (fused) partial product + sum gives the same value; each sum is fenced.
fn ga__two_prod(a0: f64, b0: f64) -> vec2<f64> {
  let a = ga__opq(a0);
  let b = ga__opq(b0);
  let p = ga__opq(a * b);
  let x = ga__split(a);
  let y = ga__split(b);
  var e = ga__opq(x.x * y.x - p);
  e = ga__opq(e + x.x * y.y);
  e = ga__opq(e + x.y * y.x);
  return vec2<f64>(p, ga__opq(e + x.y * y.y));
}
// a - b * c exactly rounded once, for a ~ b * c (the remainder of a division or a square root)
// The quotient/root b must be fenced (b = ga__opq(a / c)) wherever it is then summed with the correction
// resid / c: the NVIDIA compiler rewrites q + r / c with q = a / c as (a + r) / c, which loses r (tan, tanh
// were 2 ULP off); with a fenced q it cannot. (There the f32 / and sqrt are also not correctly rounded: the
// correction repairs that, as long as every use sees the same q.)
fn ga__resid(a: f64, b: f64, c: f64) -> f64 {
  let p = ga__two_prod(b, c);
  return ga__opq(ga__opq(a) - p.x) - p.y;
}

// ---------------------------------------------------------------------------------------------------
// exp family

// Core of exp: for dd x = xh + xl with |xh| <= ~750 returns (mh, ml, k) with exp(x) = (mh + ml) * 2^k,
// mh in [0.7, 1.42], relative accuracy ~2^-62.
// Reduction: k = round(x / ln2), r = x - k ln2 with a 32-bit ln2 head (exact product) + tail, kept as dd.
// Then exp(r) = 1 + r + r^2/2 + r^3 P(r) on |r| <= 0.347, P minimax degree 9 (rel. err 4.7e-17);
// the first two terms are summed exactly (two_sum / two_prod), the rest and the dd tail go to the low part.
fn ga__exp_core(xh: f64, xl: f64) -> vec3<f64> {
  let kf = floor(xh * GA__INV_LN2 + 0.5lf);
  let a = xh - kf * GA__LN2_HI32;                 // exact (Sterbenz, exact product)
  let b = kf * GA__LN2_LO32;
  var r = ga__two_sum(a, -b);
  r.y = r.y + xl;
  r = ga__fast_two_sum(r.x, r.y);
  let rh = r.x;
  let p = rh * rh * rh * (0.16666666666666669lf + rh * (0.04166666666666666lf + rh * (0.008333333333330063lf
    + rh * (0.001388888888890059lf + rh * (0.00019841269863055968lf + rh * (2.4801587275091305e-05lf
    + rh * (2.7557268449201705e-06lf + rh * (2.7557329624189134e-07lf + rh * (2.5100393182064924e-08lf
    + rh * 2.089398511213907e-09lf)))))))));
  let q = ga__two_prod(0.5lf * rh, rh);            // r^2/2 exactly
  let s = ga__two_sum(rh, q.x);                     // r + r^2/2 (dd)
  let lo = s.y + q.y + p + r.y * (1.0lf + rh + q.x);
  var m = ga__fast_two_sum(1.0lf, s.x);             // 1 + (s.x + lo)
  m = ga__fast_two_sum(m.x, m.y + lo);
  return vec3<f64>(m.x, m.y, kf);
}

// exp(x). Special: NaN -> NaN, +inf -> +inf, -inf -> +0, overflow (x > 709.78) -> inf, underflow to
// subnormals (one extra rounding there: <= 1 ULP) and to +0 below -745.13.
fn ga_exp_f64(x: f64) -> f64 {
  // fast path for results in the normal range: k = round(x / ln2), r = x - k ln2 with a 32-bit ln2
  // head (k * C1 exact) fenced before the tail step, |r| <= 0.347, degree-13 Taylor polynomial
  // (truncation 1e-17 relative) by Horner, 2^k through the exponent bits. No double-double.
  if (abs(x) < 708.0lf) {
    let k = floor(x * 1.4426950408889634lf + 0.5lf);
    let r = ga__opq(x - k * 0.6931471803691238lf) - k * 1.9082149292705877e-10lf;
    var p = 1.6059043836821613e-10lf;
    p = p * r + 2.08767569878681e-09lf;
    p = p * r + 2.505210838544172e-08lf;
    p = p * r + 2.755731922398589e-07lf;
    p = p * r + 2.7557319223985893e-06lf;
    p = p * r + 2.48015873015873e-05lf;
    p = p * r + 0.0001984126984126984lf;
    p = p * r + 0.001388888888888889lf;
    p = p * r + 0.008333333333333333lf;
    p = p * r + 0.041666666666666664lf;
    p = p * r + 0.16666666666666666lf;
    p = p * r + 0.5lf;
    p = p * r + 1.0lf;
    p = p * r + 1.0lf;
    return p * bitcast<f64>(u64(i64(k) + 1023li) << 52u);
  }
  if (ga__isnan(x)) { return x + x; }
  if (x > 710.0lf) { return ga__inf(); }
  if (x < -746.0lf) { return 0.0lf; }
  let c = ga__exp_core(x, 0.0lf);
  return ga__ldexp(c.x + c.y, i32(c.z));
}

// exp2(x): k = round(x), t = x - k exact in [-1/2, 1/2], 2^t = exp(t ln2) with t*ln2 formed as dd.
// Exact for integer x. Special: as exp, overflow at x >= 1024, +0 below -1075.
fn ga_exp2_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  if (x >= 1024.0lf) { return ga__inf(); }
  if (x < -1080.0lf) { return 0.0lf; }
  let kf = floor(x + 0.5lf);
  let t = x - kf;
  var th = ga__two_prod(t, GA__LN2_HI);
  let c = ga__exp_core(th.x, th.y + t * GA__LN2_LO);
  return ga__ldexp(c.x + c.y, i32(kf) + i32(c.z));
}

// expm1 as dd for finite |x| <= ~709: exp(x) = (mh + ml) 2^k from the core, then 2^k mh - 1 by two_sum
// (2^k mh exact), tail added once. No cancellation trouble: for k = 0, mh - 1 is exact and ml carries
// the rest of r + r^2/2 + ... exactly.
fn ga__expm1_dd(x: f64) -> vec2<f64> {
  let c = ga__exp_core(x, 0.0lf);
  let k = i32(c.z);
  let a = ga__ldexp(c.x, k);
  let b = ga__ldexp(c.y, k);
  var s = ga__two_sum(a, -1.0lf);
  s.y = s.y + b;
  return ga__fast_two_sum(s.x, s.y);
}

// expm1(x). Special: NaN -> NaN, +inf -> +inf, -inf -> -1, +/-0 and |x| < 2^-54 -> x (keeps -0.0),
// x < -38 -> -1 (correctly rounded), x > 40 -> exp(x) (overflow above 709.78). |x| < 2^-9: Taylor series
// x + x^2 (1/2 + x/6 + ...): no cancellation and no error-free transformation, so it does not depend on
// how the driver contracts or re-associates (the dd path's 2^k m - 1 does).
fn ga_expm1_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  if (x > 40.0lf) { return ga_exp_f64(x); }         // exp(x) - 1 rounds to exp(x) there
  if (x < -38.0lf) { return -1.0lf; }
  if (abs(x) < 0x1p-54lf) { return x; }
  if (abs(x) < 0x1p-9lf) {                           // Taylor to x^7 (next term < 2^-70 relative)
    return x + x * x * (0.5lf + x * (0.16666666666666666lf + x * (0.041666666666666664lf
      + x * (0.008333333333333333lf + x * (0.001388888888888889lf + x * 0.0001984126984126984lf)))));
  }
  let e = ga__expm1_dd(x);
  return e.x + e.y;
}

// ---------------------------------------------------------------------------------------------------
// log family

// log(1 + f) as dd for dd f with s = f / (2 + f) in [-0.1716, 0.1716] (f in [sqrt(1/2) - 1, sqrt(2) - 1]).
// log(1+f) = 2 atanh(s) = 2s + s^3 (2/3 + 2/5 s^2 + s^4 Q(s^2)), Q minimax degree 6 (rel. err 8.6e-16,
// weight <= 3.6e-6 in the sum). s, s^2, s^3 and the 2/3 term are carried in dd: relative error ~2^-66,
// enough for pow.
fn ga__log1p_core(fh: f64, fl: f64) -> vec2<f64> {
  var d = ga__fast_two_sum(2.0lf, fh);
  d.y = d.y + fl;
  let sh = ga__opq(fh / d.x);                       // fenced, see ga__resid
  let sl = (ga__resid(fh, sh, d.x) + fl - sh * d.y) / d.x;
  let z = ga__two_prod(sh, sh);
  let zh = z.x;
  let zl = z.y + 2.0lf * sh * sl;
  let q = 0.285714285714286lf + zh * (0.22222222222140545lf + zh * (0.18181818226127952lf
    + zh * (0.1538460638220991lf + zh * (0.133342024968416lf + zh * (0.11721798511191153lf
    + zh * 0.11566512574682782lf)))));
  let t = zh * (0.4lf + zh * q);
  var p = ga__two_sum(0.6666666666666666lf, t);     // P = 2/3 + t  (dd; 2/3 = HI + 3.7e-17)
  p.y = p.y + 3.700743415417188e-17lf;
  var c = ga__two_prod(sh, zh);                     // s^3 (dd)
  c.y = c.y + sh * zl + sl * zh;
  var b = ga__two_prod(c.x, p.x);                   // s^3 P (dd)
  b.y = b.y + c.x * p.y + c.y * p.x;
  var r = ga__two_sum(2.0lf * sh, b.x);
  r.y = r.y + 2.0lf * sl + b.y;
  return ga__fast_two_sum(r.x, r.y);
}

// For a positive finite dd x: returns (k, Lh, Ll) with log(x) = k ln2 + (Lh + Ll), |Lh| <= 0.35.
// x = 2^k m with m in [sqrt(1/2), sqrt(2)); subnormal heads are scaled by 2^54 first.
fn ga__log_parts(xh: f64, xl: f64) -> vec3<f64> {
  var h = xh;
  var l = xl;
  var k = 0;
  if (h < 0x1p-1022lf) { h = h * 0x1p54lf; l = l * 0x1p54lf; k = -54; }
  let bits = bitcast<u64>(h);
  k = k + i32((bits >> 52u) & 0x7fflu) - 1023;
  var m = bitcast<f64>((bits & GA__FRAC) | 0x3ff0000000000000lu);
  var ml = ga__ldexp(l, -k);
  if (m > 1.4142135623730951lf) { m = 0.5lf * m; ml = 0.5lf * ml; k = k + 1; }
  let f = ga__two_sum(m - 1.0lf, ml);              // m - 1 exact
  let L = ga__log1p_core(f.x, f.y);
  return vec3<f64>(f64(k), L.x, L.y);
}

// natural log of a positive finite dd x, as dd
fn ga__log_dd(xh: f64, xl: f64) -> vec2<f64> {
  let p = ga__log_parts(xh, xl);
  var a = ga__two_prod(p.x, GA__LN2_HI);
  a.y = a.y + p.x * GA__LN2_LO;
  var r = ga__two_sum(a.x, p.y);
  r.y = r.y + a.y + p.z;
  return ga__fast_two_sum(r.x, r.y);
}

// log1p of a finite x > -1, as dd
fn ga__log1p_dd(x: f64) -> vec2<f64> {
  if (x > -0.2928932188134524lf && x < 0.41421356237309503lf) { return ga__log1p_core(x, 0.0lf); }
  let u = ga__two_sum(1.0lf, x);
  return ga__log_dd(u.x, u.y);
}

// log(x) = k ln2 + log(m), see ga__log_parts. Special: x < 0 -> NaN, +/-0 -> -inf, +inf -> +inf,
// NaN -> NaN, log(1) = +0.
fn ga_log_f64(x: f64) -> f64 {
  if (ga__isnan(x) || x < 0.0lf) { return ga__nan(); }
  if (x == 0.0lf) { return -ga__inf(); }
  if (ga__isinf(x)) { return x; }
  let r = ga__log_dd(x, 0.0lf);
  return r.x + r.y;
}

// log2(x) = k + log(m) * log2(e) (dd product): exact for powers of two. Specials as log.
fn ga_log2_f64(x: f64) -> f64 {
  if (ga__isnan(x) || x < 0.0lf) { return ga__nan(); }
  if (x == 0.0lf) { return -ga__inf(); }
  if (ga__isinf(x)) { return x; }
  let p = ga__log_parts(x, 0.0lf);
  var t = ga__two_prod(p.y, GA__LOG2E_HI);
  t.y = t.y + p.y * GA__LOG2E_LO + p.z * GA__LOG2E_HI;
  var r = ga__two_sum(p.x, t.x);
  return r.x + (r.y + t.y);
}

// log10(x) = k log10(2) + log(m) log10(e), both products in dd. Exact for 10^n where representable.
fn ga_log10_f64(x: f64) -> f64 {
  if (ga__isnan(x) || x < 0.0lf) { return ga__nan(); }
  if (x == 0.0lf) { return -ga__inf(); }
  if (ga__isinf(x)) { return x; }
  let p = ga__log_parts(x, 0.0lf);
  var a = ga__two_prod(p.x, GA__LOG10_2_HI);
  a.y = a.y + p.x * GA__LOG10_2_LO;
  var t = ga__two_prod(p.y, GA__LOG10E_HI);
  t.y = t.y + p.y * GA__LOG10E_LO + p.z * GA__LOG10E_HI;
  var r = ga__two_sum(a.x, t.x);
  return r.x + (r.y + a.y + t.y);
}

// log1p(x): direct core on [sqrt(1/2) - 1, sqrt(2) - 1], else log of the dd 1 + x.
// |x| < 2^-10: Taylor series. Special: x < -1 -> NaN, -1 -> -inf, +inf -> +inf, |x| < 2^-54 -> x (keeps -0.0).
fn ga_log1p_f64(x: f64) -> f64 {
  if (ga__isnan(x) || x < -1.0lf) { return ga__nan(); }
  if (x == -1.0lf) { return -ga__inf(); }
  if (ga__isinf(x)) { return x; }
  if (abs(x) < 0x1p-54lf) { return x; }
  if (abs(x) < 0x1p-10lf) {                          // Taylor to x^7 (next term < 2^-72 relative)
    return x + x * x * (-0.5lf + x * (0.3333333333333333lf + x * (-0.25lf + x * (0.2lf
      + x * (-0.16666666666666666lf + x * 0.14285714285714285lf)))));
  }
  let r = ga__log1p_dd(x);
  return r.x + r.y;
}

// ---------------------------------------------------------------------------------------------------
// pow

// true when y (finite) is an odd integer
fn ga__is_odd_int(y: f64) -> bool {
  if (abs(y) >= 0x1p53lf || floor(y) != y) { return false; }
  return (i64(y) & 1li) != 0li;
}

// pow(x, y) = exp(y log|x|) with log|x| in dd (rel. err ~2^-66) and the product y*log|x| in dd, so the
// result is within ~0.5 ULP for every |y log x| <= 745. Special values (C99 F.9.4.4 / NumPy):
// pow(x, +/-0) = 1 for any x (NaN too); pow(1, y) = 1 for any y (NaN too); other NaN -> NaN;
// pow(-1, +/-inf) = 1; |x| < 1: pow(x, -inf) = +inf, pow(x, +inf) = +0; |x| > 1: the reverse;
// pow(+/-0, y<0 odd int) = +/-inf, pow(+/-0, y<0 other) = +inf, pow(+/-0, y>0 odd int) = +/-0, else +0;
// pow(-inf, y) = pow(-0, -y); pow(+inf, y<0) = +0, pow(+inf, y>0) = +inf;
// x < 0 finite and y finite non-integer -> NaN; x < 0 and y odd integer -> -pow(|x|, y).
fn ga_pow_f64(x: f64, y: f64) -> f64 {
  if (y == 0.0lf || x == 1.0lf) { return 1.0lf; }
  if (ga__isnan(x) || ga__isnan(y)) { return ga__nan(); }
  let ax = abs(x);
  if (ga__isinf(y)) {
    if (ax == 1.0lf) { return 1.0lf; }
    if ((ax < 1.0lf) == (y < 0.0lf)) { return ga__inf(); }
    return 0.0lf;
  }
  let odd = ga__is_odd_int(y);
  let neg = x < 0.0lf || (x == 0.0lf && (bitcast<u64>(x) & GA__SIGN) != 0lu);
  let sgn = select(1.0lf, -1.0lf, neg && odd);
  if (x == 0.0lf) {
    return ga__copysign(select(0.0lf, ga__inf(), y < 0.0lf), sgn);
  }
  if (ga__isinf(x)) {
    return ga__copysign(select(ga__inf(), 0.0lf, y < 0.0lf), sgn);
  }
  if (x < 0.0lf && floor(y) != y) { return ga__nan(); }
  if (ax == 1.0lf) { return sgn; }
  // |log x| >= 2^-53 here, so |y| >= 2^64 always over/underflows (and would overflow Dekker's split)
  if (abs(y) >= 0x1p64lf) { return ga__copysign(select(0.0lf, ga__inf(), (ax < 1.0lf) == (y < 0.0lf)), sgn); }
  let L = ga__log_dd(ax, 0.0lf);
  var p = ga__two_prod(y, L.x);
  if (p.x > 710.0lf) { return ga__copysign(ga__inf(), sgn); }
  if (p.x < -746.0lf) { return ga__copysign(0.0lf, sgn); }
  p.y = p.y + y * L.y;
  let c = ga__exp_core(p.x, p.y);
  return ga__copysign(ga__ldexp(c.x + c.y, i32(c.z)), sgn);
}

// ---------------------------------------------------------------------------------------------------
// trigonometric

// 64 bits of the limbs a|b|c (little-endian 32-bit words) starting o bits into a
fn ga__win64(a: u32, b: u32, c: u32, o: u32) -> u64 {
  let lo = u64(a) | (u64(b) << 32u);
  return (lo >> o) | ((u64(c) << (63u - o)) << 1u);
}

// Payne-Hanek reduction, used for finite |x| >= ~2^20.65 (valid for any finite |x| >= 2^20):
// x = m 2^e (m a 53-bit integer); x * 2/pi mod 4 only needs the 2/pi bits from 2^-(e-1) on: 7 words
// (224 bits) of the table times m give the quadrant and >= 128 fraction bits (the closest double to a
// multiple of pi/2 leaves a fraction ~2^-62, so >= 64 good bits remain). Returns (n mod 4, rh, rl).
// Written out without arrays indexed by computed values or loops, as ga__rem_pio2_large_f32 (why:
// there).
fn ga__rem_pio2_large(x: f64) -> vec3<f64> {
  let b = bitcast<u64>(x) & GA__ABS;
  let ex = i32(b >> 52u) - 1075;
  let m = (b & GA__FRAC) | 0x0010000000000000lu;
  let m_lo = m & 0xfffffffflu;
  let m_hi = m >> 32u;
  let j0 = u32(max((ex - 2) / 32, 0));               // first word: 0 ..= 30
  // table words j0 ..= j0 + 6: w<b>_k is word k of the table shifted down by the bits of j0 from b up
  let h16 = (j0 & 16u) != 0u;
  let w16_0 = select(GA__TWO_OVER_PI_BITS[0], GA__TWO_OVER_PI_BITS[16], h16);
  let w16_1 = select(GA__TWO_OVER_PI_BITS[1], GA__TWO_OVER_PI_BITS[17], h16);
  let w16_2 = select(GA__TWO_OVER_PI_BITS[2], GA__TWO_OVER_PI_BITS[18], h16);
  let w16_3 = select(GA__TWO_OVER_PI_BITS[3], GA__TWO_OVER_PI_BITS[19], h16);
  let w16_4 = select(GA__TWO_OVER_PI_BITS[4], GA__TWO_OVER_PI_BITS[20], h16);
  let w16_5 = select(GA__TWO_OVER_PI_BITS[5], GA__TWO_OVER_PI_BITS[21], h16);
  let w16_6 = select(GA__TWO_OVER_PI_BITS[6], GA__TWO_OVER_PI_BITS[22], h16);
  let w16_7 = select(GA__TWO_OVER_PI_BITS[7], GA__TWO_OVER_PI_BITS[23], h16);
  let w16_8 = select(GA__TWO_OVER_PI_BITS[8], GA__TWO_OVER_PI_BITS[24], h16);
  let w16_9 = select(GA__TWO_OVER_PI_BITS[9], GA__TWO_OVER_PI_BITS[25], h16);
  let w16_10 = select(GA__TWO_OVER_PI_BITS[10], GA__TWO_OVER_PI_BITS[26], h16);
  let w16_11 = select(GA__TWO_OVER_PI_BITS[11], GA__TWO_OVER_PI_BITS[27], h16);
  let w16_12 = select(GA__TWO_OVER_PI_BITS[12], GA__TWO_OVER_PI_BITS[28], h16);
  let w16_13 = select(GA__TWO_OVER_PI_BITS[13], GA__TWO_OVER_PI_BITS[29], h16);
  let w16_14 = select(GA__TWO_OVER_PI_BITS[14], GA__TWO_OVER_PI_BITS[30], h16);
  let w16_15 = select(GA__TWO_OVER_PI_BITS[15], GA__TWO_OVER_PI_BITS[31], h16);
  let w16_16 = select(GA__TWO_OVER_PI_BITS[16], GA__TWO_OVER_PI_BITS[32], h16);
  let w16_17 = select(GA__TWO_OVER_PI_BITS[17], GA__TWO_OVER_PI_BITS[33], h16);
  let w16_18 = select(GA__TWO_OVER_PI_BITS[18], GA__TWO_OVER_PI_BITS[34], h16);
  let w16_19 = select(GA__TWO_OVER_PI_BITS[19], GA__TWO_OVER_PI_BITS[35], h16);
  let w16_20 = select(GA__TWO_OVER_PI_BITS[20], GA__TWO_OVER_PI_BITS[36], h16);
  let w16_21 = select(GA__TWO_OVER_PI_BITS[21], GA__TWO_OVER_PI_BITS[37], h16);
  let h8 = (j0 & 8u) != 0u;
  let w8_0 = select(w16_0, w16_8, h8);
  let w8_1 = select(w16_1, w16_9, h8);
  let w8_2 = select(w16_2, w16_10, h8);
  let w8_3 = select(w16_3, w16_11, h8);
  let w8_4 = select(w16_4, w16_12, h8);
  let w8_5 = select(w16_5, w16_13, h8);
  let w8_6 = select(w16_6, w16_14, h8);
  let w8_7 = select(w16_7, w16_15, h8);
  let w8_8 = select(w16_8, w16_16, h8);
  let w8_9 = select(w16_9, w16_17, h8);
  let w8_10 = select(w16_10, w16_18, h8);
  let w8_11 = select(w16_11, w16_19, h8);
  let w8_12 = select(w16_12, w16_20, h8);
  let w8_13 = select(w16_13, w16_21, h8);
  let h4 = (j0 & 4u) != 0u;
  let w4_0 = select(w8_0, w8_4, h4);
  let w4_1 = select(w8_1, w8_5, h4);
  let w4_2 = select(w8_2, w8_6, h4);
  let w4_3 = select(w8_3, w8_7, h4);
  let w4_4 = select(w8_4, w8_8, h4);
  let w4_5 = select(w8_5, w8_9, h4);
  let w4_6 = select(w8_6, w8_10, h4);
  let w4_7 = select(w8_7, w8_11, h4);
  let w4_8 = select(w8_8, w8_12, h4);
  let w4_9 = select(w8_9, w8_13, h4);
  let h2 = (j0 & 2u) != 0u;
  let w2_0 = select(w4_0, w4_2, h2);
  let w2_1 = select(w4_1, w4_3, h2);
  let w2_2 = select(w4_2, w4_4, h2);
  let w2_3 = select(w4_3, w4_5, h2);
  let w2_4 = select(w4_4, w4_6, h2);
  let w2_5 = select(w4_5, w4_7, h2);
  let w2_6 = select(w4_6, w4_8, h2);
  let w2_7 = select(w4_7, w4_9, h2);
  let h1 = (j0 & 1u) != 0u;
  let w1_0 = select(w2_0, w2_1, h1);
  let w1_1 = select(w2_1, w2_2, h1);
  let w1_2 = select(w2_2, w2_3, h1);
  let w1_3 = select(w2_3, w2_4, h1);
  let w1_4 = select(w2_4, w2_5, h1);
  let w1_5 = select(w2_5, w2_6, h1);
  let w1_6 = select(w2_6, w2_7, h1);
  // m times those words in 32-bit limbs l0 (lowest) ..= l8: m_lo's products, then m_hi's with carries
  let p0 = m_lo * u64(w1_6);
  let k0 = p0 >> 32u;
  let p1 = m_lo * u64(w1_5) + k0;
  let k1 = p1 >> 32u;
  let p2 = m_lo * u64(w1_4) + k1;
  let k2 = p2 >> 32u;
  let p3 = m_lo * u64(w1_3) + k2;
  let k3 = p3 >> 32u;
  let p4 = m_lo * u64(w1_2) + k3;
  let k4 = p4 >> 32u;
  let p5 = m_lo * u64(w1_1) + k4;
  let k5 = p5 >> 32u;
  let p6 = m_lo * u64(w1_0) + k5;
  let k6 = p6 >> 32u;
  let l0 = u32(p0 & 0xfffffffflu);
  let q0 = m_hi * u64(w1_6) + (p1 & 0xfffffffflu);
  let e0 = q0 >> 32u;
  let l1 = u32(q0 & 0xfffffffflu);
  let q1 = m_hi * u64(w1_5) + (p2 & 0xfffffffflu) + e0;
  let e1 = q1 >> 32u;
  let l2 = u32(q1 & 0xfffffffflu);
  let q2 = m_hi * u64(w1_4) + (p3 & 0xfffffffflu) + e1;
  let e2 = q2 >> 32u;
  let l3 = u32(q2 & 0xfffffffflu);
  let q3 = m_hi * u64(w1_3) + (p4 & 0xfffffffflu) + e2;
  let e3 = q3 >> 32u;
  let l4 = u32(q3 & 0xfffffffflu);
  let q4 = m_hi * u64(w1_2) + (p5 & 0xfffffffflu) + e3;
  let e4 = q4 >> 32u;
  let l5 = u32(q4 & 0xfffffffflu);
  let q5 = m_hi * u64(w1_1) + (p6 & 0xfffffffflu) + e4;
  let e5 = q5 >> 32u;
  let l6 = u32(q5 & 0xfffffffflu);
  let q6 = m_hi * u64(w1_0) + k6 + e5;
  let e6 = q6 >> 32u;
  let l7 = u32(q6 & 0xfffffffflu);
  let l8 = u32(e6);
  // binary point of the product s = 32 (j0 + 7) - ex bits up: 191 ..= 256 (ex >= -32 here), so the
  // quadrant's limb s/32 is 5 ..= 8 and the fraction's two words start 2 and 4 limbs below it, with
  // the same bit offset
  let s = u32(32 * (i32(j0) + 7) - ex);
  let d = (s >> 5u) - 5u;
  let o = s & 31u;
  let a0 = select(select(l1, l2, d == 1u), select(l3, l4, d == 3u), d >= 2u);
  let a1 = select(select(l2, l3, d == 1u), select(l4, l5, d == 3u), d >= 2u);
  let a2 = select(select(l3, l4, d == 1u), select(l5, l6, d == 3u), d >= 2u);
  let a3 = select(select(l4, l5, d == 1u), select(l6, l7, d == 3u), d >= 2u);
  let a4 = select(select(l5, l6, d == 1u), select(l7, l8, d == 3u), d >= 2u);
  let a5 = select(select(l6, l7, d == 1u), select(l8, 0u, d == 3u), d >= 2u);
  let a6 = select(select(l7, l8, d == 1u), 0u, d >= 2u);
  var fl = ga__win64(a0, a1, a2, o);
  var fh = ga__win64(a2, a3, a4, o);
  var n = u32(ga__win64(a4, a5, a6, o) & 3lu);
  var neg = false;
  if ((fh >> 63u) != 0lu) {                          // fraction >= 1/2: round the quadrant up
    n = n + 1u;
    neg = true;
    fl = ~fl + 1lu;
    fh = ~fh + select(0lu, 1lu, fl == 0lu);
  }
  // |fraction| = (fh 2^64 + fl) 2^-128 = c2 2^-52 + c1 2^-104 + c0 2^-128 (each part exact in f64)
  let c2 = f64(fh >> 12u) * 0x1p-52lf;
  let c1 = f64(((fh & 0xffflu) << 40u) | (fl >> 24u)) * 0x1p-104lf;
  let c0 = f64(fl & 0xfffffflu) * 0x1p-128lf;
  var t = ga__two_sum(c2, c1);
  t = ga__fast_two_sum(t.x, t.y + c0);
  let p = ga__two_prod(t.x, GA__PIO2_1);
  var r = ga__fast_two_sum(p.x, p.y + (t.x * GA__PIO2_2 + t.y * GA__PIO2_1));
  if (neg) { r = -r; }
  if (x < 0.0lf) { r = -r; n = 4u - n; }
  return vec3<f64>(f64(n & 3u), r.x, r.y);
}

// x = n pi/2 + r, |r| <= ~pi/4, returns (n mod 4, rh, rl) with r = rh + rl in dd.
// |x| < 2^20 pi/2: Cody-Waite with pi/2 in 33-bit pieces (n * Ci exact, x - n C1 exact), kept in dd:
// ~2^-130 absolute, far below any reduced argument in that range.
// Larger: Payne-Hanek (ga__rem_pio2_large), valid up to the largest double.
fn ga__rem_pio2(x: f64) -> vec3<f64> {
  if (abs(x) <= GA__PIO4_HI) { return vec3<f64>(0.0lf, x, 0.0lf); }
  if (abs(x) >= 1647099.0lf) { return ga__rem_pio2_large(x); }
  let nf = floor(x * GA__TWO_OVER_PI + 0.5lf);
  let r1 = ga__opq(x - nf * GA__PIO2_C1);
  var r = ga__two_sum(r1, -nf * GA__PIO2_C2);
  r.y = r.y - nf * GA__PIO2_C3 - nf * GA__PIO2_C4;
  r = ga__two_sum(r.x, r.y);
  return vec3<f64>(f64(i32(nf) & 3), r.x, r.y);
}

// sin(r + rr) on |r| <= 0.786 as dd: r + (r^3 S(r^2) + rr (1 - r^2/2)), S minimax degree 6
// (rel. err 7e-20).
fn ga__sin_kernel(r: f64, rr: f64) -> vec2<f64> {
  let z = r * r;
  let p = r * z * (-0.16666666666666666lf + z * (0.008333333333333331lf + z * (-0.0001984126984126499lf
    + z * (2.7557319219284694e-06lf + z * (-2.505210621445496e-08lf + z * (1.605852888757234e-10lf
    + z * -7.586542027291917e-13lf))))));
  return ga__fast_two_sum(r, p + rr * (1.0lf - 0.5lf * z));
}

// cos(r + rr) on |r| <= 0.786 as dd: w = 1 - z/2 rounded, its rounding error recovered exactly,
// plus z^2 C(z) (C minimax degree 6, rel. err 1.6e-20), z = (r + rr)^2 kept in dd.
fn ga__cos_kernel(r: f64, rr: f64) -> vec2<f64> {
  let z = ga__two_prod(r, r);
  let zh = z.x;
  let zl = z.y + 2.0lf * r * rr;
  let hz = 0.5lf * zh;
  let w = ga__opq(1.0lf - hz);
  let c = zh * zh * (0.041666666666666664lf + zh * (-0.0013888888888888887lf + zh * (2.480158730158461e-05lf
    + zh * (-2.755731922137758e-07lf + zh * (2.087675578264802e-09lf + zh * (-1.1470459594773203e-11lf
    + zh * 4.745797844217233e-14lf))))));
  let we = ga__opq(ga__opq(1.0lf - w) - hz);          // exact rounding error of w
  return ga__fast_two_sum(w, (we - 0.5lf * zl) + c);
}

// sin(x). Special: NaN, +/-inf -> NaN; |x| < 2^-26 -> x (keeps -0.0, subnormals).
fn ga_sin_f64(x: f64) -> f64 {
  if (!ga__isfinite(x)) { return ga__nan(); }
  if (abs(x) < 0x1p-26lf) { return x; }
  let rr = ga__rem_pio2(x);
  let n = i32(rr.x);
  var v: vec2<f64>;
  if ((n & 1) == 0) { v = ga__sin_kernel(rr.y, rr.z); } else { v = ga__cos_kernel(rr.y, rr.z); }
  let s = v.x + v.y;
  return select(s, -s, n >= 2);
}

// cos(x). Special: NaN, +/-inf -> NaN; |x| < 2^-27 -> 1.
fn ga_cos_f64(x: f64) -> f64 {
  if (!ga__isfinite(x)) { return ga__nan(); }
  if (abs(x) < 0x1p-27lf) { return 1.0lf; }
  let rr = ga__rem_pio2(x);
  let n = i32(rr.x);
  var v: vec2<f64>;
  if ((n & 1) == 0) { v = ga__cos_kernel(rr.y, rr.z); } else { v = ga__sin_kernel(rr.y, rr.z); }
  let c = v.x + v.y;
  return select(c, -c, n == 1 || n == 2);
}

// tan(x) = sin/cos of the reduced argument, both in dd, quotient refined by one dd correction step
// (-cos/sin in odd quadrants). Special: NaN, +/-inf -> NaN; |x| < 2^-27 -> x (keeps -0.0).
fn ga_tan_f64(x: f64) -> f64 {
  if (!ga__isfinite(x)) { return ga__nan(); }
  if (abs(x) < 0x1p-27lf) { return x; }
  let rr = ga__rem_pio2(x);
  let n = i32(rr.x);
  let s = ga__sin_kernel(rr.y, rr.z);
  let c = ga__cos_kernel(rr.y, rr.z);
  var num = s;
  var den = c;
  if ((n & 1) == 1) { num = -c; den = s; }
  let q = ga__opq(num.x / den.x);
  let res = ga__resid(num.x, q, den.x) + num.y - q * den.y;
  return q + res / den.x;
}

// ---------------------------------------------------------------------------------------------------
// inverse trigonometric

// asin(x) - x = x^3 A(x^2) on |x| <= 1/2, A minimax degree 12 (rel. err 7.5e-17; weight <= 0.042)
fn ga__asin_poly(z: f64) -> f64 {
  return 0.16666666666666669lf + z * (0.07499999999998336lf + z * (0.044642857146541974lf
    + z * (0.03038194412449473lf + z * (0.022372173487214538lf + z * (0.017352380243846444lf
    + z * (0.013971393895238804lf + z * (0.011477451551763546lf + z * (0.01033379114606283lf
    + z * (0.005411414892129501lf + z * (0.017523569071165635lf + z * (-0.01503943521986104lf
    + z * 0.028883246224030813lf)))))))))));
}

// asin(|x|) split for both ranges, one polynomial evaluation (returns (s, lo, big)):
// |x| <= 1/2: s = |x|, asin = s + lo;  |x| > 1/2: s = sqrt(z), z = (1 - |x|)/2 exact, asin(s) = s + lo in dd
// (sqrt residual folded in), and asin|x| = pi/2 - 2 asin(s).
fn ga__asin_parts(ax: f64) -> vec3<f64> {
  var z = ax * ax;
  var s = ax;
  var sl = 0.0lf;
  let big = ax > 0.5lf;
  if (big) {
    z = (1.0lf - ax) * 0.5lf;
    s = ga__opq(sqrt(z));
    if (s != 0.0lf) { sl = ga__resid(z, s, s) / (2.0lf * s) * (1.0lf + 0.5lf * z); }
  }
  return vec3<f64>(s, sl + s * z * ga__asin_poly(z), select(0.0lf, 1.0lf, big));
}

// asin(x): |x| <= 1/2: x + x^3 A(x^2); else pi/2 - 2 asin(sqrt((1-|x|)/2)) with pi/2 and the inner
// asin in dd. Special: |x| > 1 -> NaN, NaN -> NaN, +/-1 -> +/-pi/2, |x| < 2^-26 -> x (keeps -0.0).
fn ga_asin_f64(x: f64) -> f64 {
  let ax = abs(x);
  if (!(ax <= 1.0lf)) { return ga__nan(); }
  if (ax < 0x1p-26lf) { return x; }
  let a = ga__asin_parts(ax);
  var v = a.x + a.y;
  if (a.z != 0.0lf) {
    let r = ga__two_sum(GA__PIO2_1, -2.0lf * a.x);
    v = r.x + (r.y + (GA__PIO2_2 - 2.0lf * a.y));
  }
  return ga__copysign(v, x);
}

// acos(x): |x| <= 1/2: pi/2 - asin(x) in dd; x > 1/2: 2 asin(sqrt((1-x)/2)); x < -1/2: pi - that.
// Special: |x| > 1 -> NaN, NaN -> NaN, acos(1) = +0, acos(-1) = pi.
fn ga_acos_f64(x: f64) -> f64 {
  let ax = abs(x);
  if (!(ax <= 1.0lf)) { return ga__nan(); }
  let a = ga__asin_parts(ax);
  if (a.z == 0.0lf) {
    let r = ga__two_sum(GA__PIO2_1, -x);
    return r.x + (r.y + (GA__PIO2_2 - ga__copysign(a.y, x)));
  }
  if (x > 0.0lf) { return 2.0lf * (a.x + a.y); }
  let r = ga__two_sum(GA__PI_HI, -2.0lf * a.x);
  return r.x + (r.y + (GA__PI_LO - 2.0lf * a.y));
}

// atan(ax + axl) for ax >= 0, returned unsummed as (hi, lo). fdlibm-style reduction to |t| <= 7/16 with
// breakpoints 7/16, 11/16, 19/16, 39/16 and atan(1/2), atan(1), atan(3/2), pi/2 in dd; atan(t) = t + t^3 A(t^2),
// A minimax degree 11 (rel. err 1.1e-17). The low part axl of the argument enters as axl / (1 + ax^2).
fn ga__atan_core(ax: f64, axl: f64) -> vec2<f64> {
  var t: f64;
  var hi = 0.0lf;
  var lo = 0.0lf;
  var id = -1;
  if (ax < 0.4375lf) {
    t = ax;
  } else if (ax < 0.6875lf) {
    id = 0; t = (2.0lf * ax - 1.0lf) / (2.0lf + ax);
    hi = 0.4636476090008061lf; lo = 2.2698777452961687e-17lf;
  } else if (ax < 1.1875lf) {
    id = 1; t = (ax - 1.0lf) / (ax + 1.0lf);
    hi = GA__PIO4_HI; lo = GA__PIO4_LO;
  } else if (ax < 2.4375lf) {
    id = 2; t = (ax - 1.5lf) / (1.0lf + 1.5lf * ax);
    hi = 0.982793723247329lf; lo = 1.3903311031230998e-17lf;
  } else {
    id = 3; t = -1.0lf / ax;
    hi = GA__PIO2_1; lo = GA__PIO2_2;
  }
  let z = t * t;
  let p = t * z * (-0.3333333333333333lf + z * (0.19999999999999424lf + z * (-0.14285714285569598lf
    + z * (0.11111111096871203lf + z * (-0.0909090836500338lf + z * (0.07692285783003702lf
    + z * (-0.06666245376061856lf + z * (0.05876980033097372lf + z * (-0.05216889566319796lf
    + z * (0.04493073757757996lf + z * (-0.03314600461895386lf + z * 0.014790120358453328lf)))))))))));
  var corr = 0.0lf;
  if (axl != 0.0lf) { corr = axl / (1.0lf + ax * ax); }
  if (id < 0) { return vec2<f64>(t, p + corr); }
  var r = ga__two_sum(hi, t);
  return vec2<f64>(r.x, r.y + (lo + p + corr));
}

// atan(x). Special: NaN -> NaN, +/-inf -> +/-pi/2, |x| < 2^-27 -> x (keeps -0.0).
fn ga_atan_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-27lf) { return x; }
  if (ax >= 0x1p66lf) { return ga__copysign(GA__PIO2_1, x); }
  let r = ga__atan_core(ax, 0.0lf);
  return ga__copysign(r.x + r.y, x);
}

// atan2(y, x): atan of the dd quotient |y|/|x|, then pi - . for x < 0, sign of y. C99 special values:
// NaN in -> NaN; y = +/-0: x > 0 or +0 -> +/-0, x < 0 or -0 -> +/-pi; x = +/-0, y != 0 -> +/-pi/2;
// y = +/-inf: x = +inf -> +/-pi/4, x = -inf -> +/-3pi/4, else +/-pi/2; x = +inf -> +/-0; x = -inf -> +/-pi.
fn ga_atan2_f64(y: f64, x: f64) -> f64 {
  if (ga__isnan(x) || ga__isnan(y)) { return ga__nan(); }
  let xneg = (bitcast<u64>(x) & GA__SIGN) != 0lu;
  let ax = abs(x);
  let ay = abs(y);
  var v: f64;
  if (ay == 0.0lf) {
    v = select(0.0lf, GA__PI_HI, xneg);
  } else if (ga__isinf(ay)) {
    if (ga__isinf(ax)) { v = select(GA__PIO4_HI, 2.356194490192345lf, xneg); } else { v = GA__PIO2_1; }
  } else if (ax == 0.0lf) {
    v = GA__PIO2_1;
  } else if (ga__isinf(ax)) {
    v = select(0.0lf, GA__PI_HI, xneg);
  } else {
    var bx = ax;
    var by = ay;
    let big = max(ax, ay);
    if (big > 0x1p900lf) { bx = bx * 0x1p-200lf; by = by * 0x1p-200lf; }
    if (big < 0x1p-900lf) { bx = bx * 0x1p200lf; by = by * 0x1p200lf; }
    let q = ga__opq(by / bx);
    var ql = 0.0lf;
    if (q > 0x1p-900lf && q < 0x1p900lf && min(bx, by) > 0x1p-900lf) { ql = ga__resid(by, q, bx) / bx; }
    var a: vec2<f64>;
    if (ga__isinf(q) || q >= 0x1p66lf) { a = vec2<f64>(GA__PIO2_1, GA__PIO2_2); }
    else if (q < 0x1p-27lf) { a = vec2<f64>(q, ql); }
    else { a = ga__atan_core(q, ql); }
    if (xneg) {
      var r = ga__two_sum(GA__PI_HI, -a.x);
      v = r.x + (r.y + (GA__PI_LO - a.y));
    } else {
      v = a.x + a.y;
    }
  }
  return ga__copysign(v, y);
}

// ---------------------------------------------------------------------------------------------------
// hyperbolic

// sinh(x): |x| < 2^-5: odd Taylor series (no error-free transformation needed); |x| <= 22: t = expm1(|x|) in dd, sinh = (t + t/(1+t))/2 with the quotient refined in dd;
// |x| > 22: exp(|x|)/2 by lowering the exponent (no premature overflow; overflow above 710.4758).
// Special: NaN -> NaN, +/-inf -> +/-inf, |x| < 2^-26 -> x (keeps -0.0).
fn ga_sinh_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-26lf) { return x; }
  var v: f64;
  if (ax < 0x1p-5lf) {                               // Taylor to x^11 (next term < 2^-80 relative)
    let z = ax * ax;
    v = ax + ax * z * (0.16666666666666666lf + z * (0.008333333333333333lf + z * (0.0001984126984126984lf
      + z * (2.7557319223985893e-06lf + z * 2.505210838544172e-08lf))));
  } else if (ax > 711.0lf) {
    v = ga__inf();
  } else if (ax > 22.0lf) {
    let c = ga__exp_core(ax, 0.0lf);
    v = ga__ldexp(c.x + c.y, i32(c.z) - 1);
  } else {
    let e = ga__expm1_dd(ax);
    var d = ga__two_sum(1.0lf, e.x);
    d.y = d.y + e.y;
    let uh = ga__opq(e.x / d.x);
    let ul = (ga__resid(e.x, uh, d.x) + e.y - uh * d.y) / d.x;
    var s = ga__two_sum(e.x, uh);
    v = 0.5lf * (s.x + (s.y + e.y + ul));
  }
  return ga__copysign(v, x);
}

// cosh(x): |x| <= 22: (E + 1/E)/2 with E = exp(|x|) and 1/E both in dd; larger: exp(|x|)/2 as in sinh.
// Special: NaN -> NaN, +/-inf -> +inf, |x| < 2^-27 -> 1.
fn ga_cosh_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-27lf) { return 1.0lf; }
  if (ax > 711.0lf) { return ga__inf(); }
  let c = ga__exp_core(ax, 0.0lf);
  let k = i32(c.z);
  if (ax > 22.0lf) { return ga__ldexp(c.x + c.y, k - 1); }
  let eh = ga__ldexp(c.x, k);
  let el = ga__ldexp(c.y, k);
  let ih = ga__opq(1.0lf / eh);
  let il = (ga__resid(1.0lf, ih, eh) - ih * el) * ih;
  var s = ga__two_sum(eh, ih);
  return 0.5lf * (s.x + (s.y + el + il));
}

// tanh(x): |x| < 2^-5: odd Taylor series; else e / (e + 2) with e = expm1(2|x|) in dd and the quotient refined in dd.
// Special: NaN -> NaN, +/-inf -> +/-1, |x| > 22 -> +/-1, |x| < 2^-27 -> x (keeps -0.0).
fn ga_tanh_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-27lf) { return x; }
  if (ax > 22.0lf) { return ga__copysign(1.0lf, x); }
  if (ax < 0x1p-5lf) {                               // Taylor to x^13 (next term < 2^-79 relative)
    let z = ax * ax;
    return ga__copysign(ax + ax * z * (-0.3333333333333333lf + z * (0.13333333333333333lf
      + z * (-0.05396825396825397lf + z * (0.021869488536155203lf + z * (-0.008863235529902197lf
      + z * 0.003592128036572481lf))))), x);
  }
  let e = ga__expm1_dd(2.0lf * ax);
  var d = ga__two_sum(2.0lf, e.x);
  d.y = d.y + e.y;
  let q = ga__opq(e.x / d.x);
  let ql = (ga__resid(e.x, q, d.x) + e.y - q * d.y) / d.x;
  return ga__copysign(q + ql, x);
}

// sqrt of a positive dd as dd (one Newton correction with an exact residual)
fn ga__sqrt_dd(h: f64, l: f64) -> vec2<f64> {
  let s = ga__opq(sqrt(h));
  return vec2<f64>(s, (ga__resid(h, s, s) + l) / (2.0lf * s));
}

// asinh(x) = sign(x) log(|x| + sqrt(x^2 + 1)), the argument of log formed in dd (so no log1p split is
// needed near 0); |x| < 2^-5: odd Taylor series; |x| > 2^28: log(|x|) + ln2. Special: NaN -> NaN, +/-inf -> +/-inf, |x| < 2^-28 -> x.
fn ga_asinh_f64(x: f64) -> f64 {
  if (ga__isnan(x)) { return x + x; }
  let ax = abs(x);
  if (ax < 0x1p-28lf || ga__isinf(x)) { return x; }
  if (ax < 0x1p-5lf) {                               // Taylor to x^13 (next term < 2^-76 relative)
    let z = ax * ax;
    return ga__copysign(ax + ax * z * (-0.16666666666666666lf + z * (0.075lf + z * (-0.044642857142857144lf
      + z * (0.030381944444444444lf + z * (-0.022372159090909092lf + z * 0.017352764423076924lf))))), x);
  }
  var r: vec2<f64>;
  if (ax > 0x1p28lf) {
    let l = ga__log_dd(ax, 0.0lf);
    r = ga__two_sum(l.x, GA__LN2_HI);
    r.y = r.y + l.y + GA__LN2_LO;
  } else {
    let p = ga__two_prod(ax, ax);
    var q = ga__two_sum(1.0lf, p.x);
    q.y = q.y + p.y;
    let s = ga__sqrt_dd(q.x, q.y);
    var w = ga__two_sum(ax, s.x);
    w.y = w.y + s.y;
    r = ga__log_dd(w.x, w.y);
  }
  return ga__copysign(r.x + r.y, x);
}

// acosh(x) = log(x + sqrt(x^2 - 1)) with x^2 - 1 and the sum in dd; x > 2^28: log(x) + ln2.
// Special: x < 1 -> NaN, NaN -> NaN, acosh(1) = +0, +inf -> +inf.
fn ga_acosh_f64(x: f64) -> f64 {
  if (ga__isnan(x) || x < 1.0lf) { return ga__nan(); }
  if (ga__isinf(x)) { return x; }
  var r: vec2<f64>;
  if (x > 0x1p28lf) {
    let l = ga__log_dd(x, 0.0lf);
    r = ga__two_sum(l.x, GA__LN2_HI);
    r.y = r.y + l.y + GA__LN2_LO;
  } else {
    let p = ga__two_prod(x, x);
    var q = ga__two_sum(p.x, -1.0lf);
    q.y = q.y + p.y;
    if (q.x <= 0.0lf) { return 0.0lf; }
    let s = ga__sqrt_dd(q.x, q.y);
    var w = ga__two_sum(x, s.x);
    w.y = w.y + s.y;
    r = ga__log_dd(w.x, w.y);
  }
  return r.x + r.y;
}

// atanh(x): |x| < 2^-5: odd Taylor series; else (log1p(|x|) - log1p(-|x|)) / 2, both logs in dd (opposite signs: no cancellation).
// Special: |x| > 1 -> NaN, NaN -> NaN, +/-1 -> +/-inf, |x| < 2^-28 -> x (keeps -0.0).
fn ga_atanh_f64(x: f64) -> f64 {
  if (ga__isnan(x) || abs(x) > 1.0lf) { return ga__nan(); }
  let ax = abs(x);
  if (ax == 1.0lf) { return ga__copysign(ga__inf(), x); }
  if (ax < 0x1p-28lf) { return x; }
  if (ax < 0x1p-5lf) {                               // Taylor to x^13 (next term < 2^-73 relative)
    let z = ax * ax;
    return ga__copysign(ax + ax * z * (0.3333333333333333lf + z * (0.2lf + z * (0.14285714285714285lf
      + z * (0.1111111111111111lf + z * (0.09090909090909091lf + z * 0.07692307692307693lf))))), x);
  }
  let a = ga__log1p_dd(ax);
  let b = ga__log1p_dd(-ax);
  var r = ga__two_sum(a.x, -b.x);
  return ga__copysign(0.5lf * (r.x + (r.y + a.y - b.y)), x);
}

// ---------------------------------------------------------------------------------------------------
// algebraic and two-argument helpers

// cbrt(x): exponent/3 bit estimate (~6%), two Halley steps, then one Newton step whose residual
// t^3 - |x| is computed in dd: nearly correctly rounded. Subnormals scaled by 2^54 first, huge values by 2^-96.
// Special: NaN, +/-inf, +/-0 returned as is.
fn ga_cbrt_f64(x: f64) -> f64 {
  if (!ga__isfinite(x) || x == 0.0lf) { return x + x; }
  var a = abs(x);
  var scale = 1.0lf;
  if (a < 0x1p-1022lf) { a = a * 0x1p54lf; scale = 0x1p-18lf; }
  if (a > 0x1p960lf) { a = a * 0x1p-96lf; scale = 0x1p32lf; }  // keeps 2 t^3 + a finite
  let hi = u32(bitcast<u64>(a) >> 32u);               // u32 division: u64 '/' miscompiles on lavapipe
  var t = bitcast<f64>(u64(hi / 3u + 0x2a9f7893u) << 32u);
  for (var i = 0; i < 2; i = i + 1) {
    let t3 = t * t * t;
    t = t * ((t3 + 2.0lf * a) / (2.0lf * t3 + a));
  }
  let t2 = ga__two_prod(t, t);
  let t3 = ga__two_prod(t2.x, t);
  let res = ga__opq(t3.x - a) + (t3.y + t2.y * t);
  t = t - res / (3.0lf * t2.x);
  return ga__copysign(t * scale, x);
}

// hypot(x, y) = sqrt(x^2 + y^2): operands scaled by a power of two into a safe range, the sum of
// squares formed in dd, sqrt corrected in dd. Special (C99): +/-inf with anything (NaN too) -> +inf;
// otherwise NaN -> NaN.
fn ga_hypot_f64(x: f64, y: f64) -> f64 {
  let ax = abs(x);
  let ay = abs(y);
  if (ga__isinf(ax) || ga__isinf(ay)) { return ga__inf(); }
  if (ga__isnan(ax) || ga__isnan(ay)) { return ga__nan(); }
  let hi = max(ax, ay);
  let lo = min(ax, ay);
  if (lo == 0.0lf) { return hi; }
  var sc = 1.0lf;
  var inv = 1.0lf;
  if (hi > 0x1p500lf) { sc = 0x1p600lf; inv = 0x1p-600lf; }
  else if (hi < 0x1p-500lf) { sc = 0x1p-600lf; inv = 0x1p600lf; }
  let h = hi * inv;
  let l = lo * inv;
  let a = ga__two_prod(h, h);
  let b = ga__two_prod(l, l);
  var s = ga__two_sum(a.x, b.x);
  s.y = s.y + a.y + b.y;
  let r = ga__sqrt_dd(s.x, s.y);
  return (r.x + r.y) * sc;
}

// log(1 + e) as dd for the dd e = (eh + el) 2^k >= 0 (from ga__exp_core)
fn ga__log1p_exp_parts(c: vec3<f64>) -> vec2<f64> {
  let k = i32(c.z);
  let eh = ga__ldexp(c.x, k);
  let el = ga__ldexp(c.y, k);
  if (eh < 0.41lf) { return ga__log1p_core(eh, el); }
  var u = ga__two_sum(1.0lf, eh);
  return ga__log_dd(u.x, u.y + el);
}

// logaddexp(x, y) = max + log1p(exp(-|x - y|)) with x - y, exp and log1p all in dd and the final sum
// in dd: <= 1 ULP also where the result cancels to ~0 (NumPy's own formula loses digits there).
// Special (as NumPy): x == y -> x + ln2 (so equal infinities give that infinity); NaN -> NaN;
// one argument +inf -> +inf; one -inf -> the other.
fn ga_logaddexp_f64(x: f64, y: f64) -> f64 {
  if (x == y) { return x + GA__LN2_HI; }
  if (ga__isnan(x) || ga__isnan(y)) { return ga__nan(); }
  let m = max(x, y);
  let m0 = select(m, 0.0lf, m == 0.0lf);              // NumPy: -0.0 + log1p(0) = +0.0
  if (ga__isinf(x) || ga__isinf(y)) { return m0; }
  var d = ga__two_sum(-abs(x - y), 0.0lf);
  if (abs(x - y) < 0x1p969lf) { d = ga__two_sum(min(x, y), -m); }
  if (d.x < -746.0lf) { return m0; }
  let l = ga__log1p_exp_parts(ga__exp_core(d.x, d.y));
  let r = ga__two_sum(m, l.x);
  return r.x + (r.y + l.y);
}

// logaddexp2(x, y) = max + log2(1 + 2^-|x - y|), done as logaddexp in dd (2^t = exp(t ln2) with t ln2 in dd,
// log2 = log * log2(e) in dd). Special: x == y -> x + 1; otherwise as logaddexp.
fn ga_logaddexp2_f64(x: f64, y: f64) -> f64 {
  if (x == y) { return x + 1.0lf; }
  if (ga__isnan(x) || ga__isnan(y)) { return ga__nan(); }
  let m = max(x, y);
  let m0 = select(m, 0.0lf, m == 0.0lf);
  if (ga__isinf(x) || ga__isinf(y)) { return m0; }
  var d = ga__two_sum(-abs(x - y), 0.0lf);
  if (abs(x - y) < 0x1p969lf) { d = ga__two_sum(min(x, y), -m); }
  if (d.x < -1080.0lf) { return m0; }
  var t = ga__two_prod(d.x, GA__LN2_HI);
  t.y = t.y + d.x * GA__LN2_LO + d.y * GA__LN2_HI;
  let l = ga__log1p_exp_parts(ga__exp_core(t.x, t.y));
  var q = ga__two_prod(l.x, GA__LOG2E_HI);
  q.y = q.y + l.x * GA__LOG2E_LO + l.y * GA__LOG2E_HI;
  let r = ga__two_sum(m, q.x);
  return r.x + (r.y + q.y);
}

// frexp's parts from the bits (as the f32 forms): the significand in [0.5, 1) with x's sign, the exponent as f64.
// The leading-zero count is taken on the 32-bit halves.
fn ga__clz64(v: u64) -> u32 {
  let hi = u32(v >> 32u);
  return select(countLeadingZeros(hi), 32u + countLeadingZeros(u32(v & 0xfffffffflu)), hi == 0u);
}
fn ga_frexpm_f64(x: f64) -> f64 {
  let b = bitcast<u64>(x);
  let a = b & 0x7ffffffffffffffflu;
  if (a == 0lu || a >= 0x7ff0000000000000lu) { return x; }
  var m = a & 0xffffffffffffflu;
  if ((a >> 52u) == 0lu) { m = (m << (ga__clz64(m) - 11u)) & 0xffffffffffffflu; }
  return bitcast<f64>((b & 0x8000000000000000lu) | (1022lu << 52u) | m);
}
fn ga_frexpe_f64(x: f64) -> f64 {
  let a = bitcast<u64>(x) & 0x7ffffffffffffffflu;
  if (a == 0lu || a >= 0x7ff0000000000000lu) { return 0.0lf; }
  var e = i32(u32(a >> 52u));
  if (e == 0) { e = 1 - (i32(ga__clz64(a)) - 11); }
  return f64(e - 1022);
}
// ldexp with the exponent given as an f64 holding an integer (larger ones saturate); zeros, infinities and
// NaN are returned as they are, and the result takes x's sign (lavapipe's products lose the sign of a zero
// they underflow to)
fn ga_ldexp_f64(x: f64, n: f64) -> f64 {
  let a = bitcast<u64>(x) & 0x7ffffffffffffffflu;
  if (a == 0lu || a >= 0x7ff0000000000000lu) { return x; }
  return ga__copysign(ga__ldexp(x, i32(clamp(n, -2200.0lf, 2200.0lf))), x);
}
