// Elementwise helper functions, one template per function, instantiated per type.
// Placeholders (string.Template): $T value type, $S suffix (e.g. f32, i64), $U unsigned bit
// type of the same width, $ZERO/$ONE typed literals, $SIGN sign-bit mask, $ABSMASK,
// $EXPMASK (exponent bits), $HALF.
// Sections start with "//@ name"; a section is emitted only when a kernel uses it.

//@ floordiv_int
// NumPy floor division: rounds toward -inf, x // 0 == 0, MIN // -1 wraps to MIN.
fn ga_floordiv_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO) { return $ZERO; }
  if (b == $ZERO - $ONE) { return $ZERO - a; }
  var q = a / b;
  // (a - q*b, not a % b: one driver computes % of signed integers as if unsigned)
  let r = a - q * b;
  // r has a's sign: (r ^ b) < 0 (not a < 0 != b < 0, which lavapipe miscompiles for a
  // sign-extended 64-bit b)
  if (r != $ZERO && (r ^ b) < $ZERO) { q = q - $ONE; }
  return q;
}

//@ mod_int
// NumPy remainder: the sign of the divisor, x % 0 == 0.
fn ga_mod_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO || b == $ZERO - $ONE) { return $ZERO; }
  var r = a - (a / b) * b;  // truncated remainder without signed %
  if (r != $ZERO && (r ^ b) < $ZERO) { r = r + b; }  // signs differ (see floordiv_int)
  return r;
}

//@ reciprocal_int
// NumPy's integer reciprocal: 1 / x truncated, and 1 / 0 what its conversion of inf to the
// integer gives on x86: the minimum of int32/int64 (8- and 16-bit types, computed in 32 bits
// and wrapped, get 0 as NumPy does).
fn ga_irecip_$S(a: $T) -> $T {
  if (a == $ZERO) { return ($ZERO - $ONE) << $SHMASK; }
  return $ONE / a;
}

//@ popcount32
// NumPy's bitwise_count: the 1-bits of the absolute value (|MIN| wraps to MIN: one bit).
fn ga_popcount_$S(a: $T) -> u32 {
  return countOneBits(bitcast<u32>(abs(a)));
}

//@ popcount64
fn ga_popcount_$S(a: $T) -> u32 {
  let x = bitcast<u64>(abs(a));
  return countOneBits(u32(x)) + countOneBits(u32(x >> 32u));
}

//@ gcd
// NumPy's gcd: Euclid on the absolute values (|MIN| wraps as in NumPy; abs of an unsigned value is
// itself); remainders without %.
fn ga_gcd_$S(a: $T, b: $T) -> $T {
  var x = abs(a);
  var y = abs(b);
  loop {
    if (y == $ZERO) { break; }
    let r = x - (x / y) * y;
    x = y;
    y = r;
  }
  return x;
}

//@ lcm
// NumPy's lcm: |a| / gcd * |b| (wrapping), 0 where the gcd is 0.
fn ga_lcm_$S(a: $T, b: $T) -> $T {
  let g = ga_gcd_$S(a, b);
  if (g == $ZERO) { return $ZERO; }
  return abs(a) / g * abs(b);
}


//@ floordiv_uint
fn ga_floordiv_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO) { return $ZERO; }
  return a / b;
}

//@ fmod_int
// C remainder (sign of the dividend), x % 0 == 0, MIN % -1 == 0.
fn ga_fmod_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO || b == $ZERO - $ONE) { return $ZERO; }
  return a - (a / b) * b;
}

//@ mod_uint
fn ga_mod_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO) { return $ZERO; }
  return a % b;
}

//@ isnan
fn ga_isnan_$S(a: $T) -> bool { return (bitcast<$U>(a) & $ABSMASK) > $EXPMASK; }

//@ isinf
fn ga_isinf_$S(a: $T) -> bool { return (bitcast<$U>(a) & $ABSMASK) == $EXPMASK; }

//@ isfinite
fn ga_isfinite_$S(a: $T) -> bool { return (bitcast<$U>(a) & $EXPMASK) != $EXPMASK; }

//@ signbit
fn ga_signbit_$S(a: $T) -> bool { return (bitcast<$U>(a) & $SIGN) != bitcast<$U>($ZERO); }

//@ copysign
fn ga_copysign_$S(a: $T, b: $T) -> $T {
  return bitcast<$T>((bitcast<$U>(a) & $ABSMASK) | (bitcast<$U>(b) & $SIGN));
}

//@ fmod
// C fmod, exact: integer long division of the significands (as C libraries do), since
// a - b*trunc(a/b) loses digits once a/b is large.
fn ga_fmod_$S(a: $T, b: $T) -> $T {
  if (ga_isinf_$S(a) || ga_isnan_$S(a) || ga_isnan_$S(b) || b == $ZERO) { return (a - a) / (b - b); }
  var ux = bitcast<$U>(a);
  var uy = bitcast<$U>(b);
  let sx = ux & $SIGN;
  ux = ux & $ABSMASK;
  uy = uy & $ABSMASK;
  if (ux < uy) { return a; }
  if (ux == uy) { return ga_copysign_$S($ZERO, a); }
  var ex = i32(ux >> $MBITS);
  var ey = i32(uy >> $MBITS);
  let hidden = $U(1) << $MBITS;
  // significands with the hidden bit; subnormals normalized
  if (ex == 0) {
    loop { if ((ux & hidden) != $U(0)) { break; } ux = ux << 1u; ex = ex - 1; }
    ex = ex + 1;
  } else {
    ux = (ux & (hidden - $U(1))) | hidden;
  }
  if (ey == 0) {
    loop { if ((uy & hidden) != $U(0)) { break; } uy = uy << 1u; ey = ey - 1; }
    ey = ey + 1;
  } else {
    uy = (uy & (hidden - $U(1))) | hidden;
  }
  loop {
    if (ex <= ey) { break; }
    if (ux >= uy) {
      ux = ux - uy;
      if (ux == $U(0)) { return ga_copysign_$S($ZERO, a); }
    }
    ux = ux << 1u;
    ex = ex - 1;
  }
  if (ux >= uy) {
    ux = ux - uy;
    if (ux == $U(0)) { return ga_copysign_$S($ZERO, a); }
  }
  loop { if ((ux & hidden) != $U(0)) { break; } ux = ux << 1u; ex = ex - 1; }
  if (ex > 0) {
    ux = (ux - hidden) | ($U(ex) << $MBITS);
  } else {
    ux = ux >> u32(1 - ex);
  }
  return bitcast<$T>(ux | sx);
}

