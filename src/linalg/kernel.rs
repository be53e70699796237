//! The product kernels, generic over the element type and the register tile.
//!
//! Everything here works on raw pointers with element strides and is
//! `#[inline(always)]`: [`isa`](super::isa) instantiates it inside functions
//! compiled with `#[target_feature]` (AVX-512F, AVX2+FMA) and once without
//! (the portable kernel), so the compiler vectorises the fixed-size tile
//! loops for each instruction set from the same source.
//!
//! The blocked product follows BLIS/GotoBLAS: for each `nc`-column block of
//! B and `kc`-deep slice of the inner dimension, the slice of B is packed
//! into `NR`-column panels (row by row, `NR` contiguous values per step of
//! the inner index), then for each `mc`-row block of A its slice is packed
//! into `MR`-row panels (`MR` contiguous values per step); the micro-kernel
//! multiplies one A panel by one B panel into an `MR × NR` tile of
//! accumulators held in registers, and adds the tile to C. Panels are padded
//! with zeros to full `MR` / `NR`, so the micro-kernel never branches on the
//! edge; the store writes only the valid part of an edge tile.

use core::cmp::min;

use super::private::Scalar;
use crate::array::raw::RawArray;

/// A product `C = alpha · A · B + beta · C` in raw form: `A` is `m × k`,
/// `B` is `k × n`, `C` is `m × n`; element `[i, j]` of a matrix is at
/// `ptr.offset(i * rs + j * cs)`.
#[derive(Clone, Copy)]
pub(crate) struct Gemm<T> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: T,
    pub a: *const T,
    pub rsa: isize,
    pub csa: isize,
    pub b: *const T,
    pub rsb: isize,
    pub csb: isize,
    pub beta: T,
    pub c: *mut T,
    pub rsc: isize,
    pub csc: isize,
}

/// A matrix-vector product `y = alpha · A · x + beta · y` in raw form: `A`
/// is `m × k` (strides `rsa`, `csa`), `x` has `k` elements (stride `incx`),
/// `y` has `m` (stride `incy`).
#[derive(Clone, Copy)]
pub(crate) struct Gemv<T> {
    pub m: usize,
    pub k: usize,
    pub alpha: T,
    pub a: *const T,
    pub rsa: isize,
    pub csa: isize,
    pub x: *const T,
    pub incx: isize,
    pub beta: T,
    pub y: *mut T,
    pub incy: isize,
}

impl<T: Copy> Gemm<T> {
    /// The product of the arrays `a` (`m × k`) and `b` (`k × n`) into C at
    /// `c` with strides `cs`. The shapes must fit (see `check_product`).
    pub(crate) fn new(
        alpha: T,
        a: &RawArray<T, 2>,
        b: &RawArray<T, 2>,
        beta: T,
        c: *mut T,
        cs: [isize; 2],
    ) -> Self {
        Gemm {
            m: a.shape[0],
            n: b.shape[1],
            k: a.shape[1],
            alpha,
            a: a.ptr.as_ptr(),
            rsa: a.strides[0],
            csa: a.strides[1],
            b: b.ptr.as_ptr(),
            rsb: b.strides[0],
            csb: b.strides[1],
            beta,
            c,
            rsc: cs[0],
            csc: cs[1],
        }
    }
}

impl<T: Copy> Gemv<T> {
    /// The product of the array `a` (`m × k`) and the vector `x` (`k`)
    /// into y at `y` with stride `incy`. The shapes must fit.
    pub(crate) fn new(
        alpha: T,
        a: &RawArray<T, 2>,
        x: &RawArray<T, 1>,
        beta: T,
        y: *mut T,
        incy: isize,
    ) -> Self {
        Gemv {
            m: a.shape[0],
            k: a.shape[1],
            alpha,
            a: a.ptr.as_ptr(),
            rsa: a.strides[0],
            csa: a.strides[1],
            x: x.ptr.as_ptr(),
            incx: x.strides[0],
            beta,
            y,
            incy,
        }
    }
}

/// Cache blocking of the inner dimension (`kc`), of A's rows (`mc`) and of
/// B's columns (`nc`). `kc · NR` elements of B stay in L1 across a row of
/// micro-kernel calls, `mc · kc` of A in L2, `kc · nc` of B in L3.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocks {
    pub kc: usize,
    pub mc: usize,
    pub nc: usize,
}

/// `acc + a · b`, fused (one rounding) when `FUSED`, which only the kernels
/// compiled with FMA use.
#[inline(always)]
fn madd<T: Scalar, const FUSED: bool>(acc: T, a: T, b: T) -> T {
    if FUSED {
        acc.fmadd(a, b)
    } else {
        acc.madd(a, b)
    }
}

