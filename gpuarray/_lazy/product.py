"""Lazy matrix products (the ``Product`` node) and the epilogues fused into their kernels.

``matmul`` and the contractions routed through it (``@``, ``dot``, ``tensordot``, ``inner``,
``vdot``, ``vecdot``, NumPy's ``matmul``) return an array whose node is a ``Product``: the operand
views and the contraction layout, nothing recorded yet. What evaluation does depends on the reader:

* the array itself (a host read, a view, a reduction, another product, a sort, ...): the product
  is computed straight into the array's buffer, as an eager matmul would;
* an elementwise expression of the product's full shape, when nothing else holds the product (the
  array matmul returned is gone and no other pending expression reads it): the expression becomes
  the product kernel's epilogue. The kernel's store ``st(i, acc)`` of product element ``i`` (flat,
  C order over the result's shape) is generated from the expression with the ``_codegen.Plan``
  machinery: coordinates of ``i``, the other operands' loads (scalars are parameter words, arrays
  are read at the element's coordinates), the expression, the store into the output view. So
  ``(A.T @ A) / (n - 1)``, ``A @ B + b``, ``clip(A @ B, 0, 1)`` or ``(A @ B).astype(float64)`` cost
  the product's dispatches alone and the product is never written to memory. With ``X.T @ X``
  the mirrored store of the upper block triangle evaluates the epilogue at each stored element's
  own coordinates, so any epilogue keeps the symmetric kernel;
* anything else (the product still held elsewhere, broadcast, or the output aliasing an operand):
  the product is computed once into a buffer of its own (``Product.value``) that every reader reads.

A product is computed at most once: the buffer it went into is kept on the node (``leaf``), and the
pending expressions that read the node are registered as readers of that buffer, so a later write
into it evaluates them first (``elementwise.flush_readers``).

``diagonal`` / ``trace`` of a product still pending read only what the diagonal needs: one
reduction of ``X[i, k] * Y[k, i]`` over k (``diagonal_terms``), never the whole product.
"""
from __future__ import annotations

import weakref

from .._kernels import codegen as _codegen
from .._graph import remap as _remap
from .._graph import dtypes as dt
from .._kernels import wgsl_lib as _wgsl_lib
from .._device import runtime as _runtime
from .array import GpuArray, _views_onto, register_reader
from .._kernels.codegen import EMIT, Plan, binding_decls, cast_expr, index_code, load_fn, store_fn, wrap_expr
from .._graph.nodes import Cast, Ew, Leaf, Node, contiguous_strides, new_leaf
from .._kernels.matmul import contract_into


HEAVY_NODES = 6  # epilogues with more nodes (or any library call) are not unrolled into every store


