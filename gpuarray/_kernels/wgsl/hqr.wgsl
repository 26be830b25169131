// The Francis implicit double-shift QR iteration on real upper Hessenberg matrices (LAPACK's
// dlahqr), one workgroup per matrix: invocation 0 makes every decision (deflation search, shifts,
// exceptional shifts every 10th and 20th sweep, each bulge's 3-element reflector) and the
// workgroup applies each reflector to the rows, the columns and Z in parallel. P[3] (wantt): the
// full real Schur form T (the whole rows and columns updated, as for eigenvectors), else only the
// active block; P[4] (wantz): Z <- Z Q. A converged 2 x 2 block is standardised as dlanv2 does
// (equal diagonal and complex eigenvalues, or split to triangular), its rotation applied like the
// reflectors. Eigenvalues: W[b * 2n + j] (real part) and W[b * 2n + n + j] (imaginary part) at
// the diagonal position j (a complex pair: positive imaginary part first).
// At most P[2] sweeps per dispatch (short invocations: lavapipe stops long ones); the state lives in
// ST between dispatches: [i + 1 (the active block's last row), l, sweeps on i, sweeps since the
// last deflation, done, failed (more than P[5] sweeps on one eigenvalue)].
// P[0] n, P[1] matrices.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> H: array<$T>;
@group(0) @binding(2) var<storage, read_write> Z: array<$T>;
@group(0) @binding(3) var<storage, read_write> W: array<$T>;
@group(0) @binding(4) var<storage, read_write> ST: array<i32>;

// decisions for the workgroup: [action, k or m, i, l], [i1, i2, nr, 0]; reals: v2, v3, t1, cs, sn
var<workgroup> ctl: vec4<i32>;
var<workgroup> ctl2: vec4<i32>;
var<workgroup> rv: array<$T, 8>;

const ULP: $T = $ULP;
const SAFMIN: $T = $SAFMIN;

fn sgn(a: $T, b: $T) -> $T {  // Fortran's SIGN(a, b)
  if (b < $ZERO) { return -abs(a); }
  return abs(a);
}

fn hyp(a: $T, b: $T) -> $T {  // sqrt(a^2 + b^2) without overflow (dlapy2)
  let x = abs(a);
  let y = abs(b);
  let big = max(x, y);
  if (big == $ZERO) { return $ZERO; }
  let sm = min(x, y) / big;
  return big * sqrt($ONE + sm * sm);
}

// state of invocation 0
var<private> base: u32;
var<private> n: i32;

fn h(r: i32, c: i32) -> $T { return H[base + u32(r * n + c)]; }
fn hset(r: i32, c: i32, v: $T) { H[base + u32(r * n + c)] = v; }

// dlanv2 on the 2 x 2 block at (i - 1, i - 1): standardised in place, eigenvalues written, the
// rotation (cs, sn) into rv[3], rv[4]
fn lanv2(i: i32, wb: u32) {
  var a = h(i - 1, i - 1);
  var bb = h(i - 1, i);
  var c = h(i, i - 1);
  var d = h(i, i);
  var cs = $ONE;
  var sn = $ZERO;
  if (c == $ZERO) {
  } else if (bb == $ZERO) {  // swap rows and columns
    cs = $ZERO;
    sn = $ONE;
    let t = d;
    d = a;
    a = t;
    bb = -c;
    c = $ZERO;
  } else if ((a - d) == $ZERO && sgn($ONE, bb) != sgn($ONE, c)) {
  } else {
    var temp = a - d;
    var p = 0.5 * temp;
    let bcmax = max(abs(bb), abs(c));
    let bcmis = min(abs(bb), abs(c)) * sgn($ONE, bb) * sgn($ONE, c);
    var scale = max(abs(p), bcmax);
    var z = (p / scale) * p + (bcmax / scale) * bcmis;
    if (z >= 4.0 * ULP) {  // real eigenvalues
      z = p + sgn(sqrt(scale) * sqrt(z), p);
      a = d + z;
      d = d - (bcmax / z) * bcmis;
      let tau = hyp(c, z);
      cs = z / tau;
      sn = c / tau;
      bb = bb - c;
      c = $ZERO;
    } else {  // complex or nearly equal real eigenvalues: make the diagonal equal
      let sigma = bb + c;
      let tau = hyp(sigma, temp);
      cs = sqrt(0.5 * ($ONE + abs(sigma) / tau));
      sn = -(p / (tau * cs)) * sgn($ONE, sigma);
      let aa = a * cs + bb * sn;
      let b2 = -a * sn + bb * cs;
      let cc = c * cs + d * sn;
      let dd = -c * sn + d * cs;
      a = aa * cs + cc * sn;
      bb = b2 * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -b2 * sn + dd * cs;
      temp = 0.5 * (a + d);
      a = temp;
      d = temp;
      if (c != $ZERO) {
        if (bb != $ZERO) {
          if (sgn($ONE, bb) == sgn($ONE, c)) {  // real eigenvalues: split to triangular
            let sab = sqrt(abs(bb));
            let sac = sqrt(abs(c));
            p = sgn(sab * sac, c);
            let t2 = $ONE / sqrt(abs(bb + c));
            a = temp + p;
            d = temp - p;
            bb = bb - c;
            c = $ZERO;
            let cs1 = sab * t2;
            let sn1 = sac * t2;
            let t3 = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1;
            cs = t3;
          }
        } else {
          bb = -c;
          c = $ZERO;
          let t4 = cs;
          cs = -sn;
          sn = t4;
        }
      }
    }
  }
  hset(i - 1, i - 1, a);
  hset(i - 1, i, bb);
  hset(i, i - 1, c);
  hset(i, i, d);
  W[wb + u32(i - 1)] = a;
  W[wb + u32(i)] = d;
  var im = $ZERO;
  if (c != $ZERO) { im = sqrt(abs(bb)) * sqrt(abs(c)); }
  W[wb + u32(n + i - 1)] = im;
  W[wb + u32(n + i)] = -im;
  rv[3] = cs;
  rv[4] = sn;
}

