// The inverse X of the lower triangular NB x NB block L (first nb rows and columns used), both in
// workgroup memory: forward substitution of L X = I, one row of X per step, thread c computing
// X[i, c] from the rows already done (WG >= NB). unit: L's diagonal is taken as ones (LU's L).
// Expects L, X, NB, lid, nb, unit, ZERO, ONE and the element helpers (cm, cdiv, creal) in scope; the caller has synchronised L.
  for (var i = 0u; i < nb; i++) {
    if (lid <= i) {
      var d = L[i * NB + i];
      if (unit) { d = creal($ONE); }
      var s = creal($ZERO);
      for (var t = lid; t < i; t++) { s = s + cm(L[i * NB + t], X[t * NB + lid]); }
      if (lid == i) { X[i * NB + i] = cdiv(creal($ONE), d); } else { X[i * NB + lid] = -cdiv(s, d); }
    }
    workgroupBarrier();
  }
