// The complex single-shift QR iteration on complex upper Hessenberg matrices (LAPACK's zlahqr),
// one workgroup per matrix: invocation 0 makes every decision (deflation search, Wilkinson's shift,
// exceptional shifts every 10th and 20th sweep, each bulge's 2-element reflector) and the
// workgroup applies each reflector to the rows, the columns and Z in parallel. The subdiagonal is
// made real first (diagonal unitary scaling) and kept real. P[3] (wantt): the full Schur form T
// (upper triangular), else only the active block is updated; P[4] (wantz): Z <- Z Q.
// Eigenvalues: W[b * n + j] at the diagonal position j.
// At most P[2] sweeps per dispatch (short invocations: lavapipe stops long ones); the state lives in
// ST between dispatches: [i + 1, l, sweeps on i, sweeps since the last deflation, done, failed
// (more than P[5] sweeps on one eigenvalue), subdiagonal made real].
// P[0] n, P[1] matrices.
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> H: array<vec2<$T>>;
@group(0) @binding(2) var<storage, read_write> Z: array<vec2<$T>>;
@group(0) @binding(3) var<storage, read_write> W: array<vec2<$T>>;
@group(0) @binding(4) var<storage, read_write> ST: array<i32>;

// decisions for the workgroup: [action, m, i, l], [i1, i2, scale-the-last-subdiagonal flag, 0];
// complex values: cv[0] t1, cv[1] v2, cv[2] a scale factor; rv[0] t2
var<workgroup> ctl: vec4<i32>;
var<workgroup> ctl2: vec4<i32>;
var<workgroup> cv: array<vec2<$T>, 4>;
var<workgroup> rv: array<$T, 2>;

const ULP: $T = $ULP;
const SAFMIN: $T = $SAFMIN;

$CHELP

