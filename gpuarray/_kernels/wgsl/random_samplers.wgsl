// Random variates drawn by rejection: each element draws from its own Philox sub-stream
// (ga__rand4_*: four uniforms per try) until a candidate is accepted. Written once over the float
// type $T (suffix $S, literal suffix $L), instantiated for f32 and f64.
// The number of tries is bounded so that every thread ends; the bounds are set where running out is
// below 1e-30 (each try is accepted with probability above 0.9), and an element that runs out is
// NaN (visible, never a wrong number).

// Marsaglia-Tsang (2000) for shape s = a (a >= 1) or a + 1 (a < 1, where X = G(a + 1) U^(1/a) is
// Gamma(a)): (the accepted d v^3, log of the boost U^(1/a), 0 for a >= 1). Shape 0: (0, 0).
fn ga__gamma_parts_$S(i: u32, kc: vec4<u32>, a: $T) -> vec2<$T> {
  if (!(a > 0.0$L)) {
    return vec2<$T>(select(bitcast<$T>($NANBITS), 0.0$L, a == 0.0$L), 0.0$L);
  }
  let boost = a < 1.0$L;
  let d = select(a, a + 1.0$L, boost) - 1.0$L / 3.0$L;
  let c = (1.0$L / 3.0$L) / sqrt(d);
  for (var t = 0u; t < 24u; t++) {
    let u = ga__rand4_$S(i, t, kc);
    // a normal from the first two uniforms (Box-Muller; 1 - u in (0, 1])
    let z = sqrt(-2.0$L * ga_log_$S(1.0$L - u.x)) * ga_cos_$S(6.283185307179586$L * u.y);
    let v = 1.0$L + c * z;
    if (v <= 0.0$L) {
      continue;
    }
    let v3 = v * v * v;
    let z2 = z * z;
    if (u.z < 1.0$L - 0.0331$L * z2 * z2 || ga_log_$S(u.z) < 0.5$L * z2 + d * (1.0$L - v3 + ga_log_$S(v3))) {
      var lb = 0.0$L;
      if (boost) {
        lb = ga_log_$S(1.0$L - u.w) / a;
      }
      return vec2<$T>(d * v3, lb);
    }
  }
  return vec2<$T>(bitcast<$T>($NANBITS), 0.0$L);
}

// Gamma(a) (scale 1).
fn ga_rand_gamma_$S(i: u32, kc: vec4<u32>, a: $T) -> $T {
  let g = ga__gamma_parts_$S(i, kc, a);
  if (g.y == 0.0$L) {
    return g.x;
  }
  return g.x * ga_exp_$S(g.y);
}

// log of a Gamma(a) variate, finite where the variate itself underflows (shape far below 1): what
// ratios of gamma variates (beta, dirichlet) are computed from.
fn ga_rand_loggamma_$S(i: u32, kc: vec4<u32>, a: $T) -> $T {
  let g = ga__gamma_parts_$S(i, kc, a);
  return ga_log_$S(g.x) + g.y;
}

// log Gamma(x) for x >= 1 (NumPy's random_loggam: Stirling's series at x + n >= 7, then back down
// by the log of the product x (x + 1) ... (x + n - 1)).
fn ga__loggam_$S(x: $T) -> $T {
  if (x == 1.0$L || x == 2.0$L) {
    return 0.0$L;
  }
  var n = 0.0$L;
  if (x < 7.0$L) {
    n = floor(7.0$L - x);
  }
  let x0 = x + n;
  let x2 = (1.0$L / x0) * (1.0$L / x0);
  var gl0 = -1.39243221690590$L;
  gl0 = gl0 * x2 + 1.796443723688307e-01$L;
  gl0 = gl0 * x2 - 2.955065359477124e-02$L;
  gl0 = gl0 * x2 + 6.410256410256410e-03$L;
  gl0 = gl0 * x2 - 1.917526917526918e-03$L;
  gl0 = gl0 * x2 + 8.417508417508418e-04$L;
  gl0 = gl0 * x2 - 5.952380952380952e-04$L;
  gl0 = gl0 * x2 + 7.936507936507937e-04$L;
  gl0 = gl0 * x2 - 2.777777777777778e-03$L;
  gl0 = gl0 * x2 + 8.333333333333333e-02$L;
  var gl = gl0 / x0 + 0.5$L * 1.8378770664093453$L + (x0 - 0.5$L) * ga_log_$S(x0) - x0;
  if (n > 0.0$L) {
    var prod = 1.0$L;
    for (var k = 0.0$L; k < n; k += 1.0$L) {
      prod = prod * (x + k);
    }
    gl = gl - ga_log_$S(prod);
  }
  return gl;
}

