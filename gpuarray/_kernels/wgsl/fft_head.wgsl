// Shared by the FFT kernels: the parameter words, complex product, conjugation on a flag.
@group(0) @binding(0) var<storage, read> P: array<u32>;
fn cmul(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> { return vec2<$T>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn cj(a: vec2<$T>, on: bool) -> vec2<$T> { return select(a, vec2<$T>(a.x, -a.y), on); }