class Product(Node):
    """``out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]`` in ``dtype``, seen with ``shape``.

    a, b:   the operand views, batch dims shared (broadcast dims have stride 0)
    cmap:   per contraction dim (batch dims, M, N), the result dim it is (None: a size-1 dim the
            result does not have, e.g. M of a 1-D left operand)
    owner:  weak reference to the array matmul returned (alive: the product is wanted as an array)
    leaf:   the buffer view the product was computed into (None while pending)"""

    __slots__ = ("a", "b", "cmap", "owner", "leaf")
    # a reduction evaluates the array holding a product first (a product is not an elementwise
    # function of its coordinates)
    costly = True
    under_costly = True

    def __init__(self, a: Leaf, b: Leaf, dtype, shape, cmap):
        self.a, self.b, self.dtype, self.shape = a, b, dtype, tuple(shape)
        self.cmap = tuple(cmap)
        self.size_ = 1
        self.storages = (a.storage,) if a.storage is b.storage else (a.storage, b.storage)
        self.owner = None
        self.leaf = None

    # ---------------------------------------------------------------- computing it
    def _cview(self, out: Leaf, virtual: bool) -> Leaf:
        """``out`` (a view of the result's shape) as the contraction's output view; virtual: the
        layout of a contiguous result at offset 0 (the epilogue stores through its own index)."""
        strides = contiguous_strides(self.shape) if virtual else out.strides
        cst = tuple(0 if r is None else strides[r] for r in self.cmap)
        cshape = self.a.shape[:-1] + (self.b.shape[-1],)
        return Leaf(out.storage, self.dtype, cshape, cst, 0 if virtual else out.offset)

    def compute(self, out: Leaf, epi=None) -> None:
        """Record the product into ``out`` (the result's shape and dtype), or, with an epilogue,
        the epilogue's expression into its output."""
        contract_into(self._cview(out, epi is not None), self.a, self.b, "dot", epi)

    def value(self) -> Leaf:
        """The product as a buffer view, computed now if it is still pending (once)."""
        if self.leaf is None:
            leaf = new_leaf(self.dtype, self.shape)
            self.compute(leaf)
            self._keep(leaf)
            owner = self.owner() if self.owner is not None else None
            if owner is not None and owner._node is self:
                owner._node = leaf
                if owner._views is not None:
                    _views_onto(owner, leaf)
        return self.leaf

    def _keep(self, leaf: Leaf) -> None:
        """Remember the buffer the product went into. Pending expressions that read this node (they
        are readers of its operands' buffers) become readers of that buffer too, so that a write into
        it evaluates them first."""
        pending = {id(arr): arr for st in self.storages for arr in _readers(st)
                   if not isinstance(arr._node, Leaf) and _contains(arr._node, self)}
        for arr in pending.values():
            register_reader(arr, (leaf.storage,))
        self.leaf = leaf
        self.storages = (leaf.storage,)
        self.a = self.b = None

    def _relocate(self) -> None:
        """Copy the kept buffer aside (it is about to be written through another view)."""
        tmp = new_leaf(self.dtype, self.shape)
        _codegen.evaluate_into(self.leaf, tmp)
        self._keep(tmp)

    # ----------------------------------------------------------- evaluation hook
    @staticmethod
    def evaluate(root, out: Leaf, found) -> None:
        """``_codegen.evaluate_into(root, out)`` for a tree with products that need a decision:
        compute into ``out`` directly, fuse one as the epilogue's source, materialize the rest."""
        prods = list({id(p): p for p in found}.values())
        for p in prods:
            if p.leaf is not None:  # kept in the buffer being written, through another view
                p._relocate()
        prods = [p for p in prods if p.leaf is None]
        if not prods:
            _codegen.evaluate_into(root, out)
            return
        n = 1
        for s in out.shape:
            n *= s
        if n == 0:
            return
        if root is prods[0] and root.shape == out.shape and root.dtype == out.dtype and not _aliases(root, out):
            root.compute(out)
            root._keep(out)
            return
        fuse = None
        # (no epilogue over arrays held in several buffers: the product may be computed in pieces)
        big = any(st.segs is not None for st in (out.storage, *root.storages))
        for p in prods:
            if big:
                break
            if p.leaf is None and p.shape == out.shape and not _aliases(p, out) and not _shared(p, root):
                epi = Epilogue(root, out, p)
                if epi.fits():
                    fuse = p
                    break
        for p in prods:
            if p is not fuse:
                p.value()
        if fuse is None:
            _codegen.evaluate_into(root, out)
        else:
            fuse.compute(out, epi)


def lazy(p: Product) -> GpuArray:
    """The array holding a new product (its owner)."""
    arr = GpuArray(p)
    p.owner = weakref.ref(arr)
    return arr


def _readers(st) -> list:
    """The live arrays registered as readers of a buffer (``array.register_reader``)."""
    out = []
    for r in list(st.readers.values()):
        arr = r() if isinstance(r, weakref.ref) else r
        if arr is not None:
            out.append(arr)
    return out


def _aliases(p: Product, out: Leaf) -> bool:
    return out.storage is p.a.storage or out.storage is p.b.storage


def _same_view(x: Leaf, y: Leaf) -> bool:
    return x.shape == y.shape and x.strides == y.strides and x.offset == y.offset


def _contains(node, p) -> bool:
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n is p:
            return True
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(n.srcs)
    return False