fn cdivs(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> {  // a / b (Smith's: no overflow of |b|^2; zladiv)
  if (abs(b.x) >= abs(b.y)) {
    let r = b.y / b.x;
    let d = b.x + b.y * r;
    return vec2<$T>((a.x + a.y * r) / d, (a.y - a.x * r) / d);
  }
  let r = b.x / b.y;
  let d = b.y + b.x * r;
  return vec2<$T>((a.x * r + a.y) / d, (a.y * r - a.x) / d);
}

fn hyp(a: $T, b: $T) -> $T {  // sqrt(a^2 + b^2) without overflow (dlapy2)
  let x = abs(a);
  let y = abs(b);
  let big = max(x, y);
  if (big == $ZERO) { return $ZERO; }
  let sm = min(x, y) / big;
  return big * sqrt($ONE + sm * sm);
}

fn csqrt(z: vec2<$T>) -> vec2<$T> {  // the principal square root
  let r = hyp(z.x, z.y);
  if (r == $ZERO) { return vec2<$T>($ZERO, $ZERO); }
  if (z.x >= $ZERO) {
    let t = sqrt(0.5 * (r + z.x));
    return vec2<$T>(t, z.y / (2.0 * t));
  }
  let t = sqrt(0.5 * (r - z.x));
  var im = t;
  if (z.y < $ZERO) { im = -t; }
  return vec2<$T>(abs(z.y) / (2.0 * t), im);
}

fn cmag(z: vec2<$T>) -> $T { return hyp(z.x, z.y); }

var<private> base: u32;
var<private> n: i32;

fn h(r: i32, c: i32) -> vec2<$T> { return H[base + u32(r * n + c)]; }
fn hset(r: i32, c: i32, v: vec2<$T>) { H[base + u32(r * n + c)] = v; }

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
  let wb = b * P[0];
  let smlnum = SAFMIN * ($T(n) / ULP);
  let zero = vec2<$T>($ZERO, $ZERO);

  // the subdiagonal made real, once: row i scaled by sc, column i by conj(sc)
  if (lid == 0u) { ctl.x = ST[sb + 6u]; }
  if (workgroupUniformLoad(&ctl).x == 0) {
    for (var i = 1; i < n; i++) {
      if (lid == 0u) {
        let hv = h(i, i - 1);
        var sc = vec2<$T>($ONE, $ZERO);
        if (hv.y != $ZERO) {
          let s1 = hv / cabs1(hv);
          sc = cj(s1) / cmag(s1);
          hset(i, i - 1, vec2<$T>(cmag(hv), $ZERO));
        }
        cv[2] = sc;
        ctl2.z = select(0, 1, hv.y != $ZERO);
      }
      if (workgroupUniformLoad(&ctl2).z != 0) {
        storageBarrier();
        let sc = cv[2];
        for (var j = i + i32(lid); j < n; j += ${WG}) { hset(i, j, cm(sc, h(i, j))); }
        storageBarrier();
        workgroupBarrier();
        for (var j = i32(lid); j <= min(n - 1, i + 1); j += ${WG}) { hset(j, i, cm(cj(sc), h(j, i))); }
        if (wantz) {
          for (var j = i32(lid); j < n; j += ${WG}) {
            Z[base + u32(j * n + i)] = cm(cj(sc), Z[base + u32(j * n + i)]);
          }
        }
      }
      storageBarrier();
      workgroupBarrier();
    }
    if (lid == 0u) { ST[sb + 6u] = 1; }
  }

  var i = ST[sb] - 1;
  var l = ST[sb + 1u];
  var its = ST[sb + 2u];
  var kdefl = ST[sb + 3u];
  var sweeps = 0u;
  loop {
    if (lid == 0u) {
      // 0: stop; 1: converged (nothing for the others); 3: a sweep
      var action = 0;
      if (i < 0) {
        ST[sb + 4u] = 1;
      } else {
        var k = i;
        while (k > l) {
          let hk = cabs1(h(k, k - 1));
          if (hk <= smlnum) { break; }
          var tst = cabs1(h(k - 1, k - 1)) + cabs1(h(k, k));
          if (tst == $ZERO) {
            if (k - 2 >= 0) { tst += abs(h(k - 1, k - 2).x); }
            if (k + 1 <= n - 1) { tst += abs(h(k + 1, k).x); }
          }
          if (abs(h(k, k - 1).x) <= ULP * tst) {
            let ab = max(hk, cabs1(h(k - 1, k)));
            let ba = min(hk, cabs1(h(k - 1, k)));
            let aa = max(cabs1(h(k, k)), cabs1(h(k - 1, k - 1) - h(k, k)));
            let bb = min(cabs1(h(k, k)), cabs1(h(k - 1, k - 1) - h(k, k)));
            let s = aa + ab;
            if (ba * (ab / s) <= max(smlnum, ULP * (bb * (aa / s)))) { break; }
          }
          k -= 1;
        }
        l = k;
        if (l > 0) { hset(l, l - 1, zero); }
        if (l >= i) {  // one eigenvalue converged
          W[wb + u32(i)] = h(i, i);
          action = 1;
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
          var t = zero;
          if (kdefl % 20 == 0) {  // exceptional shifts
            t = vec2<$T>(0.75 * abs(h(i, i - 1).x), $ZERO) + h(i, i);
          } else if (kdefl % 10 == 0) {
            t = vec2<$T>(0.75 * abs(h(l + 1, l).x), $ZERO) + h(l, l);
          } else {  // Wilkinson's shift
            t = h(i, i);
            let u = cm(csqrt(h(i - 1, i)), csqrt(h(i, i - 1)));
            var s = cabs1(u);
            if (s != $ZERO) {
              let x = 0.5 * (h(i - 1, i - 1) - t);
              let sx = cabs1(x);
              s = max(s, sx);
              let xs = x / s;
              let us = u / s;
              var y = s * csqrt(cm(xs, xs) + cm(us, us));
              if (sx > $ZERO) {
                let xx = x / sx;
                if (xx.x * y.x + xx.y * y.y < $ZERO) { y = -y; }
              }
              t = t - cm(u, cdivs(u, x + y));
            }
          }
          // two consecutive small subdiagonal entries: where the bulge starts
          var m = i - 1;
          var v1 = zero;
          var v2 = zero;
          loop {
            let h11 = h(m, m);
            let h22 = h(m + 1, m + 1);
            var h11s = h11 - t;
            var h21 = h(m + 1, m).x;
            let s = cabs1(h11s) + abs(h21);
            h11s = h11s / s;
            h21 = h21 / s;
            v1 = h11s;
            v2 = vec2<$T>(h21, $ZERO);
            if (m == l) { break; }
            let h10 = h(m, m - 1).x;
            if (abs(h10) * abs(h21) <= ULP * (cabs1(h11s) * (cabs1(h11) + cabs1(h22)))) { break; }
            m -= 1;
          }
          cv[0] = v1;
          cv[1] = v2;
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
    if (c.x == 3) {
      let mm = c.y;
      let ii = c.z;
      let ll = c.w;
      let i1 = c2.x;
      let i2 = c2.y;
      for (var k = mm; k < ii; k++) {
        if (lid == 0u) {
          var v1 = cv[0];
          var v2 = cv[1];
          if (k > mm) {
            v1 = h(k, k - 1);
            v2 = h(k + 1, k - 1);
          }
          // zlarfg on (v1, v2)
          var t1 = zero;
          let xn = cmag(v2);
          if (xn != $ZERO || v1.y != $ZERO) {
            let top = max(max(abs(v1.x), abs(v1.y)), xn);
            let a = v1.x / top;
            let bq = v1.y / top;
            let c3 = xn / top;
            var beta = top * sqrt(a * a + bq * bq + c3 * c3);
            if (v1.x >= $ZERO) { beta = -beta; }
            t1 = vec2<$T>((beta - v1.x) / beta, -v1.y / beta);
            v2 = cm(v2, cdivs(vec2<$T>($ONE, $ZERO), v1 - vec2<$T>(beta, $ZERO)));
            v1 = vec2<$T>(beta, $ZERO);
          }
          if (k > mm) {
            hset(k, k - 1, v1);
            hset(k + 1, k - 1, zero);
          }
          cv[0] = t1;
          cv[1] = v2;
          rv[0] = cm(t1, v2).x;
        }
        storageBarrier();
        workgroupBarrier();
        let t1 = cv[0];
        let v2 = cv[1];
        let t2 = rv[0];
        for (var j = k + i32(lid); j <= i2; j += ${WG}) {
          let s = cm(cj(t1), h(k, j)) + t2 * h(k + 1, j);
          hset(k, j, h(k, j) - s);
          hset(k + 1, j, h(k + 1, j) - cm(s, v2));
        }
        storageBarrier();
        workgroupBarrier();
        for (var j = i1 + i32(lid); j <= min(k + 2, ii); j += ${WG}) {
          let s = cm(t1, h(j, k)) + t2 * h(j, k + 1);
          hset(j, k, h(j, k) - s);
          hset(j, k + 1, h(j, k + 1) - cm(s, cj(v2)));
        }
        if (wantz) {
          for (var j = i32(lid); j < n; j += ${WG}) {
            let zk = Z[base + u32(j * n + k)];
            let zk1 = Z[base + u32(j * n + k + 1)];
            let s = cm(t1, zk) + t2 * zk1;
            Z[base + u32(j * n + k)] = zk - s;
            Z[base + u32(j * n + k + 1)] = zk1 - cm(s, cj(v2));
          }
        }
        storageBarrier();
        workgroupBarrier();
        if (k == mm && mm > ll) {
          // the step started below l: the unitary scaling that keeps the subdiagonal real
          if (lid == 0u) {
            var temp = vec2<$T>($ONE, $ZERO) - t1;
            temp = temp / cmag(temp);
            cv[2] = temp;
            hset(mm + 1, mm, cm(h(mm + 1, mm), cj(temp)));
            if (mm + 2 <= ii) { hset(mm + 2, mm + 1, cm(h(mm + 2, mm + 1), temp)); }
          }
          storageBarrier();
          workgroupBarrier();
          let temp = cv[2];
          let rows = ii - mm + 1;
          for (var q = i32(lid); q < rows * n; q += ${WG}) {  // rows j of [m, i] but m + 1, columns (j, i2]
            let j = mm + q / n;
            let col = q % n;
            if (j != mm + 1 && col > j && col <= i2) { hset(j, col, cm(temp, h(j, col))); }
          }
          storageBarrier();
          workgroupBarrier();
          for (var q = i32(lid); q < rows * n; q += ${WG}) {  // columns j of [m, i] but m + 1, rows [i1, j)
            let j = mm + q / n;
            let r = q % n;
            if (j != mm + 1 && r >= i1 && r < j) { hset(r, j, cm(cj(temp), h(r, j))); }
            if (wantz && j != mm + 1) {
              Z[base + u32(r * n + j)] = cm(cj(temp), Z[base + u32(r * n + j)]);
            }
          }
          storageBarrier();
          workgroupBarrier();
        }
      }
      // H(i, i - 1) made real again
      if (lid == 0u) {
        let temp = h(ii, ii - 1);
        ctl2.z = 0;
        if (temp.y != $ZERO) {
          let rt = cmag(temp);
          hset(ii, ii - 1, vec2<$T>(rt, $ZERO));
          cv[2] = temp / rt;
          ctl2.z = 1;
        }
      }
      if (workgroupUniformLoad(&ctl2).z != 0) {
        storageBarrier();
        let temp = cv[2];
        for (var j = ii + 1 + i32(lid); j <= i2; j += ${WG}) { hset(ii, j, cm(cj(temp), h(ii, j))); }
        for (var j = i1 + i32(lid); j < ii; j += ${WG}) { hset(j, ii, cm(temp, h(j, ii))); }
        if (wantz) {
          for (var j = i32(lid); j < n; j += ${WG}) {
            Z[base + u32(j * n + ii)] = cm(temp, Z[base + u32(j * n + ii)]);
          }
        }
        storageBarrier();
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
