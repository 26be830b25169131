// Shared-memory tiled matmul for float32 / float64.
// A workgroup computes a TM x TN tile of C, staging TK-deep slices of A and B in workgroup
// memory; each of its (TM / RM) * (TN / RN) threads accumulates an RM x RN micro-tile
// with fused multiply-adds (plain accumulation in CT: float32 at K = 4096 stays near 1e-6).
// Micro-tile rows and columns are strided by the thread grid so neighbouring threads store
// neighbouring elements of C.
// Expects (besides matmul_common.wgsl): CT, ZERO, TM, TN, TK, RM, RN, NT (threads),
// LA = TM * TK / NT and LB = TN * TK / NT (tile elements each thread loads), and the array
// sizes TMK = TM * TK, TNK = TN * TK, RMN = RM * RN.
$common

const TM = ${TM}u;
const TN = ${TN}u;
const TK = ${TK}u;
const RM = ${RM}u;
const RN = ${RN}u;
const TX = ${TN}u / ${RN}u;  // threads along n
const TY = ${TM}u / ${RM}u;  // threads along m

var<workgroup> As: array<$CT, ${TMK}>;  // As[k * TM + m]
var<workgroup> Bs: array<$CT, ${TNK}>;  // Bs[k * TN + n]

@compute @workgroup_size($NT)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= P[0]) { return; }  // uniform per workgroup: no barrier is skipped by part of it
  let M = P[1];
  let N = P[2];
  let K = P[3];
  let tn = g % P[4];
  let rest = g / P[4];
  let tm = rest % P[5];
  let o = batch_origin(rest / P[5]);
  let m0 = tm * TM;
  let n0 = tn * TN;
  let sam = sp(7u);
  let sak = sp(8u);
  let sbk = sp(10u);
  let sbn = sp(11u);
  let tx = lid % TX;
  let ty = lid / TX;

  var acc: array<$CT, ${RMN}>;
  for (var i = 0u; i < ${RMN}u; i++) { acc[i] = $ZERO; }
  var a: array<$CT, ${RM}>;
  var b: array<$CT, ${RN}>;

  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var l = 0u; l < ${LA}u; l++) {
      let idx = lid + l * ${NT}u;
      let mm = idx / TK;
      let kk = idx % TK;
      var v = $ZERO;
      if (m0 + mm < M && k0 + kk < K) {
        v = la(u32(o.x + i32(m0 + mm) * sam + i32(k0 + kk) * sak));
      }
      As[kk * TM + mm] = v;
    }
    for (var l = 0u; l < ${LB}u; l++) {
      let idx = lid + l * ${NT}u;
      let kk = idx / TN;
      let nn = idx % TN;
      var v = $ZERO;
      if (k0 + kk < K && n0 + nn < N) {
        v = lb(u32(o.y + i32(k0 + kk) * sbk + i32(n0 + nn) * sbn));
      }
      Bs[kk * TN + nn] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      for (var i = 0u; i < RM; i++) { a[i] = As[kk * TM + ty + i * TY]; }
      for (var j = 0u; j < RN; j++) { b[j] = Bs[kk * TN + tx + j * TX]; }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) {
          acc[i * RN + j] = fma(a[i], b[j], acc[i * RN + j]);
        }
      }
    }
    workgroupBarrier();
  }

  let scm = sp(13u);
  let scn = sp(14u);
  for (var i = 0u; i < RM; i++) {
    let m = m0 + ty + i * TY;
    if (m >= M) { continue; }
    for (var j = 0u; j < RN; j++) {
      let n = n0 + tx + j * TX;
      if (n < N) {
        st(u32(o.z + i32(m) * scm + i32(n) * scn), acc[i * RN + j]);
      }
    }
  }
}