// Poisson(lam): inversion (sequential search on one uniform) below lam = 10, Hormann's
// transformed rejection with squeeze (PTRS, 1993) from 10 on, as NumPy chooses. Counts as floats.
fn ga_rand_poisson_$S(i: u32, kc: vec4<u32>, lam: $T) -> $T {
  if (!(lam > 0.0$L)) {
    return select(bitcast<$T>($NANBITS), 0.0$L, lam == 0.0$L);
  }
  if (lam < 10.0$L) {
    let p0 = ga_exp_$S(-lam);
    for (var t = 0u; t < 8u; t++) {
      // (a search that rounding keeps below u past 64 terms draws again: P(k > 64) < 1e-40)
      let u = ga__rand4_$S(i, t, kc).x;
      var p = p0;
      var f = p0;
      var k = 0.0$L;
      while (u > f && k < 64.0$L) {
        k += 1.0$L;
        p = p * lam / k;
        f += p;
      }
      if (u <= f) {
        return k;
      }
    }
    return bitcast<$T>($NANBITS);
  }
  let slam = sqrt(lam);
  let loglam = ga_log_$S(lam);
  let b = 0.931$L + 2.53$L * slam;
  let a = -0.059$L + 0.02483$L * b;
  let invalpha = 1.1239$L + 1.1328$L / (b - 3.4$L);
  let vr = 0.9277$L - 3.6224$L / (b - 2.0$L);
  for (var t = 0u; t < 32u; t++) {
    let r = ga__rand4_$S(i, t, kc);
    for (var h = 0u; h < 2u; h++) {
      let uu = select(r.x, r.z, h == 1u) - 0.5$L;
      let v = select(r.y, r.w, h == 1u);
      let us = 0.5$L - abs(uu);
      let k = floor((2.0$L * a / us + b) * uu + lam + 0.43$L);
      if (us >= 0.07$L && v <= vr) {
        return k;
      }
      if (k < 0.0$L || (us < 0.013$L && v > us)) {
        continue;
      }
      if (ga_log_$S(v) + ga_log_$S(invalpha) - ga_log_$S(a / (us * us) + b) <= -lam + k * loglam - ga__loggam_$S(k + 1.0$L)) {
        return k;
      }
    }
  }
  return bitcast<$T>($NANBITS);
}

// The tail log k! - Stirling's approximation of it (the correction term of Hormann's BTRS).
fn ga__stirling_tail_$S(k: $T) -> $T {
  if (k <= 9.0$L) {
    let tail = array<$T, 10>(0.0810614667953272$L, 0.0413406959554092$L, 0.0276779256849983$L,
      0.02079067210376509$L, 0.0166446911898211$L, 0.0138761288230707$L, 0.0118967099458917$L,
      0.0104112652619720$L, 0.00925546218271273$L, 0.00833056343336287$L);
    // picked by selects: a computed index would make the table memory in every lane (slow compiles)
    var t = tail[0];
    for (var q = 1u; q < 10u; q = q + 1u) { t = select(t, tail[q], u32(k) == q); }
    return t;
  }
  let kp1sq = (k + 1.0$L) * (k + 1.0$L);
  return (1.0$L / 12.0$L - (1.0$L / 360.0$L - 1.0$L / 1260.0$L / kp1sq) / kp1sq) / (k + 1.0$L);
}

