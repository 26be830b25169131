"""Which inputs of the complex/float16 special-value tests differ from NumPy on this device, and
whether each involves a float32 subnormal, a signed zero or a NaN sign. python bench/probes/nv_specials.py"""
import os, sys, warnings
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import gpuarray as ga

warnings.simplefilter("ignore")
sp = [0.0, -0.0, 1.0, -2.5, 3.0, np.nan, np.inf, -np.inf]


def specials(dt, tiny):
    v = sp + [tiny]
    return np.array([complex(a, b) for a in v for b in v], dt)


def same(g, w):
    ok = np.ones(g.shape, bool)
    for a, b in ((g.real, w.real), (g.imag, w.imag)):
        ok &= (np.isnan(a) & np.isnan(b)) | ((a == b) & (np.signbit(a) == np.signbit(b)))
    return ok


for dt, tiny in ((np.complex64, 1e-44), (np.complex64, 1e-37), (np.complex128, 1e-320)):
    z = specials(dt, tiny)
    for name in ("less_equal", "greater", "minimum", "fmin", "sign", "exp2", "sin", "cos", "sinh", "cosh", "arctan"):
        f = getattr(ga, name)
        try:
            got = f(ga.asarray(z), z[7]).get() if name in ("less_equal", "greater", "minimum", "fmin") else f(ga.asarray(z)).get()
            want = getattr(np, name)(z, z[7]) if name in ("less_equal", "greater", "minimum", "fmin") else getattr(np, name)(z)
        except Exception as e:
            print(dt.__name__, tiny, name, "ERR", e); continue
        if want.dtype.kind == "c":
            g = np.asarray(got, want.dtype)
            rt = 1e-5 if want.dtype == np.complex64 else 1e-13
            close = np.isclose(g.real, want.real, rtol=rt, atol=0) & np.isclose(g.imag, want.imag, rtol=rt, atol=0)
            close &= (np.signbit(g.real) == np.signbit(want.real)) & (np.signbit(g.imag) == np.signbit(want.imag))
            bad = ~(same(g, want) | close)
        else:
            bad = got != want
        print(dt.__name__, tiny, name, int(bad.sum()), [(z[i], got[i], want[i]) for i in np.nonzero(bad)[0][:4]])
for dt in (np.complex64, np.complex128):
    a = np.array([1j, -1j, 1 + 0j, 2 + 1j], dt)
    b = np.array([np.inf * 1j, complex(0, np.inf), complex(np.inf, 0), 2], dt)
    print("power", dt.__name__, (ga.asarray(a) ** ga.asarray(b)).get(), a ** b)
x = np.array([0.0, -0.0, 1.0, 65504.0, np.inf, 6e-8, -6e-8], np.float16)
y = np.array([1.0, -1.0, 2.0, np.inf, 0.0, 0.0, 1.0], np.float16)
print("nextafter f16", ga.nextafter(ga.asarray(x), ga.asarray(y)).get().view(np.uint16), np.nextafter(x, y).view(np.uint16))