def _shared(p: Product, root) -> bool:
    """Whether a pending array other than the one being evaluated (whose node is ``root``) reads
    ``p``: the array matmul returned, or an expression built on it. Those arrays are readers of
    the operand buffers (``GpuArray.__init__`` registers them)."""
    seen = set()
    for st in p.storages:
        for arr in _readers(st):
            if id(arr) in seen:
                continue
            seen.add(id(arr))
            n = arr._node
            if n is root or isinstance(n, Leaf):
                continue
            if _contains(n, p):
                return True
    return False


# ------------------------------------------------------------------- describe / emit
def _describe(node, plan, ch):
    if getattr(plan, "product", None) is node:
        return ("A", node.dtype.char)  # the accumulator of the kernel this epilogue belongs to
    leaf = node.leaf
    conflict = leaf is not None and leaf.storage is plan.out.storage and not _same_view(leaf, plan.out)
    if getattr(plan, "defer", False) and (leaf is None or conflict):
        plan.deferred.append(node)  # evaluate_into hands the tree to Product.evaluate
        return ("P", node.dtype.char)
    # any other plan (reductions, scatter, an epilogue's other operands) reads the computed product
    return _codegen.DESCRIBE[Leaf](node.value(), plan, ch)


def _emit(node, plan, k, ch, d):
    if d[0] == "A":
        return wrap_expr(node.dtype, "acc")  # sub-word integers and float16 as the store would round
    if d[0] == "L":
        return EMIT[Leaf](node, plan, k, ch, d)
    raise RuntimeError("a pending product reached code generation")


_codegen.DESCRIBE[Product] = _describe
# read at remapped coordinates (a piece of a split evaluation, a view): the computed product's buffer
_remap.REMAP[Product] = lambda node, rm, memo: _remap.leaf(node.value(), rm)
_codegen.EMIT[Product] = _emit
# a computed product is described exactly as a leaf, so vec4 elementwise kernels may read it
_codegen._VEC_NODES = _codegen._VEC_NODES + (Product,)


# --------------------------------------------------------------------------- epilogues
class EpiPlan(Plan):
    """The plan of an epilogue: binding 0 is the output, bindings 1..len(reserved) belong to the
    product kernel (its operands, or the split-K partials), parameter words start at ``pbase``
    (after the kernel's own)."""

    windows = False  # the product kernel addresses the output and its operands in its own way

    def __init__(self, out: Leaf, product: Product, pbase: int, reserved):
        self.pbase = pbase
        self.product = product
        super().__init__(out)
        for st, dtype in reserved:
            self.bindings.append([st, dtype, False])  # not in _bind_ix: operand reads get their own binding

    def const(self, words) -> int:
        slot = self.pbase + 1 + len(self.consts)
        self.consts.extend(words)
        return slot


class Epilogue:
    """``root`` (an expression reading ``product`` at its own coordinates) written into ``out``
    by the product's kernel."""

    __slots__ = ("root", "out", "product")

    def __init__(self, root, out: Leaf, product: Product):
        self.root, self.out, self.product = root, out, product

    def code(self, pbase: int, reserved) -> "EpiCode":
        return EpiCode(self, pbase, reserved)

    def fits(self) -> bool:
        """Whether the fused kernel stays within the device's storage bindings."""
        a, b = self.product.a, self.product.b
        c = self.code(0, [(a.storage, a.dtype), (b.storage, b.dtype)])
        return len(c.plan.bindings) + 1 <= _runtime.device().max_bindings