// Binomial(n, p) for p <= 1/2 (the caller flips p > 1/2): inversion (NumPy's, restarted past its
// bound) where n p <= 30, Hormann's BTRS (1993) above, with the acceptance test written in log1p
// and Stirling tails so that it keeps its precision for large n.
fn ga__binomial_half_$S(i: u32, kc: vec4<u32>, n: $T, p: $T) -> $T {
  if (n == 0.0$L || p == 0.0$L) {
    return 0.0$L;
  }
  let q = 1.0$L - p;
  let np = n * p;
  if (np <= 30.0$L) {
    let qn = ga_exp_$S(n * ga_log1p_$S(-p));
    let bound = min(n, np + 10.0$L * sqrt(np * q + 1.0$L));
    for (var t = 0u; t < 16u; t++) {
      var u = ga__rand4_$S(i, t, kc).x;
      var px = qn;
      var x = 0.0$L;
      while (u > px && x <= bound) {
        x += 1.0$L;
        u -= px;
        px = ((n - x + 1.0$L) * p * px) / (x * q);
      }
      if (x <= bound) {
        return x;
      }
    }
    return bitcast<$T>($NANBITS);
  }
  let spq = sqrt(np * q);
  let b = 1.15$L + 2.53$L * spq;
  let a = -0.0873$L + 0.0248$L * b + 0.01$L * p;
  let c = np + 0.5$L;
  let vr = 0.92$L - 4.2$L / b;
  let alpha = (2.83$L + 5.1$L / b) * spq;
  let r = p / q;
  let m = floor((n + 1.0$L) * p);
  for (var t = 0u; t < 32u; t++) {
    let w = ga__rand4_$S(i, t, kc);
    for (var h = 0u; h < 2u; h++) {
      let uu = select(w.x, w.z, h == 1u) - 0.5$L;
      var v = select(w.y, w.w, h == 1u);
      let us = 0.5$L - abs(uu);
      let k = floor((2.0$L * a / us + b) * uu + c);
      if (k < 0.0$L || k > n) {
        continue;
      }
      if (us >= 0.07$L && v <= vr) {
        return k;
      }
      v = ga_log_$S(v * alpha / (a / (us * us) + b));
      let bound = (m + 0.5$L) * ga_log_$S((m + 1.0$L) / (r * (n - m + 1.0$L)))
        + (n + 1.0$L) * ga_log1p_$S((k - m) / (n - k + 1.0$L))
        + (k + 0.5$L) * ga_log_$S(r * (n - k + 1.0$L) / (k + 1.0$L))
        + ga__stirling_tail_$S(m) + ga__stirling_tail_$S(n - m)
        - ga__stirling_tail_$S(k) - ga__stirling_tail_$S(n - k);
      if (v <= bound) {
        return k;
      }
    }
  }
  return bitcast<$T>($NANBITS);
}

// Binomial(n, p), n a whole number, p in [0, 1].
fn ga_rand_binomial_$S(i: u32, kc: vec4<u32>, n: $T, p: $T) -> $T {
  if (p <= 0.5$L) {
    return ga__binomial_half_$S(i, kc, n, p);
  }
  return n - ga__binomial_half_$S(i, kc, n, 1.0$L - p);
}

// von Mises(mu, kappa) on [-pi, pi] (NumPy's construction: Best and Fisher's rejection, uniform
// below kappa = 1e-8, a wrapped normal above 1e6).
fn ga_rand_vonmises_$S(i: u32, kc: vec4<u32>, mu: $T, kappa: $T) -> $T {
  let pi = 3.141592653589793$L;
  if (kappa != kappa) {
    return kappa;
  }
  var res = bitcast<$T>($NANBITS);
  if (kappa < 1e-8$L) {
    return pi * (2.0$L * ga__rand4_$S(i, 0u, kc).x - 1.0$L);
  }
  if (kappa > 1e6$L) {
    let u = ga__rand4_$S(i, 0u, kc);
    let z = sqrt(-2.0$L * ga_log_$S(1.0$L - u.x)) * ga_cos_$S(6.283185307179586$L * u.y);
    res = mu + sqrt(1.0$L / kappa) * z;
    if (res < -pi) {
      res += 2.0$L * pi;
    }
    if (res > pi) {
      res -= 2.0$L * pi;
    }
    return res;
  }
  var s = 1.0$L / kappa + kappa;
  if (kappa >= 1e-5$L) {
    let r = 1.0$L + sqrt(1.0$L + 4.0$L * kappa * kappa);
    let rho = (r - sqrt(2.0$L * r)) / (2.0$L * kappa);
    s = (1.0$L + rho * rho) / (2.0$L * rho);
  }
  // each try is accepted with probability above 0.65: 80 tries
  for (var t = 0u; t < 80u; t++) {
    let u = ga__rand4_$S(i, t, kc);
    let z = ga_cos_$S(pi * u.x);
    let w = (1.0$L + s * z) / (s + z);
    let y = kappa * (s - w);
    if (y * (2.0$L - y) - u.y >= 0.0$L || ga_log_$S(y / u.y) + 1.0$L - y >= 0.0$L) {
      res = ga_acos_$S(w);
      if (u.z < 0.5$L) {
        res = -res;
      }
      res += mu;
      let m = ga_fmod_$S(abs(res) + pi, 2.0$L * pi) - pi;
      return select(m, -m, res < 0.0$L);
    }
  }
  return res;
}

