"""Where a montecarlo step's device time goes on the GPU machine: the step at M = 2^23, T = 64
(kernels long enough to be device-bound), with one part of it replaced by a cheap stand-in
(measurement only: the values are wrong): the angle (sin/cos), the radius (log, sqrt), Philox
(1 round instead of 10), exp; and exp's fast path alone, with and without its fence. Warm, best of 5, variants interleaved over 4 rounds, the SM clock
read after each; ``Mcycles`` = ms x MHz / 1000 puts runs at different clocks on one scale.
Usage: python bench/probes/normal_parts.py [out.json]"""
import json, os, sys
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import wgsl_lib as _wgsl_lib
from bench.workloads import montecarlo
from bench.probes.normal_cost_ab import clock, use
from bench.probes.per_thread_ab import warm_min_ms

# exp's fast path alone (wrong past |x| = 87): does the slow path's code cost even where unused?
EXP_FAST = """fn ga_exp_f32(x: f32) -> f32 {
  let k = floor(x * 1.4426950408889634f + 0.5f);
  let r = ga__opq_f32(x - k * 0.693145751953125f) - k * 1.4286068203094173e-06f;
  let p = 1.0f + r * (1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f
    + r * (0.0013888889f + r * 0.0001984127f))))));
  return p * bitcast<f32>(u32(i32(k) + 127) << 23u);
}"""
STANDIN = {
    "full": {},
    "no angle": {"ga__sincos_turn_f32": "fn ga__sincos_turn_f32(k: u32) -> vec2<f32> {\n"
                 "  return vec2<f32>(f32(k) * 1e-7f, 1.0f);\n}"},
    "no radius": {"ga_box_muller_f32": "fn ga_box_muller_f32(a: u32, b: u32) -> vec2<f32> {\n"
                  "  let r = 1.0f - ga_u01_f32(a);\n  let sc = ga__sincos_turn_f32(b >> 8u);\n"
                  "  return vec2<f32>(r * sc.y, r * sc.x);\n}"},
    "philox 1 round": {"ga_philox4x32": "fn ga_philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {\n"
                       "  let m0 = ga_mulhilo32(0xD2511F53u, ctr.x);\n  let m1 = ga_mulhilo32(0xCD9E8D57u, ctr.z);\n"
                       "  return vec4<u32>(m1.x ^ ctr.y ^ key.x, m1.y, m0.x ^ ctr.w ^ key.y, m0.y);\n}"},
    "no exp": {"ga_exp_f32": "fn ga_exp_f32(x: f32) -> f32 {\n  return 1.0f + x;\n}"},
    "exp fast path only": {"ga_exp_f32": EXP_FAST},
    "exp fast path, no fence": {"ga_exp_f32": EXP_FAST.replace("ga__opq_f32(x - k * 0.693145751953125f)",
                                                               "(x - k * 0.693145751953125f)")},
}
def main():
    lib = _wgsl_lib.library()
    texts = dict(STANDIN, current={n: lib[n] for v in STANDIN.values() for n in v})
    size = {"M": 1 << 23, "T": 64}
    inp = montecarlo.inputs(ga, size)
    res = {}
    for rnd in range(4):
        for variant in STANDIN:
            use(variant, texts, lib)
            ms = warm_min_ms(lambda: montecarlo.run(ga, size, inp), 1.0 if rnd == 0 else 0.3)
            mhz = clock()
            res.setdefault(variant, []).append({"ms": round(ms, 3), "mhz": mhz,
                                                "Mcycles": round(ms * mhz / 1e3, 2) if mhz else None})
            print(rnd, variant, res[variant][-1], flush=True)
    if len(sys.argv) > 1:
        json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