/// `i · stride` as a pointer offset. Indices stay below the array's
/// length, so the product is an in-bounds element offset (no overflow).
#[inline(always)]
fn off(i: usize, stride: isize) -> isize {
    i as isize * stride
}

/// Packs `len` lanes of depth `kc` into `R`-lane panels at `dst`: lane `i`,
/// step `p` of the source is at `src + i · ls + p · ps`; panel `q` starts at
/// `dst + q · R · kc` and holds lane `q · R + r`, step `p` at `p · R + r`.
/// Lanes past `len` are zeros.
///
/// A's rows are its lanes (`pack(mc, kc, a, rsa, csa, ..)`, `R = MR`), B's
/// columns are its lanes (`pack(nc, kc, b, csb, rsb, ..)`, `R = NR`).
/// Contiguous lanes are copied a step at a time across all panels (one
/// stream through the source); contiguous steps are transposed eight at a
/// time.
///
/// # Safety
/// The source addresses an initialised `len × kc` block; `dst` is valid for
/// writes of `ceil(len / R) · R · kc` elements.
#[inline(always)]
pub(crate) unsafe fn pack<T: Scalar, const R: usize>(
    len: usize,
    kc: usize,
    src: *const T,
    ls: isize,
    ps: isize,
    dst: *mut T,
) {
    let full = len / R;
    // SAFETY (whole block): the reads are lanes `i < len`, steps `p < kc`
    // of the block the caller vouches for; the writes stay below
    // `ceil(len / R) · R · kc`.
    unsafe {
        if ls == 1 {
            for p in 0..kc {
                let step = src.offset(off(p, ps));
                for q in 0..full {
                    let v = step.add(q * R).cast::<[T; R]>().read_unaligned();
                    dst.add(q * R * kc + p * R)
                        .cast::<[T; R]>()
                        .write_unaligned(v);
                }
            }
        } else if ps == 1 {
            for q in 0..full {
                transpose_into::<T, R>(kc, src.offset(off(q * R, ls)), ls, dst.add(q * R * kc));
            }
        } else {
            for q in 0..full {
                let lanes = src.offset(off(q * R, ls));
                for p in 0..kc {
                    let step = lanes.offset(off(p, ps));
                    let v: [T; R] = core::array::from_fn(|r| *step.offset(off(r, ls)));
                    dst.add(q * R * kc + p * R)
                        .cast::<[T; R]>()
                        .write_unaligned(v);
                }
            }
        }
        let rest = len - full * R;
        if rest > 0 {
            let lanes = src.offset(off(full * R, ls));
            for p in 0..kc {
                let step = lanes.offset(off(p, ps));
                let mut v = [T::ZERO; R];
                for (r, x) in v.iter_mut().enumerate().take(rest) {
                    *x = *step.offset(off(r, ls));
                }
                dst.add(full * R * kc + p * R)
                    .cast::<[T; R]>()
                    .write_unaligned(v);
            }
        }
    }
}

/// Writes `R` contiguous runs of `kc` elements (run `r` at `src + r ·
/// stride`) into `dst` interleaved: element `p` of run `r` at `p · R + r`.
/// Eight elements of every run at a time, so the compiler can transpose
/// in registers instead of storing one element at a time.
///
/// # Safety
/// The runs are initialised; `dst` is valid for `kc · R` writes.
#[inline(always)]
unsafe fn transpose_into<T: Scalar, const R: usize>(
    kc: usize,
    src: *const T,
    stride: isize,
    dst: *mut T,
) {
    const STEP: usize = 8;
    let mut p = 0;
    // SAFETY (whole function): reads are elements `p < kc` of the runs,
    // writes are below `kc · R`.
    unsafe {
        while p + STEP <= kc {
            let v: [[T; STEP]; R] = core::array::from_fn(|r| {
                src.offset(off(r, stride))
                    .add(p)
                    .cast::<[T; STEP]>()
                    .read_unaligned()
            });
            for (q, row_out) in (p..p + STEP).enumerate() {
                let row: [T; R] = core::array::from_fn(|r| v[r][q]);
                dst.add(row_out * R).cast::<[T; R]>().write_unaligned(row);
            }
            p += STEP;
        }
        for p in p..kc {
            let row: [T; R] = core::array::from_fn(|r| *src.offset(off(r, stride)).add(p));
            dst.add(p * R).cast::<[T; R]>().write_unaligned(row);
        }
    }
}