class EpiCode:
    """One epilogue for one kernel: key, parameter words, extra bindings and WGSL.

    The WGSL defines ``st(gid, acc)`` (product element ``gid`` with value ``acc``: the call every
    matmul kernel makes to store an element), ``ost`` (the store into the output's dtype) and the
    loads of the extra bindings; ``decls`` declares every binding (the output with its own dtype)."""

    def __init__(self, epi: Epilogue, pbase: int, reserved):
        plan = EpiPlan(epi.out, epi.product, pbase, reserved)
        plan.walk(epi.root)
        plan.finish()
        self.plan, self.nres, self.ct = plan, len(reserved), epi.product.dtype
        self.key = ("epi", plan.key, pbase, self.nres, self.ct.char)
        self.params = plan.params()
        extra = plan.bindings[1 + self.nres:]
        self.storages = [b[0] for b in extra]
        self.access = ["rw" if b[2] else "r" for b in extra]

    def body(self) -> str:
        plan = self.plan
        lines = []
        for k, node in enumerate(plan.nodes):
            e = EMIT[type(node)](node, plan, k, plan.children[k], plan.desc[k])
            lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};")
        return "\n".join(lines)

    def decls(self) -> str:
        return binding_decls(self.plan.bindings)

    def functions(self) -> str:
        plan = self.plan
        idx, _ = index_code(plan, plan.pbase + 1 + len(plan.consts))
        last = len(plan.nodes) - 1
        val = cast_expr(plan.nodes[last].dtype, plan.out.dtype, f"v{last}")
        fns = [load_fn(i, b[1], b[2]) for i, b in enumerate(plan.bindings) if i == 0 or i > self.nres]
        fns.append(store_fn(plan.out.dtype).replace("fn st(", "fn ost(", 1))
        fns.append(f"fn st(gid: u32, acc: {dt.wgsl_type(self.ct)}) {{\n{idx}\n{self.body()}\n"
                   f"  ost(I{plan.out_vec}, {val});\n}}")
        return "\n".join(fns)

    def helpers(self) -> str:
        return _wgsl_lib.resolve(self.body())

    def heavy(self) -> bool:
        """Whether the expression is worth keeping out of unrolled stores (library calls, or many
        nodes): kernels that store an element from many places then loop over one store instead."""
        return len(self.plan.nodes) > HEAVY_NODES or bool(self.helpers())


# ------------------------------------------------------------------------ diagonals
def diagonal_terms(p: Product, offset: int, axis1: int, axis2: int):
    """The elementwise products ``X[..., i, k] * Y[..., k, i]`` whose sums over k are the diagonal
    ``offset`` of ``p`` over result axes (axis1, axis2), as a lazy array of shape
    (other result dims..., diagonal length, K) in the product's dtype, or None where the diagonal is
    not one of the product's matrices (then the caller computes the product)."""
    if p.leaf is not None or len(p.cmap) < 2:
        return None
    im, in_ = p.cmap[-2], p.cmap[-1]
    if im is None or in_ is None or {axis1, axis2} != {im, in_}:
        return None
    ct = p.dtype
    if ct == dt.float16:
        return None  # the product accumulates float16 in f32: the caller takes the diagonal of it
    batch = {r: j for j, r in enumerate(p.cmap[:-2]) if r is not None}
    rest = [d for d in range(len(p.shape)) if d not in (axis1, axis2)]
    if any(d not in batch for d in rest):
        return None
    # element i of the diagonal: result[axis1 = i, axis2 = i + offset]
    lo1, lo2 = (0, offset) if offset >= 0 else (-offset, 0)
    m0, n0 = (lo1, lo2) if axis1 == im else (lo2, lo1)
    a, b = p.a, p.b
    M, K, N = a.shape[-2], a.shape[-1], b.shape[-1]
    n = max(0, min(M - m0, N - n0))
    shape = [p.shape[d] for d in rest] + [n, K]
    sa = [a.strides[batch[d]] for d in rest] + [a.strides[-2], a.strides[-1]]
    sb = [b.strides[batch[d]] for d in rest] + [b.strides[-1], b.strides[-2]]
    xa = Leaf(a.storage, a.dtype, shape, sa, a.offset + m0 * a.strides[-2] if n else a.offset)
    xb = Leaf(b.storage, b.dtype, shape, sb, b.offset + n0 * b.strides[-1] if n else b.offset)
    xa = xa if xa.dtype == ct else Cast(xa, ct)
    xb = xb if xb.dtype == ct else Cast(xb, ct)
    op = "logical_and" if ct == dt.bool_ else "multiply"  # bool products are or-of-ands
    return GpuArray(Ew(op, ct, shape, [xa, xb], ct))


__all__: list[str] = []