@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= P[1]) { return; }  // uniform per workgroup
  n = i32(P[0]);
  base = b * P[0] * P[0];
  let wantt = P[3] != 0u;
  let wantz = P[4] != 0u;
  let itmax = i32(P[5]);
  let sb = b * 8u;
  let wb = b * 2u * P[0];
  let smlnum = SAFMIN * ($T(n) / ULP);
  // invocation 0's iteration state
  var i = ST[sb] - 1;
  var l = ST[sb + 1u];
  var its = ST[sb + 2u];
  var kdefl = ST[sb + 3u];
  var sweeps = 0u;
  var m = 0;
  loop {
    if (lid == 0u) {
      // 0: stop; 1: converged (nothing for the others); 2: a 2 x 2 block's rotation; 3: a sweep
      var action = 0;
      if (i < 0) {
        ST[sb + 4u] = 1;
      } else {
        // a small subdiagonal entry (dlahqr's test, Ahues and Tisseur's)
        var k = i;
        while (k > l) {
          let hk = abs(h(k, k - 1));
          if (hk <= smlnum) { break; }
          var tst = abs(h(k - 1, k - 1)) + abs(h(k, k));
          if (tst == $ZERO) {
            if (k - 2 >= 0) { tst += abs(h(k - 1, k - 2)); }
            if (k + 1 <= n - 1) { tst += abs(h(k + 1, k)); }
          }
          if (hk <= ULP * tst) {
            let ab = max(hk, abs(h(k - 1, k)));
            let ba = min(hk, abs(h(k - 1, k)));
            let aa = max(abs(h(k, k)), abs(h(k - 1, k - 1) - h(k, k)));
            let bb = min(abs(h(k, k)), abs(h(k - 1, k - 1) - h(k, k)));
            let s = aa + ab;
            if (ba * (ab / s) <= max(smlnum, ULP * (bb * (aa / s)))) { break; }
          }
          k -= 1;
        }
        l = k;
        if (l > 0) { hset(l, l - 1, $ZERO); }
        if (l >= i - 1) {  // one or two eigenvalues converged
          if (l == i) {
            W[wb + u32(i)] = h(i, i);
            W[wb + u32(n + i)] = $ZERO;
            action = 1;
          } else {
            lanv2(i, wb);
            action = 2;
            ctl2 = vec4<i32>(select(l, 0, wantt), select(i, n - 1, wantt), 0, 0);
            ctl = vec4<i32>(2, 0, i, l);
          }
          i = l - 1;
          l = 0;
          its = 0;
          kdefl = 0;
        } else if (its > itmax) {
          ST[sb + 5u] = 1;
          ST[sb + 4u] = 1;
        } else if (sweeps < P[2]) {
          its += 1;
          kdefl += 1;
          var h11 = $ZERO;
          var h12 = $ZERO;
          var h21 = $ZERO;
          var h22 = $ZERO;
          if (kdefl % 20 == 0) {  // exceptional shifts
            let s = abs(h(i, i - 1)) + abs(h(i - 1, i - 2));
            h11 = 0.75 * s + h(i, i);
            h12 = -0.4375 * s;
            h21 = s;
            h22 = h11;
          } else if (kdefl % 10 == 0) {
            let s = abs(h(l + 1, l)) + abs(h(l + 2, l + 1));
            h11 = 0.75 * s + h(l, l);
            h12 = -0.4375 * s;
            h21 = s;
            h22 = h11;
          } else {
            h11 = h(i - 1, i - 1);
            h21 = h(i, i - 1);
            h12 = h(i - 1, i);
            h22 = h(i, i);
          }
          var rt1r = $ZERO;
          var rt1i = $ZERO;
          var rt2r = $ZERO;
          var rt2i = $ZERO;
          let s = abs(h11) + abs(h12) + abs(h21) + abs(h22);
          if (s != $ZERO) {
            h11 /= s;
            h21 /= s;
            h12 /= s;
            h22 /= s;
            let tr = (h11 + h22) / 2.0;
            let det = (h11 - tr) * (h22 - tr) - h12 * h21;
            let rtdisc = sqrt(abs(det));
            if (det >= $ZERO) {  // a complex conjugate pair of shifts
              rt1r = tr * s;
              rt2r = rt1r;
              rt1i = rtdisc * s;
              rt2i = -rt1i;
            } else {  // real shifts: the one closer to h22, twice
              rt1r = tr + rtdisc;
              rt2r = tr - rtdisc;
              if (abs(rt1r - h22) <= abs(rt2r - h22)) {
                rt1r *= s;
                rt2r = rt1r;
              } else {
                rt2r *= s;
                rt1r = rt2r;
              }
            }
          }
          // two consecutive small subdiagonal entries: where the bulge starts
          var v1 = $ZERO;
          var v2 = $ZERO;
          var v3 = $ZERO;
          m = i - 2;
          loop {
            var h21s = h(m + 1, m);
            var s2 = abs(h(m, m) - rt2r) + abs(rt2i) + abs(h21s);
            h21s = h(m + 1, m) / s2;
            v1 = h21s * h(m, m + 1) + (h(m, m) - rt1r) * ((h(m, m) - rt2r) / s2) - rt1i * (rt2i / s2);
            v2 = h21s * (h(m, m) + h(m + 1, m + 1) - rt1r - rt2r);
            v3 = h21s * h(m + 2, m + 1);
            s2 = abs(v1) + abs(v2) + abs(v3);
            v1 /= s2;
            v2 /= s2;
            v3 /= s2;
            if (m == l) { break; }
            let h00 = abs(h(m, m - 1)) * (abs(v2) + abs(v3));
            let h01 = abs(v1) * (abs(h(m - 1, m - 1)) + abs(h(m, m)) + abs(h(m + 1, m + 1)));
            if (h00 <= ULP * h01) { break; }
            m -= 1;
          }
          rv[0] = v1;
          rv[1] = v2;
          rv[2] = v3;
          action = 3;
          ctl = vec4<i32>(3, m, i, l);
          ctl2 = vec4<i32>(select(l, 0, wantt), select(i, n - 1, wantt), 0, 0);
          sweeps += 1u;
        }
      }
      if (action == 1) { ctl = vec4<i32>(1, 0, 0, 0); }
      if (action == 0) { ctl = vec4<i32>(0, 0, 0, 0); }
    }
    let c = workgroupUniformLoad(&ctl);
    let c2 = workgroupUniformLoad(&ctl2);
    if (c.x == 0) { break; }
    if (c.x == 2) {
      let ii = c.z;
      let cs = rv[3];
      let sn = rv[4];
      if (wantt) {
        for (var j = ii + 1 + i32(lid); j <= c2.y; j += ${WG}) {
          let x = H[base + u32((ii - 1) * n + j)];
          let y = H[base + u32(ii * n + j)];
          H[base + u32((ii - 1) * n + j)] = cs * x + sn * y;
          H[base + u32(ii * n + j)] = cs * y - sn * x;
        }
        for (var j = c2.x + i32(lid); j <= ii - 2; j += ${WG}) {
          let x = H[base + u32(j * n + ii - 1)];
          let y = H[base + u32(j * n + ii)];
          H[base + u32(j * n + ii - 1)] = cs * x + sn * y;
          H[base + u32(j * n + ii)] = cs * y - sn * x;
        }
      }
      if (wantz) {
        for (var j = i32(lid); j < n; j += ${WG}) {
          let x = Z[base + u32(j * n + ii - 1)];
          let y = Z[base + u32(j * n + ii)];
          Z[base + u32(j * n + ii - 1)] = cs * x + sn * y;
          Z[base + u32(j * n + ii)] = cs * y - sn * x;
        }
      }
      storageBarrier();
      workgroupBarrier();
    }
    if (c.x == 3) {
      let mm = c.y;
      let ii = c.z;
      let ll = c.w;
      for (var k = mm; k < ii; k++) {
        if (lid == 0u) {
          let nr = min(3, ii - k + 1);
          var v1 = rv[0];
          var v2 = rv[1];
          var v3 = rv[2];
          if (k > mm) {
            v1 = h(k, k - 1);
            v2 = h(k + 1, k - 1);
            if (nr == 3) { v3 = h(k + 2, k - 1); }
          }
          if (nr < 3) { v3 = $ZERO; }
          // dlarfg on (v1, v2, v3)
          var t1 = $ZERO;
          let xn = hyp(v2, v3);
          if (xn > $ZERO) {
            let beta = -sgn(hyp(v1, xn), v1);
            t1 = (beta - v1) / beta;
            let scl = $ONE / (v1 - beta);
            v2 *= scl;
            v3 *= scl;
            v1 = beta;
          }
          if (k > mm) {
            hset(k, k - 1, v1);
            hset(k + 1, k - 1, $ZERO);
            if (k < ii - 1) { hset(k + 2, k - 1, $ZERO); }
          } else if (mm > ll) {
            hset(k, k - 1, h(k, k - 1) * ($ONE - t1));
          }
          rv[5] = v2;
          rv[6] = v3;
          rv[7] = t1;
          ctl2.z = nr;
        }
        let nr = workgroupUniformLoad(&ctl2).z;
        storageBarrier();
        let v2 = rv[5];
        let v3 = rv[6];
        let t1 = rv[7];
        let t2 = t1 * v2;
        let t3 = t1 * v3;
        let ke = min(k + 3, ii);
        if (nr == 3) {
          for (var j = k + i32(lid); j <= c2.y; j += ${WG}) {
            let s = H[base + u32(k * n + j)] + v2 * H[base + u32((k + 1) * n + j)] + v3 * H[base + u32((k + 2) * n + j)];
            H[base + u32(k * n + j)] -= s * t1;
            H[base + u32((k + 1) * n + j)] -= s * t2;
            H[base + u32((k + 2) * n + j)] -= s * t3;
          }
        } else {
          for (var j = k + i32(lid); j <= c2.y; j += ${WG}) {
            let s = H[base + u32(k * n + j)] + v2 * H[base + u32((k + 1) * n + j)];
            H[base + u32(k * n + j)] -= s * t1;
            H[base + u32((k + 1) * n + j)] -= s * t2;
          }
        }
        storageBarrier();
        workgroupBarrier();
        if (nr == 3) {
          for (var j = c2.x + i32(lid); j <= ke; j += ${WG}) {
            let s = H[base + u32(j * n + k)] + v2 * H[base + u32(j * n + k + 1)] + v3 * H[base + u32(j * n + k + 2)];
            H[base + u32(j * n + k)] -= s * t1;
            H[base + u32(j * n + k + 1)] -= s * t2;
            H[base + u32(j * n + k + 2)] -= s * t3;
          }
          if (wantz) {
            for (var j = i32(lid); j < n; j += ${WG}) {
              let s = Z[base + u32(j * n + k)] + v2 * Z[base + u32(j * n + k + 1)] + v3 * Z[base + u32(j * n + k + 2)];
              Z[base + u32(j * n + k)] -= s * t1;
              Z[base + u32(j * n + k + 1)] -= s * t2;
              Z[base + u32(j * n + k + 2)] -= s * t3;
            }
          }
        } else {
          for (var j = c2.x + i32(lid); j <= ke; j += ${WG}) {
            let s = H[base + u32(j * n + k)] + v2 * H[base + u32(j * n + k + 1)];
            H[base + u32(j * n + k)] -= s * t1;
            H[base + u32(j * n + k + 1)] -= s * t2;
          }
          if (wantz) {
            for (var j = i32(lid); j < n; j += ${WG}) {
              let s = Z[base + u32(j * n + k)] + v2 * Z[base + u32(j * n + k + 1)];
              Z[base + u32(j * n + k)] -= s * t1;
              Z[base + u32(j * n + k + 1)] -= s * t2;
            }
          }
        }
        storageBarrier();
        workgroupBarrier();
      }
    }
    workgroupBarrier();  // every invocation has read ctl before invocation 0 writes it again
  }
  if (lid == 0u) {
    ST[sb] = i + 1;
    ST[sb + 1u] = l;
    ST[sb + 2u] = its;
    ST[sb + 3u] = kdefl;
  }
}