/// Asks the CPU to bring a tile of C into L1 while the micro-kernel runs:
/// C's columns are often a power of two apart (n = 512: 4 KiB), so they
/// compete for the same cache sets and would miss when the tile is stored.
/// A hint only: it reads nothing and cannot fault.
#[inline(always)]
fn prefetch_tile<T, const MR: usize, const NR: usize>(
    c: *const T,
    rsc: isize,
    csc: isize,
    mr: usize,
    nr: usize,
) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    for j in 0..nr {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let first = c.wrapping_offset(off(j, csc));
        let last = first.wrapping_offset(off(mr - 1, rsc));
        // SAFETY: a prefetch is a hint; it does not access memory in the
        // language's sense and never faults (the addresses are in C anyway).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(first.cast());
            _mm_prefetch::<_MM_HINT_T0>(last.cast());
        }
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = (c, rsc, csc, mr, nr);
}

/// The micro-kernel: the `MR × NR` product of a packed A panel and a packed
/// B panel of depth `kc`, as `NR` columns of `MR` accumulators.
///
/// # Safety
/// `a` holds `kc · MR` and `b` `kc · NR` initialised elements.
#[inline(always)]
unsafe fn micro<T: Scalar, const MR: usize, const NR: usize, const FUSED: bool>(
    kc: usize,
    a: *const T,
    b: *const T,
) -> [[T; MR]; NR] {
    let mut acc = [[T::ZERO; MR]; NR];
    for p in 0..kc {
        // SAFETY: `p < kc`, so both reads are inside the panels.
        let (av, bv) = unsafe {
            (
                a.add(p * MR).cast::<[T; MR]>().read_unaligned(),
                b.add(p * NR).cast::<[T; NR]>().read_unaligned(),
            )
        };
        for j in 0..NR {
            for i in 0..MR {
                acc[j][i] = madd::<T, FUSED>(acc[j][i], av[i], bv[j]);
            }
        }
    }
    acc
}

/// Adds a tile of accumulators to C: `c = alpha · acc + beta · c` for the
/// valid `mr × nr` part (with `beta == 0`, `c`'s old values are not read).
///
/// # Safety
/// `c` with strides `rsc`, `csc` addresses an `mr × nr` block, valid for
/// reads (if `beta != 0`) and writes, that nothing else accesses.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // the tile, the scalars and C's block: all needed, inlined
unsafe fn store<T: Scalar, const MR: usize, const NR: usize>(
    acc: &[[T; MR]; NR],
    alpha: T,
    beta: T,
    c: *mut T,
    rsc: isize,
    csc: isize,
    mr: usize,
    nr: usize,
) {
    // SAFETY (whole function): every access is element `(i, j)` of the
    // block with `i < mr`, `j < nr`, as the caller vouches for.
    unsafe {
        if mr == MR && nr == NR && rsc == 1 {
            // Columns of C are contiguous: whole vectors.
            for (j, col) in acc.iter().enumerate() {
                let cj = c.offset(off(j, csc)).cast::<[T; MR]>();
                let mut v = [T::ZERO; MR];
                if beta == T::ZERO {
                    for i in 0..MR {
                        v[i] = alpha.mul(col[i]);
                    }
                } else {
                    let old = cj.read_unaligned();
                    for i in 0..MR {
                        v[i] = alpha.mul(col[i]).add(beta.mul(old[i]));
                    }
                }
                cj.write_unaligned(v);
            }
        } else {
            for (j, col) in acc.iter().enumerate().take(nr) {
                for (i, &x) in col.iter().enumerate().take(mr) {
                    let cij = c.offset(off(i, rsc) + off(j, csc));
                    *cij = if beta == T::ZERO {
                        alpha.mul(x)
                    } else {
                        alpha.mul(x).add(beta.mul(*cij))
                    };
                }
            }
        }
    }
}

/// Elements the packing buffers need for a product of this size: (A, B).
pub(crate) fn pack_sizes(
    g: &Gemm<impl Sized>,
    bl: &Blocks,
    mr: usize,
    nr: usize,
) -> (usize, usize) {
    let kc = min(bl.kc, g.k);
    let mc = min(bl.mc, g.m).div_ceil(mr) * mr;
    let nc = min(bl.nc, g.n).div_ceil(nr) * nr;
    (mc * kc, kc * nc)
}