// Zipf(a), a > 1 (NumPy's rejection; candidates past int64 are rejected, as NumPy does, which
// near a = 1 is most of them: 2048 tries, two per block of uniforms).
fn ga_rand_zipf_$S(i: u32, kc: vec4<u32>, a: $T) -> $T {
  if (a >= 1025.0$L) {
    return 1.0$L;
  }
  let am1 = a - 1.0$L;
  let b = ga_pow_$S(2.0$L, am1);
  for (var t = 0u; t < 1024u; t++) {
    let r = ga__rand4_$S(i, t, kc);
    for (var h = 0u; h < 2u; h++) {
      let u = 1.0$L - select(r.x, r.z, h == 1u);
      let v = select(r.y, r.w, h == 1u);
      let x = floor(ga_pow_$S(u, -1.0$L / am1));
      if (x > 9.223372036854775807e18$L || x < 1.0$L) {
        continue;
      }
      let tt = ga_pow_$S(1.0$L + 1.0$L / x, am1);
      if (v * x * (tt - 1.0$L) / (b - 1.0$L) <= tt / b) {
        return x;
      }
    }
  }
  return bitcast<$T>($NANBITS);
}

// log of the binomial coefficient C(a, b), 0 <= b <= a whole numbers.
fn ga__logchoose_$S(a: $T, b: $T) -> $T {
  return ga__loggam_$S(a + 1.0$L) - ga__loggam_$S(b + 1.0$L) - ga__loggam_$S(a - b + 1.0$L);
}

// Hypergeometric(good, bad, sample): the good items among `sample` drawn without replacement.
// Inversion by chop-down search from the mode (one uniform; the probabilities of the next values
// down and up by their ratios), so its steps are a few standard deviations. Whole-number operands.
fn ga_rand_hypergeometric_$S(i: u32, kc: vec4<u32>, good: $T, bad: $T, sample: $T) -> $T {
  let total = good + bad;
  let kmin = max(0.0$L, sample - bad);
  let kmax = min(sample, good);
  if (kmin >= kmax) {
    return kmin;
  }
  let m = clamp(floor((sample + 1.0$L) * (good + 1.0$L) / (total + 2.0$L)), kmin, kmax);
  let pm = ga_exp_$S(ga__logchoose_$S(good, m) + ga__logchoose_$S(bad, sample - m) - ga__logchoose_$S(total, sample));
  for (var t = 0u; t < 4u; t++) {
    var u = ga__rand4_$S(i, t, kc).x - pm;
    if (u <= 0.0$L) {
      return m;
    }
    var lo = m;
    var hi = m;
    var plo = pm;
    var phi = pm;
    // (both ends reached, or both probabilities underflowed, with u left: the computed masses sum
    // to slightly below 1; draw again)
    loop {
      let down = lo > kmin && plo > 0.0$L;
      let up = hi < kmax && phi > 0.0$L;
      if (!down && !up) {
        break;
      }
      if (down) {
        plo = plo * lo * (bad - sample + lo) / ((good - lo + 1.0$L) * (sample - lo + 1.0$L));
        lo -= 1.0$L;
        u -= plo;
        if (u <= 0.0$L) {
          return lo;
        }
      }
      if (up) {
        phi = phi * (good - hi) * (sample - hi) / ((hi + 1.0$L) * (bad - sample + hi + 1.0$L));
        hi += 1.0$L;
        u -= phi;
        if (u <= 0.0$L) {
          return hi;
        }
      }
    }
  }
  return bitcast<$T>($NANBITS);
}