//@ floordiv_float
// NumPy's npy_divmod: floor(a / b) computed from fmod so that a == b*q + r holds.
fn ga_floordiv_$S(a: $T, b: $T) -> $T {
  if (b == $ZERO) { return a / b; }
  let m = ga_fmod_$S(a, b);
  if (ga_isnan_$S(m)) { return m; }
  var d = (a - m) / b;
  if (!(m == $ZERO) && ((b < $ZERO) != (m < $ZERO))) { d = d - $ONE; }
  if (d == $ZERO) { return ga_copysign_$S($ZERO, a / b); }
  var f = floor(d);
  if (d - f > $HALF) { f = f + $ONE; }
  return f;
}

//@ mod_float
fn ga_mod_$S(a: $T, b: $T) -> $T {
  var m = ga_fmod_$S(a, b);
  if (b == $ZERO || ga_isnan_$S(m)) { return m; }
  if (!(m == $ZERO)) {
    if ((b < $ZERO) != (m < $ZERO)) { m = m + b; }
  } else {
    m = ga_copysign_$S($ZERO, b);
  }
  return m;
}

//@ maximum
// NaN-propagating maximum (np.maximum); the built-in max() drops NaN.
fn ga_maximum_$S(a: $T, b: $T) -> $T {
  if (ga_isnan_$S(a)) { return a; }
  if (ga_isnan_$S(b)) { return b; }
  if (((bitcast<$U>(a) | bitcast<$U>(b)) & $ABSMASK) == bitcast<$U>($ZERO)) { return b; }  // +-0 tie: b, as NumPy
  return select(b, a, a > b);  // (the zero test is on the bits: a compiler may treat -0.0 as 0.0)
}

//@ minimum
fn ga_minimum_$S(a: $T, b: $T) -> $T {
  if (ga_isnan_$S(a)) { return a; }
  if (ga_isnan_$S(b)) { return b; }
  if (((bitcast<$U>(a) | bitcast<$U>(b)) & $ABSMASK) == bitcast<$U>($ZERO)) { return b; }  // +-0 tie: b, as NumPy
  return select(b, a, a < b);  // (the zero test is on the bits: a compiler may treat -0.0 as 0.0)
}

//@ fmax
fn ga_fmax_$S(a: $T, b: $T) -> $T {
  if (ga_isnan_$S(a)) { return b; }
  if (ga_isnan_$S(b)) { return a; }
  if (((bitcast<$U>(a) | bitcast<$U>(b)) & $ABSMASK) == bitcast<$U>($ZERO)) { return b; }  // +-0 tie: b, as NumPy
  return select(b, a, a > b);  // (the zero test is on the bits: a compiler may treat -0.0 as 0.0)
}

//@ fmin
fn ga_fmin_$S(a: $T, b: $T) -> $T {
  if (ga_isnan_$S(a)) { return b; }
  if (ga_isnan_$S(b)) { return a; }
  if (((bitcast<$U>(a) | bitcast<$U>(b)) & $ABSMASK) == bitcast<$U>($ZERO)) { return b; }  // +-0 tie: b, as NumPy
  return select(b, a, a < b);  // (the zero test is on the bits: a compiler may treat -0.0 as 0.0)
}

//@ sign_float
fn ga_sign_$S(a: $T) -> $T {
  if (ga_isnan_$S(a)) { return a; }
  return select(select($ZERO, $ONE, a > $ZERO), $ZERO - $ONE, a < $ZERO);
}

//@ ipow
// Integer power by squaring, wrapping like NumPy; negative exponents give 0 except for base +-1.
fn ga_ipow_$S(a: $T, b: $T) -> $T {
  var r = $ONE;
  var base = a;
  var e = b;
  if (e < $ZERO) {
    if (a == $ONE) { return $ONE; }
    if (a == $ZERO - $ONE) { return select($ONE, $ZERO - $ONE, (e % ($ONE + $ONE)) != $ZERO); }
    return $ZERO;
  }
  loop {
    if (e == $ZERO) { break; }
    if ((e % ($ONE + $ONE)) != $ZERO) { r = r * base; }
    base = base * base;
    e = e / ($ONE + $ONE);
  }
  return r;
}

//@ rint
// Round half to even (np.rint / np.round).
fn ga_rint_$S(a: $T) -> $T { return round(a); }

//@ expm1_f
// exp(x) - 1 without cancellation near 0 (Kahan's method).
fn ga_expm1_$S(x: $T) -> $T {
  let u = ga_exp_$S(x);
  if (u == $ONE) { return x; }
  let um1 = u - $ONE;
  if (um1 == $ZERO - $ONE) { return um1; }
  if (ga_isinf_$S(u)) { return u; }
  return um1 * (x / ga_log_$S(u));
}

