// Accumulators of reductions and scans: `Acc` and `fn comb(a: Acc, b: Acc) -> Acc`, one section
// per kind (string.Template). Every section expects:
//   <T>      the WGSL value type of the accumulator
// "value" also expects <EXPR>, the combine expression of a and b (from the op table).
// "ordered" and "arg" expect the generated helpers red_nan(x: <T>) -> bool (NaN test; complex: either
// part), red_eq(a, b) -> bool and red_first(a, b) -> bool ("a comes before b in the order searched":
// greater for max, less for min; complex values in lexicographic order, like NumPy).

//@ value
alias Acc = $T;
fn comb(a: Acc, b: Acc) -> Acc { return $EXPR; }

//@ ordered
// max/min of complex values: a NaN wins (it propagates), otherwise the first in red_first order.
alias Acc = $T;
fn comb(a: Acc, b: Acc) -> Acc {
  if (red_nan(a)) { return a; }
  if (red_nan(b)) { return b; }
  if (red_first(b, a)) { return b; }
  return a;
}

//@ arg
// argmax/argmin: (value, index) pairs (<IT>: u32, or u64 for the fold over the pieces of 2^32
// elements or more). NaN beats everything, ties go to the lower index, so the fold is
// commutative and associative: any combination order gives NumPy's first index.
struct Acc { v: $T, i: $IT }
fn red_wins(a: Acc, b: Acc) -> bool {
  let an = red_nan(a.v);
  let bn = red_nan(b.v);
  if (an || bn) { return an && (!bn || a.i < b.i); }
  if (red_eq(a.v, b.v)) { return a.i < b.i; }
  return red_first(a.v, b.v);
}
fn comb(a: Acc, b: Acc) -> Acc {
  if (red_wins(a, b)) { return a; }
  return b;
}
