// The loop form of reduce_group_vec4.wgsl, with the expression compiled once: every trip of one
// loop either loads <U> groups (those past the thread's last group clamped onto it: loaded, never
// folded) and folds the ng_ in range, or folds one element of the tail (the reduction indices past
// the last full group), in one loop over lanes. The groups and tail elements a thread folds, the
// accumulators and the order are those of the unrolled form: both give the same bits.
// Expects (string.Template): <identity>, <WG>, plus
//   <bodies>    statements folding the first ng_ groups of gb, gb + WG, ... (U of them) into
//               a0..a3, or (where tail_) the element rt into a0
//   <U>         groups per loop trip
  var a0: Acc = $identity;
  var a1: Acc = $identity;
  var a2: Acc = $identity;
  var a3: Acc = $identity;
  let gend = r1 >> 2u;
  var gb = (r0 >> 2u) + lid;
  var rt = (gend << 2u) + lid;
  loop {
    let tail_ = gb >= gend;
    if (tail_ && rt >= r1) { break; }
    let ng_ = min(${U}u, (gend - gb + ${WG}u - 1u) / ${WG}u);
    let o_ = select(0u, rt & 3u, tail_);
$bodies
    if (tail_) { rt = rt + ${WG}u; } else { gb = gb + ${U}u * ${WG}u; }
  }
  var acc = comb(comb(a0, a1), comb(a2, a3));