//@ log1p_f
fn ga_log1p_$S(x: $T) -> $T {
  let u = $ONE + x;
  if (u == $ONE) { return x; }
  if (ga_isinf_$S(u)) { return u; }
  return ga_log_$S(u) * x / (u - $ONE);
}

//@ cbrt_f
fn ga_cbrt_$S(x: $T) -> $T {
  if (x == $ZERO || ga_isnan_$S(x) || ga_isinf_$S(x)) { return x; }
  let ax = abs(x);
  var y = ga_exp2_$S(ga_log2_$S(ax) / ($ONE + $ONE + $ONE));
  y = y - (y * y * y - ax) / (($ONE + $ONE + $ONE) * y * y);
  return ga_copysign_$S(y, x);
}

//@ hypot_f
fn ga_hypot_$S(a: $T, b: $T) -> $T {
  if (ga_isinf_$S(a) || ga_isinf_$S(b)) { return bitcast<$T>($EXPMASK); }
  if (ga_isnan_$S(a) || ga_isnan_$S(b)) { return a + b; }
  let x = max(abs(a), abs(b));
  let y = min(abs(a), abs(b));
  if (x == $ZERO) { return $ZERO; }
  let r = y / x;
  return x * sqrt($ONE + r * r);
}

//@ logaddexp_f
fn ga_logaddexp_$S(a: $T, b: $T) -> $T {
  if (a == b) { return a + ga_log_$S($ONE + $ONE); }
  let m = max(a, b);
  if (ga_isnan_$S(a) || ga_isnan_$S(b)) { return a + b; }
  return m + ga_log1p_$S(ga_exp_$S(-abs(a - b)));
}

//@ logaddexp2_f
fn ga_logaddexp2_$S(a: $T, b: $T) -> $T {
  if (a == b) { return a + $ONE; }
  if (ga_isnan_$S(a) || ga_isnan_$S(b)) { return a + b; }
  let m = max(a, b);
  return m + ga_log1p_$S(ga_exp2_$S(-abs(a - b))) / ga_log_$S($ONE + $ONE);
}

//@ nextafter_f
fn ga_nextafter_$S(a: $T, b: $T) -> $T {
  if (ga_isnan_$S(a) || ga_isnan_$S(b)) { return a + b; }
  if (a == b) { return b; }
  if (a == $ZERO) { return ga_copysign_$S(bitcast<$T>(bitcast<$U>($ZERO) | $U(1)), b); }
  let u = bitcast<$U>(a);
  if ((a < b) == (a > $ZERO)) { return bitcast<$T>(u + $U(1)); }
  return bitcast<$T>(u - $U(1));
}

//@ pow_f
// C99 pow on top of exp2/log2, with the special cases NumPy gives.
fn ga_pow_$S(x: $T, y: $T) -> $T {
  if (y == $ZERO) { return $ONE; }
  if (x == $ONE) { return $ONE; }
  if (ga_isnan_$S(x) || ga_isnan_$S(y)) { return x + y; }
  let yi = trunc(y) == y;
  let yodd = yi && ga_fmod_$S(abs(y), $ONE + $ONE) == $ONE;
  let ax = abs(x);
  if (ga_isinf_$S(y)) {
    if (ax == $ONE) { return $ONE; }
    if ((ax > $ONE) == (y > $ZERO)) { return abs(y); }
    return $ZERO;
  }
  if (x == $ZERO) {
    if (y < $ZERO) { return select(bitcast<$T>($EXPMASK), ga_copysign_$S(bitcast<$T>($EXPMASK), x), yodd); }
    return select($ZERO, x, yodd);
  }
  if (x < $ZERO && !yi) { return (x - x) / (x - x); }
  var r: $T;
  if (ga_isinf_$S(x)) {
    r = select($ZERO, bitcast<$T>($EXPMASK), y > $ZERO);
  } else {
    r = ga_exp2_$S(y * ga_log2_$S(ax));
  }
  if (x < $ZERO && yodd) { r = -r; }
  return r;
}

