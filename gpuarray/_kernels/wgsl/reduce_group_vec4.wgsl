// The <fold> of reduce_group.wgsl in groups of 4 consecutive reduction indices (the innermost
// reduced axis has stride 1 for the vec4-read leaves, and the chunk length is a multiple of 4):
// each thread reads whole vec4s (one 16-byte load per contiguous leaf per group, <U> groups per
// loop trip so that several loads are in flight) and folds lane l of every group into its own
// accumulator a<l> (4 independent chains). Reduction indices past the last full group (n_red % 4
// when the reduced axes collapse to one) are folded one by one.
// Expects (string.Template): <identity>, <element>, <WG>, plus
//   <bodies>    statements folding groups gb, gb + WG, ... (U of them) into a0..a3
//   <body1>     statements folding group gb into a0..a3
//   <U>, <UM1>  groups per unrolled loop trip, and one less
// (the frame's <elem_fn> is fn elem(r, I<v>..., u<k>...) -> Acc: the folded value of one element)
  var a0: Acc = $identity;
  var a1: Acc = $identity;
  var a2: Acc = $identity;
  var a3: Acc = $identity;
  let gend = r1 >> 2u;
  var gb = (r0 >> 2u) + lid;
  for (; gb + ${UM1}u * ${WG}u < gend; gb = gb + ${U}u * ${WG}u) {
$bodies
  }
  for (; gb < gend; gb = gb + ${WG}u) {
$body1
  }
  for (var r = (gend << 2u) + lid; r < r1; r = r + ${WG}u) {
$element
    a0 = comb(a0, e);
  }
  var acc = comb(comb(a0, a1), comb(a2, a3));