/// The blocked product with packing (see the module docs).
///
/// # Safety
/// `g` describes valid matrices: A and B readable, C readable (unless
/// `beta == 0`) and writable and disjoint from A and B, with `m, n, k > 0`.
/// `pa` and `pb` are valid for writes of the element counts
/// [`pack_sizes`] gives, and disjoint from the matrices and each other.
#[inline(always)]
pub(crate) unsafe fn blocked<T: Scalar, const MR: usize, const NR: usize, const FUSED: bool>(
    g: &Gemm<T>,
    bl: &Blocks,
    pa: *mut T,
    pb: *mut T,
) {
    for jc in (0..g.n).step_by(bl.nc) {
        let nc = min(bl.nc, g.n - jc);
        for pc in (0..g.k).step_by(bl.kc) {
            let kc = min(bl.kc, g.k - pc);
            // After the first slice of the inner dimension, C holds the
            // partial product: add to it.
            let beta = if pc == 0 { g.beta } else { T::ONE };
            // SAFETY: the block starts at element (pc, jc) of B and is
            // kc × nc, inside B; `pb` holds ceil(nc / NR) · NR · kc elements
            // (`pack_sizes`).
            unsafe {
                pack::<T, NR>(
                    nc,
                    kc,
                    g.b.offset(off(pc, g.rsb) + off(jc, g.csb)),
                    g.csb,
                    g.rsb,
                    pb,
                )
            };
            for ic in (0..g.m).step_by(bl.mc) {
                let mc = min(bl.mc, g.m - ic);
                // SAFETY: as for B, with A's block at (ic, pc), mc × kc.
                unsafe {
                    pack::<T, MR>(
                        mc,
                        kc,
                        g.a.offset(off(ic, g.rsa) + off(pc, g.csa)),
                        g.rsa,
                        g.csa,
                        pa,
                    )
                };
                for (r, jr) in (0..nc).step_by(NR).enumerate() {
                    let nr = min(NR, nc - jr);
                    for (q, ir) in (0..mc).step_by(MR).enumerate() {
                        let mr = min(MR, mc - ir);
                        // SAFETY: panel q of A and panel r of B were just
                        // packed with depth kc; the tile at (ic + ir, jc + jr)
                        // of C is mr × nr, inside C.
                        unsafe {
                            let c = g.c.offset(off(ic + ir, g.rsc) + off(jc + jr, g.csc));
                            prefetch_tile::<T, MR, NR>(c, g.rsc, g.csc, mr, nr);
                            let acc = micro::<T, MR, NR, FUSED>(
                                kc,
                                pa.add(q * MR * kc),
                                pb.add(r * NR * kc),
                            );
                            store::<T, MR, NR>(&acc, g.alpha, beta, c, g.rsc, g.csc, mr, nr);
                        }
                    }
                }
            }
        }
    }
}

/// The direct product for small matrices, rows `r0..r0 + rows` of C: no
/// packing, `W`-row by `NB`-column tiles, each column of A read
/// (contiguous) or gathered (A's rows not adjacent, or an edge tile) into
/// `W` lanes. In an edge tile the missing rows and columns repeat the last
/// valid one, so the inner loop never branches; the store drops them.
///
/// # Safety
/// As [`blocked`], without the packing buffers; `r0 + rows <= m`.
#[inline(always)]
pub(crate) unsafe fn small<T: Scalar, const W: usize, const NB: usize, const FUSED: bool>(
    g: &Gemm<T>,
    r0: usize,
    rows: usize,
) {
    for i0 in (r0..r0 + rows).step_by(W) {
        let mv = min(W, r0 + rows - i0);
        let aoff: [isize; W] = core::array::from_fn(|i| off(min(i, mv - 1), g.rsa));
        let contiguous = mv == W && g.rsa == 1;
        for j0 in (0..g.n).step_by(NB) {
            let nv = min(NB, g.n - j0);
            let boff: [isize; NB] = core::array::from_fn(|j| off(min(j, nv - 1), g.csb));
            // SAFETY: rows i0..i0 + mv of A, columns j0..j0 + nv of B and the
            // mv × nv tile at (i0, j0) of C are in bounds; the offsets only
            // name those rows and columns.
            unsafe {
                let a = g.a.offset(off(i0, g.rsa));
                let b = g.b.offset(off(j0, g.csb));
                let acc = if contiguous {
                    direct_tile::<T, W, NB, FUSED, true>(g.k, a, &aoff, g.csa, b, &boff, g.rsb)
                } else {
                    direct_tile::<T, W, NB, FUSED, false>(g.k, a, &aoff, g.csa, b, &boff, g.rsb)
                };
                let c = g.c.offset(off(i0, g.rsc) + off(j0, g.csc));
                store::<T, W, NB>(&acc, g.alpha, g.beta, c, g.rsc, g.csc, mv, nv);
            }
        }
    }
}