//@ builtin_f32
// float32 transcendentals from the driver (replaced by f32math.wgsl where it defines the same name).
fn ga_exp_f32(x: f32) -> f32 { return exp(x); }
fn ga_exp2_f32(x: f32) -> f32 { return exp2(x); }
fn ga_log_f32(x: f32) -> f32 { return log(x); }
fn ga_log2_f32(x: f32) -> f32 { return log2(x); }
fn ga_log10_f32(x: f32) -> f32 { return log2(x) * 0.30102999566398120f; }
fn ga_sin_f32(x: f32) -> f32 { return sin(x); }
fn ga_cos_f32(x: f32) -> f32 { return cos(x); }
fn ga_tan_f32(x: f32) -> f32 { return tan(x); }
fn ga_asin_f32(x: f32) -> f32 { return asin(x); }
fn ga_acos_f32(x: f32) -> f32 { return acos(x); }
fn ga_atan_f32(x: f32) -> f32 { return atan(x); }
fn ga_atan2_f32(y: f32, x: f32) -> f32 {
  // C99 zero cases (some drivers return 3*pi/4 for atan2(0, 0))
  if (y == 0.0f) {
    let neg_x = (bitcast<u32>(x) & 0x80000000u) != 0u;
    let r = select(0.0f, 3.14159265358979f, neg_x && !((bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u));
    return bitcast<f32>((bitcast<u32>(r) & 0x7fffffffu) | (bitcast<u32>(y) & 0x80000000u)) + (x - x);
  }
  return atan2(y, x);
}
fn ga_sinh_f32(x: f32) -> f32 { return sinh(x); }
fn ga_cosh_f32(x: f32) -> f32 { return cosh(x); }
fn ga_tanh_f32(x: f32) -> f32 { if (abs(x) > 10.0f) { return sign(x); } return tanh(x); }
fn ga_asinh_f32(x: f32) -> f32 { return asinh(x); }
fn ga_acosh_f32(x: f32) -> f32 { return acosh(x); }
fn ga_atanh_f32(x: f32) -> f32 { return atanh(x); }

//@ complex
// Complex arithmetic on vec2 (re, im); $R is the real component type.
fn ga_cmul_$S(a: $T, b: $T) -> $T { return $T(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn ga_cdiv_$S(a: $T, b: $T) -> $T {
  // Smith's algorithm: avoids overflow of |b|^2
  if (abs(b.x) >= abs(b.y)) {
    let r = b.y / b.x;
    let d = b.x + b.y * r;
    return $T((a.x + a.y * r) / d, (a.y - a.x * r) / d);
  }
  let r = b.x / b.y;
  let d = b.x * r + b.y;
  return $T((a.x * r + a.y) / d, (a.y * r - a.x) / d);
}
fn ga_cabs_$S(a: $T) -> $R { return ga_hypot_$RS(a.x, a.y); }
fn ga_conj_$S(a: $T) -> $T { return $T(a.x, -a.y); }

//@ shift
// NumPy shifts: a shift by >= the type's width (or negative) gives 0 (or -1 for a negative value >>).
// (the amount goes through select() rather than early returns: llvmpipe miscompiled the
// early-return form for 64-bit operands whose amount was widened from a narrower type)
fn ga_shl_$S(a: $T, b: $T) -> $T {
  let ok = b >= $ZERO && b < $BITS;
  let r = a << (u32(select($ZERO, b, ok)) & $SHMASK);
  return select($ZERO, r, ok);
}
fn ga_shr_$S(a: $T, b: $T) -> $T {
  let ok = b >= $ZERO && b < $BITS;
  let r = a >> (u32(select($ZERO, b, ok)) & $SHMASK);
  return select(select($ZERO, $ZERO - $ONE, a < $ZERO), r, ok);
}

//@ fpe_note
// Floating-point error flags (see _errstate): OR bits ``f`` into word ``slot`` of the device's
// flag buffer, declared by the kernel as ``fpe_flags``. The load first keeps a kernel whose every
// element raises the same flag from serializing on one atomic.
fn ga_fpe_note(slot: u32, f: u32) {
  if (f != 0u && (atomicLoad(&fpe_flags[slot]) & f) != f) { atomicOr(&fpe_flags[slot], f); }
}


//@ complex_math
// Complex elementary functions on vec2 (re, im), built on the real library ($RS). Special values
// follow C99 Annex G as NumPy's (the C library's) functions give them; where NumPy has its own
// formula (log2, log10, log1p, expm1, exp2, power) it is NumPy's. Large arguments are scaled where a
// partial result would overflow before the final one does.
fn ga_isnan_$S(z: $T) -> bool { return ga_isnan_$RS(z.x) || ga_isnan_$RS(z.y); }
fn ga_isinf_$S(z: $T) -> bool { return ga_isinf_$RS(z.x) || ga_isinf_$RS(z.y); }
fn ga_isfinite_$S(z: $T) -> bool { return ga_isfinite_$RS(z.x) && ga_isfinite_$RS(z.y); }
fn ga_cnan_$S() -> $R { return bitcast<$R>($QNAN); }
// i z and -i z (the identities between the trigonometric and hyperbolic functions), the signs
// flipped on the bits: a NaN part keeps its sign through them as C's negation gives it (NumPy's
// special values depend on it), where a driver's float negation may not flip a NaN's sign
fn ga_cneg_$S(v: $R) -> $R { return bitcast<$R>(bitcast<$U>(v) ^ ~$ABSMASK); }
fn ga_cmuli_$S(z: $T) -> $T { return $T(ga_cneg_$S(z.y), z.x); }
fn ga_cmulni_$S(z: $T) -> $T { return $T(z.y, ga_cneg_$S(z.x)); }
fn ga_cinf_$S() -> $R { return bitcast<$R>($EXPMASK); }
fn ga_cexp_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isfinite_$RS(x) && ga_isfinite_$RS(y)) {
    if (y == $ZERO) { return $T(ga_exp_$RS(x), y); }
    let c = ga_cos_$RS(y);
    let s = ga_sin_$RS(y);
    if (x > $EXPBIG) {
      let h = ga_exp_$RS(x * $HALF);
      return $T((h * c) * h, (h * s) * h);
    }
    let e = ga_exp_$RS(x);
    return $T(e * c, e * s);
  }
  if (ga_isnan_$RS(x)) {
    if (y == $ZERO) { return $T(x, y); }
    return $T(x, x);
  }
  if (ga_isinf_$RS(x)) {
    if (x > $ZERO) {
      if (y == $ZERO) { return $T(x, y); }
      if (!ga_isfinite_$RS(y)) { return $T(x, ga_cnan_$S()); }
      return $T(ga_copysign_$RS(x, ga_cos_$RS(y)), ga_copysign_$RS(x, ga_sin_$RS(y)));
    }
    if (!ga_isfinite_$RS(y)) { return $T($ZERO, ga_copysign_$RS($ZERO, y)); }
    return $T(ga_copysign_$RS($ZERO, ga_cos_$RS(y)), ga_copysign_$RS($ZERO, ga_sin_$RS(y)));
  }
  return $T(ga_cnan_$S(), ga_cnan_$S());
}
// NumPy's order of complex numbers: lexicographic, and a NaN imaginary part on either side makes
// the real parts' strict test false (its CLT/CLE/CGT/CGE); maximum/minimum keep a NaN operand
// (the first one), fmax/fmin the other operand; rint rounds each part (ties to even); sign is
// z / |z| (0 for 0, +-1 along an infinite part, else NaN for a NaN part or two infinite ones).
fn ga_clt_$S(a: $T, b: $T) -> bool { return (a.x < b.x && !ga_isnan_$RS(a.y) && !ga_isnan_$RS(b.y)) || (a.x == b.x && a.y < b.y); }
fn ga_cle_$S(a: $T, b: $T) -> bool { return (a.x < b.x && !ga_isnan_$RS(a.y) && !ga_isnan_$RS(b.y)) || (a.x == b.x && a.y <= b.y); }
fn ga_cgt_$S(a: $T, b: $T) -> bool { return (a.x > b.x && !ga_isnan_$RS(a.y) && !ga_isnan_$RS(b.y)) || (a.x == b.x && a.y > b.y); }
fn ga_cge_$S(a: $T, b: $T) -> bool { return (a.x > b.x && !ga_isnan_$RS(a.y) && !ga_isnan_$RS(b.y)) || (a.x == b.x && a.y >= b.y); }
fn ga_cmaximum_$S(a: $T, b: $T) -> $T { return select(b, a, ga_isnan_$S(a) || ga_cge_$S(a, b)); }
fn ga_cminimum_$S(a: $T, b: $T) -> $T { return select(b, a, ga_isnan_$S(a) || ga_cle_$S(a, b)); }
fn ga_cfmax_$S(a: $T, b: $T) -> $T { return select(b, a, ga_isnan_$S(b) || ga_cge_$S(a, b)); }
fn ga_cfmin_$S(a: $T, b: $T) -> $T { return select(b, a, ga_isnan_$S(b) || ga_cle_$S(a, b)); }
fn ga_crint_$S(z: $T) -> $T { return $T(round(z.x), round(z.y)); }
fn ga_csign_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isinf_$RS(x) && ga_isinf_$RS(y)) { return $T(ga_cnan_$S(), ga_cnan_$S()); }
  if (ga_isinf_$RS(x)) { return $T(ga_copysign_$RS($ONE, x), $ZERO); }  // (an infinite part wins over a NaN one)
  if (ga_isinf_$RS(y)) { return $T($ZERO, ga_copysign_$RS($ONE, y)); }
  if (ga_isnan_$S(z)) { return $T(ga_cnan_$S(), ga_cnan_$S()); }
  if (x == $ZERO && y == $ZERO) { return $T($ZERO, $ZERO); }
  let h = ga_hypot_$RS(x, y);
  // a finite z whose |z| overflows: NumPy's branch for an infinite |z| with a finite real part
  if (ga_isinf_$RS(h)) { return $T($ZERO, select(-$ONE, $ONE, y > $ZERO)); }
  return $T(x / h, y / h);
}
// log|z| near |z| = 1 through log1p (no cancellation in |z| - 1); tiny |z| scaled up first
fn ga_clogabs_$S(z: $T) -> $R {
  let ax = abs(z.x);
  let ay = abs(z.y);
  if (!(ga_isfinite_$RS(z.x) && ga_isfinite_$RS(z.y))) { return ga_log_$RS(ga_hypot_$RS(z.x, z.y)); }
  let hi = max(ax, ay);
  let lo = min(ax, ay);
  if (hi > $HALF && hi < $TWO) {
    let h = ga_hypot_$RS(hi, lo);
    if (h > 0.75$L && h < 1.25$L) { return $HALF * ga_log1p_$RS((hi - $ONE) * (hi + $ONE) + lo * lo); }
    return ga_log_$RS(h);
  }
  if (hi < $TINY && hi > $ZERO) {
    return ga_log_$RS(ga_hypot_$RS(hi * $UP, lo * $UP)) - $LNUP;
  }
  return ga_log_$RS(ga_hypot_$RS(hi, lo));
}
fn ga_clog_$S(z: $T) -> $T { return $T(ga_clogabs_$S(z), ga_atan2_$RS(z.y, z.x)); }
fn ga_clog2_$S(z: $T) -> $T { return ga_clog_$S(z) * $LOG2E; }
fn ga_clog10_$S(z: $T) -> $T { return ga_clog_$S(z) * $LOG10E; }
fn ga_clog1p_$S(z: $T) -> $T {
  let xp = z.x + $ONE;
  return $T(ga_log_$RS(ga_hypot_$RS(xp, z.y)), ga_atan2_$RS(z.y, xp));
}
fn ga_cexpm1_$S(z: $T) -> $T {
  let a = ga_sin_$RS(z.y * $HALF);
  return $T(ga_expm1_$RS(z.x) * ga_cos_$RS(z.y) - $TWO * a * a, ga_exp_$RS(z.x) * ga_sin_$RS(z.y));
}
fn ga_cexp2_$S(z: $T) -> $T { return ga_cexp_$S(z * $LN2); }
fn ga_csqrt_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isinf_$RS(y)) { return $T(ga_cinf_$S(), y); }
  if (ga_isnan_$RS(x)) { return $T(x, x); }
  if (ga_isinf_$RS(x)) {
    if (x > $ZERO) { return $T(x, select(ga_copysign_$RS($ZERO, y), y, ga_isnan_$RS(y))); }
    if (ga_isnan_$RS(y)) { return $T(y, ga_cinf_$S()); }
    return $T($ZERO, ga_copysign_$RS(ga_cinf_$S(), y));
  }
  if (ga_isnan_$RS(y)) { return $T(y, y); }
  if (x == $ZERO && y == $ZERO) { return $T($ZERO, y); }
  var sx = x;
  var sy = y;
  var back = $ONE;
  let m = max(abs(x), abs(y));
  if (m > $SQRTBIG) {
    sx = x * 0.25$L;
    sy = y * 0.25$L;
    back = $TWO;
  } else if (m < $TINY) {
    sx = x * $UP2;
    sy = y * $UP2;
    back = $DOWN;
  }
  let t = sqrt((abs(sx) + ga_hypot_$RS(sx, sy)) * $HALF);
  if (sx >= $ZERO) { return $T(t * back, (sy / (t * $TWO)) * back); }
  return $T((abs(sy) / (t * $TWO)) * back, ga_copysign_$RS(t, sy) * back);
}
fn ga_csinh_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isfinite_$RS(x) && ga_isfinite_$RS(y)) {
    if (y == $ZERO) { return $T(ga_sinh_$RS(x), y); }
    let c = ga_cos_$RS(y);
    let s = ga_sin_$RS(y);
    if (abs(x) < $HYPBIG) { return $T(ga_sinh_$RS(x) * c, ga_cosh_$RS(x) * s); }
    let h = ga_exp_$RS(abs(x) * $HALF);
    return $T(ga_copysign_$RS($ONE, x) * ((h * $HALF * c) * h), (h * $HALF * s) * h);
  }
  if (x == $ZERO) { return $T(x, ga_cnan_$S()); }
  if (y == $ZERO) { return $T(x, y); }
  if (ga_isfinite_$RS(x)) { return $T(ga_cnan_$S(), ga_cnan_$S()); }
  if (ga_isinf_$RS(x)) {
    if (!ga_isfinite_$RS(y)) { return $T(ga_cinf_$S(), ga_cnan_$S()); }
    return $T(x * ga_cos_$RS(y), ga_cinf_$S() * ga_sin_$RS(y));
  }
  return $T(x, ga_cnan_$S());
}
fn ga_ccosh_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isfinite_$RS(x) && ga_isfinite_$RS(y)) {
    if (y == $ZERO) { return $T(ga_cosh_$RS(x), x * y); }
    let c = ga_cos_$RS(y);
    let s = ga_sin_$RS(y);
    if (abs(x) < $HYPBIG) { return $T(ga_cosh_$RS(x) * c, ga_sinh_$RS(x) * s); }
    let h = ga_exp_$RS(abs(x) * $HALF);
    return $T((h * $HALF * c) * h, ga_copysign_$RS($ONE, x) * ((h * $HALF * s) * h));
  }
  if (x == $ZERO) { return $T(ga_cnan_$S(), $ZERO); }
  if (y == $ZERO) {
    if (ga_isnan_$RS(x)) { return $T(x, y); }
    return $T(ga_cinf_$S(), ga_copysign_$RS($ONE, x) * y);
  }
  if (ga_isfinite_$RS(x)) { return $T(ga_cnan_$S(), ga_cnan_$S()); }
  if (ga_isinf_$RS(x)) {
    if (!ga_isfinite_$RS(y)) { return $T(ga_cinf_$S(), ga_cnan_$S()); }
    return $T(ga_cinf_$S() * ga_cos_$RS(y), x * ga_sin_$RS(y));
  }
  return $T(x, ga_cnan_$S());
}
fn ga_ctanh_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (!ga_isfinite_$RS(x)) {
    if (ga_isnan_$RS(x)) { return $T(x, select(x, y, y == $ZERO)); }
    var im = y;
    if (ga_isfinite_$RS(y)) { im = ga_sin_$RS(y) * ga_cos_$RS(y); }
    return $T(ga_copysign_$RS($ONE, x), ga_copysign_$RS($ZERO, im));
  }
  if (!ga_isfinite_$RS(y)) { return $T(select(ga_cnan_$S(), x, x == $ZERO), ga_cnan_$S()); }
  if (abs(x) >= $TANHBIG) {
    let e = ga_exp_$RS(-abs(x));
    return $T(ga_copysign_$RS($ONE, x), 4.0$L * ga_sin_$RS(y) * ga_cos_$RS(y) * e * e);
  }
  let t = ga_tan_$RS(y);
  let beta = $ONE + t * t;
  let s = ga_sinh_$RS(x);
  let rho = sqrt($ONE + s * s);
  let d = $ONE + beta * s * s;
  return $T((beta * rho * s) / d, t / d);
}
// sin z = -i sinh(iz), cos z = cosh(iz), tan z = -i tanh(iz)
fn ga_csin_$S(z: $T) -> $T {
  if (ga_isinf_$RS(z.y) && !ga_isfinite_$RS(z.x)) { return $T(ga_cnan_$S(), ga_cinf_$S()); }  // the C library's choice of sign
  let w = ga_csinh_$S(ga_cmuli_$S(z));
  return ga_cmulni_$S(w);
}
fn ga_ccos_$S(z: $T) -> $T { return ga_ccosh_$S(ga_cmuli_$S(z)); }
fn ga_ctan_$S(z: $T) -> $T { let w = ga_ctanh_$S(ga_cmuli_$S(z)); return ga_cmulni_$S(w); }
// C99 Annex G special values of asinh, acosh, atanh for a z with an infinite or NaN part
fn ga_cfinite_$S(z: $T) -> bool { return ga_isfinite_$RS(z.x) && ga_isfinite_$RS(z.y); }
fn ga_casinh_nf_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isnan_$RS(x)) {
    if (y == $ZERO) { return z; }
    if (ga_isinf_$RS(y)) { return $T(ga_copysign_$RS(ga_cinf_$S(), x), x); }
    return $T(x, x);
  }
  var im = $ZERO;
  if (ga_isinf_$RS(x)) {
    if (ga_isnan_$RS(y)) { return $T(x, y); }
    if (ga_isinf_$RS(y)) { im = $PI_2 * $HALF; }
  } else {
    if (ga_isnan_$RS(y)) { return $T(y, y); }
    im = $PI_2;
  }
  return $T(ga_copysign_$RS(ga_cinf_$S(), x), ga_copysign_$RS(im, y));
}
fn ga_cacosh_nf_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isnan_$RS(x)) {
    if (ga_isinf_$RS(y)) { return $T(ga_cinf_$S(), x); }
    return $T(x, x);
  }
  if (ga_isinf_$RS(x)) {
    if (ga_isnan_$RS(y)) { return $T(ga_cinf_$S(), y); }
    var im = select($PI_2 * $TWO, $ZERO, x > $ZERO);
    if (ga_isinf_$RS(y)) { im = select($PI_2 * 1.5$L, $PI_2 * $HALF, x > $ZERO); }
    return $T(ga_cinf_$S(), ga_copysign_$RS(im, y));
  }
  if (ga_isinf_$RS(y)) { return $T(ga_cinf_$S(), ga_copysign_$RS($PI_2, y)); }
  if (x == $ZERO) { return $T(y, $PI_2); }
  return $T(y, y);
}
fn ga_catanh_nf_$S(z: $T) -> $T {
  let x = z.x;
  let y = z.y;
  if (ga_isnan_$RS(x)) {
    if (ga_isinf_$RS(y)) { return $T(ga_copysign_$RS($ZERO, x), ga_copysign_$RS($PI_2, y)); }
    return $T(x, x);
  }
  if (ga_isnan_$RS(y)) {
    if (ga_isinf_$RS(x) || x == $ZERO) { return $T(ga_copysign_$RS($ZERO, x), y); }
    return $T(y, y);
  }
  return $T(ga_copysign_$RS($ZERO, x), ga_copysign_$RS($PI_2, y));
}
// Finite z: Kahan's formulas ("Branch cuts for complex elementary functions"); the square roots
// of 1 -+ z keep the signed zeros on the cuts. asin z = -i asinh(iz), acos from acosh's values
// off the finite plane (acos z = -i acosh z above the real axis, i acosh z below), atan z = -i atanh(iz).
fn ga_casin_$S(z: $T) -> $T {
  if (!ga_cfinite_$S(z)) {
    if (ga_isinf_$RS(z.x) && ga_isnan_$RS(z.y)) { return $T(z.y, ga_copysign_$RS(ga_cinf_$S(), z.y)); }  // the C library's sign
    let w = ga_casinh_nf_$S(ga_cmuli_$S(z));
    return ga_cmulni_$S(w);
  }
  let s1 = ga_csqrt_$S($T($ONE - z.x, -z.y));
  let s2 = ga_csqrt_$S($T($ONE + z.x, z.y));
  return $T(ga_atan2_$RS(z.x, s1.x * s2.x - s1.y * s2.y), ga_asinh_$RS(s1.x * s2.y - s1.y * s2.x));
}
fn ga_cacos_$S(z: $T) -> $T {
  if (!ga_cfinite_$S(z)) {
    let w = ga_cacosh_nf_$S(z);
    if (ga_signbit_$RS(z.y) && !(ga_isnan_$RS(z.y) && ga_isfinite_$RS(z.x))) { return ga_cmuli_$S(w); }
    return ga_cmulni_$S(w);
  }
  let s1 = ga_csqrt_$S($T($ONE - z.x, -z.y));
  let s2 = ga_csqrt_$S($T($ONE + z.x, z.y));
  return $T($TWO * ga_atan2_$RS(s1.x, s2.x), ga_asinh_$RS(s2.x * s1.y - s2.y * s1.x));
}
fn ga_cacosh_$S(z: $T) -> $T {
  if (!ga_cfinite_$S(z)) { return ga_cacosh_nf_$S(z); }
  let s1 = ga_csqrt_$S($T(z.x - $ONE, z.y));
  let s2 = ga_csqrt_$S($T(z.x + $ONE, z.y));
  return $T(ga_asinh_$RS(s1.x * s2.x + s1.y * s2.y), $TWO * ga_atan2_$RS(s1.y, s2.x));
}
fn ga_casinh_$S(z: $T) -> $T {
  if (!ga_cfinite_$S(z)) { return ga_casinh_nf_$S(z); }
  let w = ga_casin_$S(ga_cmuli_$S(z));
  return ga_cmulni_$S(w);
}
fn ga_catanh_$S(z: $T) -> $T {
  if (!ga_cfinite_$S(z)) { return ga_catanh_nf_$S(z); }
  let x = z.x;
  let y = z.y;
  let ax = abs(x);
  let ay = abs(y);
  let hi = max(ax, ay);
  if (hi > $ATANHBIG) {
    let r = min(ax, ay) / hi;
    return $T(((x / hi) / hi) / ($ONE + r * r), ga_copysign_$RS($PI_2, y));
  }
  let u = $ONE - ax;
  let d = u * u + ay * ay;
  var re: $R;
  if (d < $HALF) {  // near z = +-1 (d may underflow): a difference of logs without cancellation
    re = $HALF * (ga_log_$RS(ga_hypot_$RS($ONE + ax, ay)) - ga_log_$RS(ga_hypot_$RS(u, ay)));
  } else {
    re = 0.25$L * ga_log1p_$RS(4.0$L * ax / d);
  }
  let im = $HALF * ga_atan2_$RS($TWO * y, u * ($ONE + ax) - ay * ay);
  return $T(ga_copysign_$RS(re, x), im);
}
fn ga_catan_$S(z: $T) -> $T { let w = ga_catanh_$S(ga_cmuli_$S(z)); return ga_cmulni_$S(w); }
// NumPy's npy_cpow: b = 0 gives 1; a = 0 gives 0 for Re b > 0, else NaN; small integer powers by
// repeated multiplication; otherwise exp(b log a)
fn ga_cpow_$S(a: $T, b: $T) -> $T {
  if (b.x == $ZERO && b.y == $ZERO) { return $T($ONE, $ZERO); }
  if (a.x == $ZERO && a.y == $ZERO) {
    if (b.x > $ZERO) { return $T($ZERO, $ZERO); }
    return $T(ga_cnan_$S(), ga_cnan_$S());
  }
  if (b.y == $ZERO && b.x == trunc(b.x) && abs(b.x) < 100.0$L) {
    let n = i32(b.x);
    if (n == 1) { return a; }
    if (n == 2) { return ga_cmul_$S(a, a); }
    if (n == 3) { return ga_cmul_$S(a, ga_cmul_$S(a, a)); }
    var k = u32(abs(n));
    var p = a;
    var acc = $T($ONE, $ZERO);
    loop {
      if ((k & 1u) != 0u) { acc = ga_cmul_$S(acc, p); }
      k = k >> 1u;
      if (k == 0u) { break; }
      p = ga_cmul_$S(p, p);
    }
    if (b.x < $ZERO) { return ga_crecip_$S(acc); }
    return acc;
  }
  return ga_cexp_$S(ga_cmul_c99_$S(b, ga_clog_$S(a)));
}
// NumPy's cdiv(1, b) (Smith's algorithm) with its zero signs: the `+ 0` it adds turns a -0 into +0,
// done on the bits (a compiler may drop `x + 0.0` where it ignores signed zeros)
fn ga_pluszero_$S(v: $R) -> $R { return bitcast<$R>(select(bitcast<$U>(v), $UZERO, (bitcast<$U>(v) & $ABSMASK) == $UZERO)); }
fn ga_crecip_$S(b: $T) -> $T {
  if (abs(b.x) >= abs(b.y)) {
    let rat = b.y / b.x;
    let scl = $ONE / (b.x + b.y * rat);
    return $T(scl, ga_pluszero_$S(-rat) * scl);
  }
  let rat = b.x / b.y;
  let scl = $ONE / (b.y + b.x * rat);
  return $T(ga_pluszero_$S(rat) * scl, -scl);
}
// C99 Annex G multiplication (the C library's cpow is cexp(b * clog(a)) with it): a NaN + NaN i
// product of an infinite operand is recomputed with the infinities boxed to +-1
fn ga_cmul_c99_$S(p: $T, q: $T) -> $T {
  var a = p.x;
  var b = p.y;
  var c = q.x;
  var d = q.y;
  let ac = a * c;
  let bd = b * d;
  let ad = a * d;
  let bc = b * c;
  let r = $T(ac - bd, ad + bc);
  if (!(ga_isnan_$RS(r.x) && ga_isnan_$RS(r.y))) { return r; }
  var again = false;
  if (ga_isinf_$RS(a) || ga_isinf_$RS(b)) {
    a = ga_copysign_$RS(select($ZERO, $ONE, ga_isinf_$RS(a)), a);
    b = ga_copysign_$RS(select($ZERO, $ONE, ga_isinf_$RS(b)), b);
    if (ga_isnan_$RS(c)) { c = ga_copysign_$RS($ZERO, c); }
    if (ga_isnan_$RS(d)) { d = ga_copysign_$RS($ZERO, d); }
    again = true;
  }
  if (ga_isinf_$RS(c) || ga_isinf_$RS(d)) {
    c = ga_copysign_$RS(select($ZERO, $ONE, ga_isinf_$RS(c)), c);
    d = ga_copysign_$RS(select($ZERO, $ONE, ga_isinf_$RS(d)), d);
    if (ga_isnan_$RS(a)) { a = ga_copysign_$RS($ZERO, a); }
    if (ga_isnan_$RS(b)) { b = ga_copysign_$RS($ZERO, b); }
    again = true;
  }
  if (!again && (ga_isinf_$RS(ac) || ga_isinf_$RS(bd) || ga_isinf_$RS(ad) || ga_isinf_$RS(bc))) {
    if (ga_isnan_$RS(a)) { a = ga_copysign_$RS($ZERO, a); }
    if (ga_isnan_$RS(b)) { b = ga_copysign_$RS($ZERO, b); }
    if (ga_isnan_$RS(c)) { c = ga_copysign_$RS($ZERO, c); }
    if (ga_isnan_$RS(d)) { d = ga_copysign_$RS($ZERO, d); }
    again = true;
  }
  if (again) { return $T(ga_cinf_$S() * (a * c - b * d), ga_cinf_$S() * (a * d + b * c)); }
  return r;
}