/// One `W × NB` tile of the direct product over the whole inner dimension:
/// row `i` of the tile is at `a + aoff[i]` (or `a + i` if `CONTIGUOUS`),
/// column `j` at `b + boff[j]`; inner index `p` adds `p · csa` / `p · rsb`.
///
/// # Safety
/// Every offset, plus `p · csa` or `p · rsb` for `p < k`, names an
/// initialised element.
#[inline(always)]
unsafe fn direct_tile<
    T: Scalar,
    const W: usize,
    const NB: usize,
    const FUSED: bool,
    const CONTIGUOUS: bool,
>(
    k: usize,
    a: *const T,
    aoff: &[isize; W],
    csa: isize,
    b: *const T,
    boff: &[isize; NB],
    rsb: isize,
) -> [[T; W]; NB] {
    let mut acc = [[T::ZERO; W]; NB];
    for p in 0..k {
        // SAFETY: the caller's guarantee.
        let (av, bv) = unsafe {
            let ap = a.offset(off(p, csa));
            let mut av = [T::ZERO; W];
            if CONTIGUOUS {
                av = ap.cast::<[T; W]>().read_unaligned();
            } else {
                for (x, &o) in av.iter_mut().zip(aoff) {
                    *x = *ap.offset(o);
                }
            }
            let bp = b.offset(off(p, rsb));
            let mut bv = [T::ZERO; NB];
            for (x, &o) in bv.iter_mut().zip(boff) {
                *x = *bp.offset(o);
            }
            (av, bv)
        };
        for j in 0..NB {
            for i in 0..W {
                acc[j][i] = madd::<T, FUSED>(acc[j][i], av[i], bv[j]);
            }
        }
    }
    acc
}

/// `y = alpha · A · x + beta · y`, with `L` lanes of accumulators.
///
/// If A's columns are contiguous, `y` is first scaled by `beta` and then
/// gets `alpha · x[p]` times column `p` added, column by column; otherwise
/// each `y[i]` is `alpha` times the dot product of row `i` with `x` (in
/// `L` lanes when both are contiguous), plus `beta · y[i]`.
///
/// # Safety
/// `g` describes valid operands: A and x readable, y readable (unless
/// `beta == 0`) and writable, disjoint from A and x.
#[inline(always)]
pub(crate) unsafe fn gemv<T: Scalar, const L: usize, const FUSED: bool>(g: &Gemv<T>) {
    // SAFETY (whole function): every access is an element of A (row < m,
    // column < k), of x (< k) or of y (< m), as the caller vouches for.
    unsafe {
        if g.rsa == 1 && g.incy == 1 && g.m >= L {
            let y = g.y;
            for i in 0..g.m {
                *y.add(i) = if g.beta == T::ZERO {
                    T::ZERO
                } else {
                    g.beta.mul(*y.add(i))
                };
            }
            for p in 0..g.k {
                let s = g.alpha.mul(*g.x.offset(off(p, g.incx)));
                let col = g.a.offset(off(p, g.csa));
                let mut i = 0;
                while i + L <= g.m {
                    let a = col.add(i).cast::<[T; L]>().read_unaligned();
                    let yp = y.add(i).cast::<[T; L]>();
                    let mut v = yp.read_unaligned();
                    for l in 0..L {
                        v[l] = madd::<T, FUSED>(v[l], a[l], s);
                    }
                    yp.write_unaligned(v);
                    i += L;
                }
                for i in i..g.m {
                    *y.add(i) = madd::<T, FUSED>(*y.add(i), *col.add(i), s);
                }
            }
            return;
        }
        for i in 0..g.m {
            let row = g.a.offset(off(i, g.rsa));
            let mut lanes = [T::ZERO; L];
            let mut p = 0;
            if g.csa == 1 && g.incx == 1 {
                while p + L <= g.k {
                    let a = row.add(p).cast::<[T; L]>().read_unaligned();
                    let x = g.x.add(p).cast::<[T; L]>().read_unaligned();
                    for l in 0..L {
                        lanes[l] = madd::<T, FUSED>(lanes[l], a[l], x[l]);
                    }
                    p += L;
                }
            }
            let mut tail = T::ZERO;
            for p in p..g.k {
                tail = madd::<T, FUSED>(
                    tail,
                    *row.offset(off(p, g.csa)),
                    *g.x.offset(off(p, g.incx)),
                );
            }
            let mut dot = tail;
            for l in lanes {
                dot = dot.add(l);
            }
            let yi = g.y.offset(off(i, g.incy));
            *yi = if g.beta == T::ZERO {
                g.alpha.mul(dot)
            } else {
                g.alpha.mul(dot).add(g.beta.mul(*yi))
            };
        }
    }
}
