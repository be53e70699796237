//! Reductions: sums, products, extrema, dot products, norms, folds, and
//! their per-axis forms.
//!
//! # How the sums are computed
//! Float sums (`sum`, `dot`, the sum of squares in `norm`) are *pairwise*,
//! so the rounding error grows like `log n` instead of `n`: 10,000,000 ×
//! `0.1_f32` sums to 1e6 + 0.125 (two units in the last place; the exact
//! value is 1e6 + 0.0149), where a plain loop is off by 87,937. The kernel
//! is built to run at least as fast as a plain unrolled loop:
//!
//! * elements are folded into `L` independent accumulators ("lanes", 128
//!   bytes of elements per step: 16 for `f64`, 32 for `f32`, 8 for the
//!   `f64` pairs of `dot`), which the compiler turns into SIMD adds
//!   without reassociating any float operation; each lane sums runs of
//!   [`RUN`] elements before adding them up;
//! * every [`BLOCK`] elements (a *leaf*) the lanes are combined pairwise,
//!   and leaves are combined by a streaming binary-counter cascade
//!   (level `k` holds the sum of `2^k` leaves), so partial sums of equal
//!   size meet, however the data arrives.
//!
//! The order of the elements does not matter for these reductions, so
//! data that is contiguous in any axis order (transposed, reversed) is read
//! as one slice ([`layout::memory_block`]). Other layouts are walked row by
//! row in memory order, every row feeding the same leaf and cascade, so
//! accuracy does not degrade with the number of rows either. Integers take
//! the same path (their sums are exact anyway, and overflow behaves as `+`
//! does); `prod`, `min` and `max` too, with their own operation.

use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};
use core::ops::{Add, Div, Mul};
use core::slice;

use num_traits::{Float, FromPrimitive, One, Zero};

use super::error::ShapeError;
use super::layout::{self, Traversal};
use super::rank::{OneLess, Rank};
use super::raw::RawArray;
use super::{ArrayView, PtrArray};
use crate::Scope;

/// Lanes for runs shorter than [`SHORT_RUN_LANES`] times the full lane count.
const SHORT_LANES: usize = 4;
/// See [`SHORT_LANES`].
const SHORT_RUN_LANES: usize = 4;

/// Elements per leaf of the pairwise sum.
const BLOCK: usize = 2048;

/// Elements each lane sums in a row before the partial sum is added to the
/// lane (see [`lanes_into`]).
const RUN: usize = 16;

// ---- runs: what the kernels read -------------------------------------------

/// A run of elements that the kernels read by index: a slice, a strided
/// row, or two of them zipped (for `dot`).
trait Run: Copy {
    type Item: Copy;

    fn len(&self) -> usize;

    /// The element at `i`.
    ///
    /// # Safety
    /// `i < self.len()`.
    unsafe fn get(&self, i: usize) -> Self::Item;

    /// Elements `start..start + len`.
    ///
    /// # Panics
    /// If the range is not inside the run.
    fn sub(&self, start: usize, len: usize) -> Self;

    /// The first element, if any.
    #[inline(always)]
    fn first(&self) -> Option<Self::Item> {
        // SAFETY: 0 < len.
        (self.len() > 0).then(|| unsafe { self.get(0) })
    }
}

impl<T: Copy> Run for &[T] {
    type Item = T;

    #[inline(always)]
    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    #[inline(always)]
    unsafe fn get(&self, i: usize) -> T {
        // SAFETY: `i < len` (the caller's guarantee).
        unsafe { *self.get_unchecked(i) }
    }

    #[inline(always)]
    fn sub(&self, start: usize, len: usize) -> Self {
        &self[start..start + len]
    }
}

/// `len` elements, `stride` apart, readable for `'a`.
#[derive(Clone, Copy)]
struct Strided<'a, T> {
    ptr: *const T,
    stride: isize,
    len: usize,
    _life: PhantomData<&'a T>,
}

impl<'a, T: Copy> Strided<'a, T> {
    /// # Safety
    /// For every `i < len`, `ptr.offset(i * stride)` points to an
    /// initialised `T` that nothing writes to during `'a`.
    #[inline(always)]
    unsafe fn new(ptr: *const T, stride: isize, len: usize) -> Self {
        Strided {
            ptr,
            stride,
            len,
            _life: PhantomData,
        }
    }

    /// The elements as one slice, in *memory* order, if they are adjacent
    /// (stride 1 or -1, or at most one element). Only for reductions whose
    /// result does not depend on the order.
    #[inline(always)]
    fn contiguous(&self) -> Option<&'a [T]> {
        let low = match self.stride {
            _ if self.len == 0 => return Some(&[]),
            _ if self.len == 1 => self.ptr,
            1 => self.ptr,
            // The last element, at the lowest address.
            -1 => self.ptr.wrapping_offset(1 - self.len as isize),
            _ => return None,
        };
        // SAFETY: the `len` adjacent elements from `low` are exactly the
        // run's elements (the constructor's guarantee); `low` points to one
        // of them, so it is aligned and not null.
        Some(unsafe { slice::from_raw_parts(low, self.len) })
    }
}

impl<T: Copy> Run for Strided<'_, T> {
    type Item = T;

    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    unsafe fn get(&self, i: usize) -> T {
        // SAFETY: `i < len`, so this is an element of the run (the
        // constructor's guarantee); the offset fits in `isize` because it is
        // a real element distance in one allocation.
        unsafe { *self.ptr.offset(i as isize * self.stride) }
    }

    #[inline(always)]
    fn sub(&self, start: usize, len: usize) -> Self {
        assert!(start <= self.len && len <= self.len - start);
        Strided {
            // Wrapping: for an empty tail this may be one step past the end.
            ptr: self.ptr.wrapping_offset(start as isize * self.stride),
            stride: self.stride,
            len,
            _life: PhantomData,
        }
    }
}

/// Two runs of the same length, read in step.
#[derive(Clone, Copy)]
struct Zip<A, B> {
    a: A,
    b: B,
}

impl<A: Run, B: Run> Zip<A, B> {
    #[inline(always)]
    fn new(a: A, b: B) -> Self {
        assert_eq!(a.len(), b.len());
        Zip { a, b }
    }
}

impl<A: Run, B: Run> Run for Zip<A, B> {
    type Item = (A::Item, B::Item);

    #[inline(always)]
    fn len(&self) -> usize {
        self.a.len()
    }

    #[inline(always)]
    unsafe fn get(&self, i: usize) -> Self::Item {
        // SAFETY: `i < len`, and both runs have that length (checked in `new`).
        unsafe { (self.a.get(i), self.b.get(i)) }
    }

    #[inline(always)]
    fn sub(&self, start: usize, len: usize) -> Self {
        Zip {
            a: self.a.sub(start, len),
            b: self.b.sub(start, len),
        }
    }
}

// ---- kernels -----------------------------------------------------------------

/// Folds `r` into the `L` lanes: element `i` goes to lane `i % L`. The
/// lanes are independent, so the loop body becomes SIMD instructions
/// without reassociating any float operation.
///
/// Each lane sums runs of [`RUN`] elements into a fresh accumulator before
/// adding the run to the lane: long sequential chains in a lane would let
/// rounding errors build up (adding `0.1_f32` 128 times in a row is off by
/// about 1e-6 relative, which is 1.0 on a sum of 1e6).
#[inline(always)]
fn lanes_into<R: Run, A: Copy, const L: usize>(
    r: R,
    acc: &mut [A; L],
    id: A,
    step: impl Fn(A, R::Item) -> A,
    op: impl Fn(A, A) -> A,
) {
    let len = r.len();
    let full = len - len % L;
    let mut base = 0;
    while base < full {
        let end = full.min(base + RUN * L);
        let mut run = [id; L];
        while base < end {
            for (i, a) in run.iter_mut().enumerate() {
                // SAFETY: base + i < end <= full <= len.
                *a = step(*a, unsafe { r.get(base + i) });
            }
            base += L;
        }
        for (a, x) in acc.iter_mut().zip(run) {
            *a = op(*a, x);
        }
    }
    // The rest (fewer than L) in blocks of L/2, L/4, ... elements, each
    // into the first lanes, down to 16 bytes of lanes (one SSE register):
    // fixed lane indices keep the lanes in vector registers. Narrower
    // blocks would lead LLVM to vectorise the whole kernel with narrower
    // vectors (seen with f32).
    let min_width = (16 / size_of::<A>().max(1)).max(1);
    let mut width = L / 2;
    while width >= min_width {
        if len - base >= width {
            for (i, a) in acc.iter_mut().take(width).enumerate() {
                // SAFETY: base + i < base + width <= len.
                *a = step(*a, unsafe { r.get(base + i) });
            }
            base += width;
        }
        width /= 2;
    }
    if base < len {
        let mut rest = id;
        for i in base..len {
            // SAFETY: i < len.
            rest = step(rest, unsafe { r.get(i) });
        }
        acc[0] = op(acc[0], rest);
    }
}

/// The lanes folded into one value: pairwise, by halves, down to one
/// 16-byte vector of lanes, then in order.
///
/// Inlined after the loop of [`lanes_into`], this can mislead LLVM's SLP
/// vectoriser into narrower vectors or shuffles for the whole kernel: the
/// last few lanes are added in order rather than pairwise for that reason,
/// and for elements of 4 bytes or less (32 lanes) the combination stays out
/// of line (f32 sums of 1000 elements: 57 ns out of line, 81 ns inlined,
/// 109 ns inlined with pairwise last lanes; f64 prefers it inlined).
#[inline(always)]
fn combine_lanes<A: Copy, const L: usize>(acc: [A; L], op: impl Fn(A, A) -> A) -> A {
    if size_of::<A>() <= 4 {
        combine_lanes_outlined(acc, op)
    } else {
        combine_lanes_inlined(acc, op)
    }
}

/// [`combine_lanes`], not inlined.
#[inline(never)]
fn combine_lanes_outlined<A: Copy, const L: usize>(acc: [A; L], op: impl Fn(A, A) -> A) -> A {
    combine_lanes_inlined(acc, op)
}

/// [`combine_lanes`], inlined.
#[inline(always)]
fn combine_lanes_inlined<A: Copy, const L: usize>(mut acc: [A; L], op: impl Fn(A, A) -> A) -> A {
    let min_width = (16 / size_of::<A>().max(1)).clamp(1, L);
    let mut width = L;
    while width > min_width {
        width /= 2;
        for i in 0..width {
            acc[i] = op(acc[i], acc[i + width]);
        }
    }
    let mut v = acc[0];
    for &x in &acc[1..width] {
        v = op(v, x);
    }
    v
}

/// A pairwise fold, fed run by run.
///
/// Elements go into a *leaf* of `L` lanes until it holds [`BLOCK`]
/// elements; a full leaf's lanes are combined pairwise and the result goes
/// into a binary-counter cascade (level `k` holds the fold of `2^k`
/// leaves), so partial results of similar size are combined, however the
/// elements arrive: one long slice, or many rows.
struct Pairwise<A, const L: usize> {
    id: A,
    leaf: [A; L],
    /// Elements in `leaf`; always below `BLOCK` between calls.
    leaf_len: usize,
    /// Lane that receives the next short run's partial result.
    next_lane: usize,
    /// Level `k` is initialised iff bit `k` of `count` is set. 64 levels
    /// suffice: `count` is a `u64`, and it cannot overflow, since each
    /// push covers `BLOCK` elements of one array, fewer than `2^63`.
    levels: [MaybeUninit<A>; 64],
    /// Leaves pushed so far.
    count: u64,
}

impl<A: Copy, const L: usize> Pairwise<A, L> {
    #[inline(always)]
    fn new(id: A) -> Self {
        Pairwise {
            id,
            leaf: [id; L],
            leaf_len: 0,
            next_lane: 0,
            levels: [const { MaybeUninit::uninit() }; 64],
            count: 0,
        }
    }

    /// Folds in the elements of `r` (in any order).
    #[inline(always)]
    fn add<R: Run>(
        &mut self,
        r: R,
        step: impl Fn(A, R::Item) -> A + Copy,
        op: impl Fn(A, A) -> A + Copy,
    ) {
        let len = r.len();
        if len < L {
            // A short run (a short row of a strided array): fold it on its
            // own and spread the partial results over the lanes.
            let mut v = self.id;
            for i in 0..len {
                // SAFETY: i < len.
                v = step(v, unsafe { r.get(i) });
            }
            let lane = &mut self.leaf[self.next_lane];
            *lane = op(*lane, v);
            self.next_lane = (self.next_lane + 1) % L;
            self.leaf_len += len;
            if self.leaf_len >= BLOCK {
                let leaf = core::mem::replace(&mut self.leaf, [self.id; L]);
                self.push(leaf, op);
                self.leaf_len = 0;
            }
            return;
        }
        // The leaf is a local here, so that it lives in registers.
        let (mut leaf, mut leaf_len) = (self.leaf, self.leaf_len);
        let mut start = 0;
        while start < len {
            let take = (BLOCK - leaf_len).min(len - start);
            lanes_into(r.sub(start, take), &mut leaf, self.id, step, op);
            leaf_len += take;
            start += take;
            if leaf_len == BLOCK {
                self.push(leaf, op);
                leaf = [self.id; L];
                leaf_len = 0;
            }
        }
        self.leaf = leaf;
        self.leaf_len = leaf_len;
    }

    /// Adds a full leaf to the cascade: a binary increment, where each
    /// occupied level carries into the next.
    #[inline]
    fn push(&mut self, leaf: [A; L], op: impl Fn(A, A) -> A + Copy) {
        let mut carry = combine_lanes(leaf, op);
        let mut level = 0;
        while self.count >> level & 1 == 1 {
            // SAFETY: bit `level` of `count` is set, so the level holds a
            // value; the increment below clears the bit (the level is free).
            let lower = unsafe { self.levels[level].assume_init() };
            carry = op(lower, carry);
            level += 1;
        }
        self.levels[level] = MaybeUninit::new(carry);
        // Clears the bits of the levels merged above, sets bit `level`.
        self.count += 1;
    }

    /// The fold of everything added: the partial leaf, then the levels
    /// from small to large, then the lanes.
    #[inline]
    fn finish(&self, op: impl Fn(A, A) -> A + Copy) -> A {
        let mut acc = combine_lanes(self.leaf, op);
        let mut bits = self.count;
        let mut level = 0;
        while bits != 0 {
            if bits & 1 == 1 {
                // SAFETY: bit `level` of `count` is set: the level holds a value.
                acc = op(unsafe { self.levels[level].assume_init() }, acc);
            }
            bits >>= 1;
            level += 1;
        }
        acc
    }
}

/// Pairwise fold of one run: a single leaf needs no cascade.
#[inline(always)]
fn fold_run_lanes<R: Run, A: Copy, const L: usize>(
    r: R,
    id: A,
    step: impl Fn(A, R::Item) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    if r.len() < L {
        let mut acc = id;
        for i in 0..r.len() {
            // SAFETY: i < len.
            acc = step(acc, unsafe { r.get(i) });
        }
        return acc;
    }
    // Short runs: four lanes are enough to keep the adder busy, and
    // combining 16 or 32 lanes would cost more than the loop itself.
    if L > SHORT_LANES && r.len() < SHORT_RUN_LANES * L {
        let mut acc = [id; SHORT_LANES];
        lanes_into(r, &mut acc, id, step, op);
        return combine_lanes_inlined(acc, op);
    }
    if r.len() <= BLOCK {
        let mut acc = [id; L];
        lanes_into(r, &mut acc, id, step, op);
        return combine_lanes(acc, op);
    }
    fold_long_run::<R, A, L>(r, id, step, op)
}

/// [`fold_run_lanes`] for more than one leaf (kept out of line, so that
/// short runs do not pay for the cascade's stack frame).
#[inline(never)]
fn fold_long_run<R: Run, A: Copy, const L: usize>(
    r: R,
    id: A,
    step: impl Fn(A, R::Item) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    let mut p = Pairwise::<A, L>::new(id);
    p.add(r, step, op);
    p.finish(op)
}

/// Calls `$f::<.., L>` with the lane count for elements of type `$X`: 128
/// bytes of elements per step (8 SSE registers), at least 4 lanes.
macro_rules! with_lanes {
    ($X:ty, $f:ident::<$($g:ty),*>($($arg:expr),*)) => {
        match size_of::<$X>() {
            0..=4 => $f::<$($g,)* 32>($($arg),*),
            5..=8 => $f::<$($g,)* 16>($($arg),*),
            9..=16 => $f::<$($g,)* 8>($($arg),*),
            _ => $f::<$($g,)* 4>($($arg),*),
        }
    };
}

/// Pairwise fold of one run.
#[inline]
fn fold_run<R: Run, A: Copy>(
    r: R,
    id: A,
    step: impl Fn(A, R::Item) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    #[inline(always)]
    fn go<R: Run, A: Copy, const L: usize>(
        r: R,
        id: A,
        step: impl Fn(A, R::Item) -> A + Copy,
        op: impl Fn(A, A) -> A + Copy,
    ) -> A {
        fold_run_lanes::<R, A, L>(r, id, step, op)
    }
    with_lanes!(R::Item, go::<R, A>(r, id, step, op))
}

/// Pairwise fold of one strided row, read as a slice when it is adjacent
/// in memory (the result must not depend on the order).
#[inline]
fn fold_row<T: Copy, A: Copy>(
    row: Strided<'_, T>,
    id: A,
    step: impl Fn(A, T) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    match row.contiguous() {
        Some(xs) => fold_run(xs, id, step, op),
        None => fold_run(row, id, step, op),
    }
}

/// Order-independent fold of every element of `raw` (pairwise, see the
/// module docs). `step` folds an element into an accumulator, `op` joins
/// two accumulators; `id` is neutral for both.
///
/// # Safety
/// `raw` satisfies the `RawArray` invariant and nothing writes to its
/// elements during the call.
pub(super) unsafe fn reduce<T: Copy, A: Copy, const N: usize>(
    raw: &RawArray<T, N>,
    id: A,
    step: impl Fn(A, T) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    /// # Safety
    /// As for [`reduce`].
    #[inline(always)]
    unsafe fn go<T: Copy, A: Copy, const N: usize, const L: usize>(
        raw: &RawArray<T, N>,
        id: A,
        step: impl Fn(A, T) -> A + Copy,
        op: impl Fn(A, A) -> A + Copy,
    ) -> A {
        let base = raw.ptr.as_ptr().cast_const();
        // Row-major first (the common case, and the cheapest check), then
        // contiguous in any order.
        let block = if raw.is_standard() {
            Some((0, raw.len()))
        } else {
            layout::memory_block(&raw.shape, &raw.strides)
        };
        if let Some((low, len)) = block {
            if len == 0 {
                return id;
            }
            // SAFETY: the elements fill the block of `len` elements starting
            // `low` elements from the base pointer (is_standard or
            // memory_block), all initialised and readable (the caller's
            // guarantee).
            let xs = unsafe { slice::from_raw_parts(base.offset(low), len) };
            return fold_run_lanes::<_, A, L>(xs, id, step, op);
        }
        // SAFETY: the caller's guarantee.
        unsafe { reduce_rows::<T, A, N, L>(raw, id, step, op) }
    }
    // SAFETY: the caller's guarantee.
    unsafe { with_lanes!(T, go::<T, A, N>(raw, id, step, op)) }
}

/// [`reduce`] for layouts that are not one block: row by row in memory
/// order.
///
/// # Safety
/// As for [`reduce`].
#[inline(never)]
unsafe fn reduce_rows<T: Copy, A: Copy, const N: usize, const L: usize>(
    raw: &RawArray<T, N>,
    id: A,
    step: impl Fn(A, T) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    let base = raw.ptr.as_ptr().cast_const();
    let mut sink = Pairwise::<A, L>::new(id);
    layout::for_each_row(
        &raw.shape,
        [&raw.strides],
        Traversal::Memory,
        |[off], [st], len| {
            // SAFETY: the row's elements are elements of the array,
            // readable (the caller's guarantee).
            let row = unsafe { Strided::new(base.offset(off), st, len) };
            match row.contiguous() {
                Some(xs) => sink.add(xs, step, op),
                None => sink.add(row, step, op),
            }
        },
    );
    sink.finish(op)
}

/// Whether two layouts of the same shape put each index at the same offset.
fn same_layout<const N: usize>(shape: &[usize; N], a: &[isize; N], b: &[isize; N]) -> bool {
    (0..N).all(|k| shape[k] <= 1 || a[k] == b[k])
}

/// Order-independent fold over the element pairs of two arrays of the
/// same shape (pairwise, like [`reduce`]).
///
/// # Safety
/// Both satisfy the `RawArray` invariant, their shapes are equal, and
/// nothing writes to their elements during the call.
unsafe fn reduce_zip<T: Copy, A: Copy, const N: usize>(
    a: &RawArray<T, N>,
    b: &RawArray<T, N>,
    id: A,
    step: impl Fn(A, (T, T)) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    /// # Safety
    /// As for [`reduce_zip`].
    #[inline(always)]
    unsafe fn go<T: Copy, A: Copy, const N: usize, const L: usize>(
        a: &RawArray<T, N>,
        b: &RawArray<T, N>,
        id: A,
        step: impl Fn(A, (T, T)) -> A + Copy,
        op: impl Fn(A, A) -> A + Copy,
    ) -> A {
        let (pa, pb) = (a.ptr.as_ptr().cast_const(), b.ptr.as_ptr().cast_const());
        let block = if a.is_standard() && b.is_standard() {
            Some((0, a.len()))
        } else if same_layout(&a.shape, &a.strides, &b.strides) {
            layout::memory_block(&a.shape, &a.strides)
        } else {
            None
        };
        if let Some((low, len)) = block {
            if len == 0 {
                return id;
            }
            // SAFETY: both arrays fill a block of `len` elements at offset
            // `low` (both row-major, or the same shape and strides and
            // memory_block), where matching positions hold matching
            // indices; readable (the caller's guarantee).
            let (xs, ys) = unsafe {
                (
                    slice::from_raw_parts(pa.offset(low), len),
                    slice::from_raw_parts(pb.offset(low), len),
                )
            };
            return fold_run_lanes::<_, A, L>(Zip::new(xs, ys), id, step, op);
        }
        // SAFETY: the caller's guarantee.
        unsafe { reduce_zip_rows::<T, A, N, L>(a, b, id, step, op) }
    }
    // SAFETY: the caller's guarantee.
    unsafe { with_lanes!((T, T), go::<T, A, N>(a, b, id, step, op)) }
}

/// [`reduce_zip`] for layouts that are not one common block: row by row
/// in the memory order of `a`.
///
/// # Safety
/// As for [`reduce_zip`].
#[inline(never)]
unsafe fn reduce_zip_rows<T: Copy, A: Copy, const N: usize, const L: usize>(
    a: &RawArray<T, N>,
    b: &RawArray<T, N>,
    id: A,
    step: impl Fn(A, (T, T)) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
) -> A {
    let (pa, pb) = (a.ptr.as_ptr().cast_const(), b.ptr.as_ptr().cast_const());
    let mut sink = Pairwise::<A, L>::new(id);
    layout::for_each_row(
        &a.shape,
        [&a.strides, &b.strides],
        Traversal::Memory,
        |[oa, ob], [sa, sb], len| {
            // SAFETY: the rows' elements are elements of the arrays,
            // readable (the caller's guarantee).
            let (ra, rb) = unsafe {
                (
                    Strided::new(pa.offset(oa), sa, len),
                    Strided::new(pb.offset(ob), sb, len),
                )
            };
            if sa == 1 && sb == 1 {
                // Both adjacent and in the same direction: slices.
                let (xs, ys) = (ra.contiguous(), rb.contiguous());
                sink.add(Zip::new(xs.unwrap(), ys.unwrap()), step, op);
            } else {
                sink.add(Zip::new(ra, rb), step, op);
            }
        },
    );
    sink.finish(op)
}

/// `x` if it is greater than `a` or unordered with itself (NaN), else `a`:
/// the running maximum, with NaN propagating.
#[inline(always)]
fn max_nan<T: PartialOrd>(a: T, x: T) -> T {
    if x > a || is_unordered(&x) {
        x
    } else {
        a
    }
}

/// The running minimum, with NaN propagating.
#[inline(always)]
fn min_nan<T: PartialOrd>(a: T, x: T) -> T {
    if x < a || is_unordered(&x) {
        x
    } else {
        a
    }
}

/// Whether `x` is unordered with itself, like NaN.
#[inline(always)]
fn is_unordered<T: PartialOrd>(x: &T) -> bool {
    x.partial_cmp(x).is_none()
}

#[inline(always)]
pub(super) fn add<T: Add<Output = T>>(a: T, b: T) -> T {
    a + b
}

#[inline(always)]
fn mul<T: Mul<Output = T>>(a: T, b: T) -> T {
    a * b
}

#[inline(always)]
fn add_product<T: Add<Output = T> + Mul<Output = T>>(a: T, (x, y): (T, T)) -> T {
    a + x * y
}

#[inline(always)]
fn add_square<T: Add<Output = T> + Mul<Output = T> + Copy>(a: T, x: T) -> T {
    a + x * x
}

// ---- along an axis -------------------------------------------------------------

/// Whether `axis` is the innermost axis in memory: longer than 1, with a
/// smaller stride (in magnitude) than every other axis longer than 1.
pub(super) fn innermost<const N: usize>(
    shape: &[usize; N],
    strides: &[isize; N],
    axis: usize,
) -> bool {
    shape[axis] > 1
        && (0..N).all(|k| {
            k == axis || shape[k] <= 1 || strides[k].unsigned_abs() > strides[axis].unsigned_abs()
        })
}

/// Folds every element of `src` into `out` at its index with `axis`
/// removed, `out[j] = combine(out[j], x)`, by one of two loops:
///
/// * `axis` innermost in memory: each row along it is reduced with `row`
///   (a pairwise sum for `sum_axis`) into its output element;
/// * otherwise, rows of `out` are walked in `src`'s memory order and, for
///   each, the matching rows of `src` along `axis` are added in groups of
///   four: `out += (x0 + x1) + (x2 + x3)`, contiguous slice loops when the
///   rows are (`sum_axis(0)` of a row-major matrix: the result row plus
///   four matrix rows at a time).
///
/// # Safety
/// `src` satisfies the `RawArray` invariant, nothing writes to its elements
/// during the call, it does not overlap `out`, and `out` (row-major) has
/// `src`'s shape without `axis`.
unsafe fn reduce_axis_into<T: Copy, const N: usize, const M: usize>(
    src: &RawArray<T, N>,
    axis: usize,
    out: &mut PtrArray<'_, T, M>,
    row: impl Fn(Strided<'_, T>) -> T,
    combine: impl Fn(T, T) -> T + Copy,
) {
    let (base, o) = (src.ptr.as_ptr().cast_const(), out.raw.ptr.as_ptr());
    if innermost(&src.shape, &src.strides, axis) {
        // `out`'s strides with a 0 inserted for `axis`.
        let out_strides: [isize; N] = core::array::from_fn(|k| match k.cmp(&axis) {
            core::cmp::Ordering::Less => out.raw.strides[k],
            core::cmp::Ordering::Equal => 0,
            core::cmp::Ordering::Greater => out.raw.strides[k - 1],
        });
        layout::for_each_row(
            &src.shape,
            [&src.strides, &out_strides],
            Traversal::Memory,
            |[si, oi], [ss, os], len| {
                // SAFETY: the row's elements are elements of `src`, readable
                // (the caller's guarantee).
                let xs = unsafe { Strided::new(base.offset(si), ss, len) };
                if os == 0 {
                    // The row runs along `axis` (the usual case).
                    // SAFETY: `oi` is the offset in `out` of the row's index
                    // without `axis`, in bounds; `out` is exclusively ours
                    // (`&mut`) and does not overlap `src`.
                    unsafe {
                        let p = o.offset(oi);
                        *p = combine(*p, row(xs));
                    }
                } else {
                    // Possible only if another axis has the same stride.
                    for i in 0..len {
                        // SAFETY: as above, element `i` of the output row.
                        unsafe {
                            let p = o.offset(oi + i as isize * os);
                            *p = combine(*p, xs.get(i));
                        }
                    }
                }
            },
        );
        return;
    }
    let src_strides: [isize; M] = layout::removed(&src.strides, axis);
    let (n, step) = (src.shape[axis], src.strides[axis]);
    layout::for_each_row(
        &out.raw.shape,
        [&src_strides, &out.raw.strides],
        Traversal::Memory,
        |[si, oi], [ss, os], len| {
            let mut k = 0;
            while k < n {
                let group = (n - k).min(4);
                // SAFETY: rows `k..k + group` along `axis` of `src` at this
                // output row are in bounds and readable; the output row is
                // in bounds, exclusively ours and does not overlap them (the
                // caller's guarantee).
                unsafe {
                    add_rows(
                        o.offset(oi),
                        os,
                        base.offset(si + k as isize * step),
                        ss,
                        step,
                        group,
                        len,
                        combine,
                    )
                };
                k += group;
            }
        },
    );
}

/// `out[j] = combine(out[j], x0[j] + ... )` for `rows` (1 to 4) rows of
/// `len` elements, `x_r[j]` at `src + r * step + j * ss`, `out[j]` at
/// `out + j * os`.
///
/// # Safety
/// The output row is valid for reads and writes and exclusively ours; the
/// input rows are valid for reads and do not overlap it.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn add_rows<T: Copy>(
    out: *mut T,
    os: isize,
    src: *const T,
    ss: isize,
    step: isize,
    rows: usize,
    len: usize,
    f: impl Fn(T, T) -> T + Copy,
) {
    if os == 1 && ss == 1 {
        // SAFETY: the output row is `len` adjacent elements, exclusively
        // ours (the caller's guarantee).
        let ys = unsafe { slice::from_raw_parts_mut(out, len) };
        // SAFETY: called below only with `r < rows`: input row `r` is `len`
        // adjacent readable elements, not overlapping `ys`.
        let x = |r: isize| unsafe { slice::from_raw_parts(src.offset(r * step), len) };
        if rows == 4 {
            let (x0, x1, x2, x3) = (x(0), x(1), x(2), x(3));
            for ((((y, &a), &b), &c), &d) in ys.iter_mut().zip(x0).zip(x1).zip(x2).zip(x3) {
                *y = f(*y, f(f(a, b), f(c, d)));
            }
        } else {
            for r in 0..rows as isize {
                for (y, &a) in ys.iter_mut().zip(x(r)) {
                    *y = f(*y, a);
                }
            }
        }
        return;
    }
    for r in 0..rows as isize {
        for j in 0..len as isize {
            // SAFETY: element `j` of output row and of input row `r`.
            unsafe {
                let p = out.offset(j * os);
                *p = f(*p, *src.offset(r * step + j * ss));
            }
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn dot_shape_panic(left: &[usize], right: &[usize]) -> ! {
    let e = ShapeError::ShapeMismatch {
        left: left.to_vec(),
        right: right.to_vec(),
    };
    panic!("dot: {e}")
}

#[cold]
#[inline(never)]
#[track_caller]
pub(super) fn len_not_representable(what: &str, n: usize) -> ! {
    panic!("{what}: the element count {n} is not representable in the element type")
}

// ---- the methods -----------------------------------------------------------------

read_methods! {
    /// The sum of all elements; 0 for an empty array.
    ///
    /// Floats are summed pairwise (error growing like `log n`, not `n`)
    /// with SIMD-friendly independent accumulators; the summation order is
    /// unspecified (it follows memory, not the logical order). Integer
    /// overflow behaves as `+` does (a panic in debug builds).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
    ///     assert_eq!(a.view().sum(), 15.0);
    ///     assert_eq!(a.view().t().sum(), 15.0);
    ///     let tenths = s.alloc_filled([1_000_000], 0.1_f32);
    ///     assert!((tenths.view().sum() - 100_000.0).abs() < 0.1);
    /// });
    /// ```
    pub fn sum(&'r self) -> T
    where
        T: Copy + Zero + Add<Output = T>,
    {
        // SAFETY: a view grants shared, read-only access to its elements.
        unsafe { reduce(&self.raw, T::zero(), add, add) }
    }

    /// The product of all elements; 1 for an empty array.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.view().prod(), 24);
    ///     assert_eq!(s.alloc::<i32, 1>([0]).view().prod(), 1);
    /// });
    /// ```
    pub fn prod(&'r self) -> T
    where
        T: Copy + One + Mul<Output = T>,
    {
        // SAFETY: a view grants shared, read-only access to its elements.
        unsafe { reduce(&self.raw, T::one(), mul, mul) }
    }

    /// The largest element, or `None` if the array is empty.
    ///
    /// A value unordered with itself (NaN) propagates: if there is one, a
    /// NaN is returned. Which of several equal elements (say `0.0` and
    /// `-0.0`) is returned is unspecified.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([4], &[3.0, -1.0, 7.5, 2.0]);
    ///     assert_eq!(a.view().max(), Some(7.5));
    ///     let b = s.alloc_from_slice([3], &[1.0, f64::NAN, 2.0]);
    ///     assert!(b.view().max().unwrap().is_nan());
    ///     assert_eq!(s.alloc::<f64, 1>([0]).view().max(), None);
    /// });
    /// ```
    pub fn max(&'r self) -> Option<T>
    where
        T: Copy + PartialOrd,
    {
        self.extreme(max_nan)
    }

    /// The smallest element, or `None` if the array is empty.
    ///
    /// A value unordered with itself (NaN) propagates: if there is one, a
    /// NaN is returned. Which of several equal elements is returned is
    /// unspecified.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[3, -1, 7, 2]);
    ///     assert_eq!(a.view().min(), Some(-1));
    ///     let b = s.alloc_from_slice([2], &[f32::NAN, 2.0]);
    ///     assert!(b.view().min().unwrap().is_nan());
    /// });
    /// ```
    pub fn min(&'r self) -> Option<T>
    where
        T: Copy + PartialOrd,
    {
        self.extreme(min_nan)
    }

    /// `max` / `min` with `pick` = `max_nan` / `min_nan`; `None` if empty.
    fn extreme(&'r self, pick: impl Fn(T, T) -> T + Copy) -> Option<T>
    where
        T: Copy,
    {
        let first = *self.get([0; N])?; // None iff empty
        // SAFETY: shared, read-only access to the elements.
        Some(unsafe { reduce(&self.raw, first, pick, pick) })
    }

    /// The arithmetic mean ([`sum`](ArrayView::sum) divided by the number
    /// of elements), or `None` if the array is empty.
    ///
    /// # Panics
    /// If the number of elements is not representable in `T`
    /// (`T::from_usize` fails, e.g. 300 elements of `u8`).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 6.0]);
    ///     assert_eq!(a.view().mean(), Some(3.0));
    ///     assert_eq!(s.alloc::<f32, 2>([0, 3]).view().mean(), None);
    /// });
    /// ```
    #[track_caller]
    pub fn mean(&'r self) -> Option<T>
    where
        T: Copy + Zero + Add<Output = T> + Div<Output = T> + FromPrimitive,
    {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let Some(count) = T::from_usize(n) else {
            len_not_representable("mean", n)
        };
        Some(self.sum() / count)
    }

    /// The dot product: the sum of `self[i] * other[i]` over all indices,
    /// summed pairwise like [`sum`](ArrayView::sum).
    ///
    /// # Errors
    /// [`ShapeError::ShapeMismatch`] if the shapes differ (there is no
    /// broadcasting here).
    ///
    /// ```
    /// use bumper::array::ShapeError;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
    ///     let b = s.alloc_from_slice([3], &[4.0, 5.0, 6.0]);
    ///     assert_eq!(a.view().try_dot(&b), Ok(32.0));
    ///     let c = s.alloc::<f64, 1>([2]);
    ///     assert_eq!(
    ///         a.view().try_dot(&c),
    ///         Err(ShapeError::ShapeMismatch { left: vec![3], right: vec![2] })
    ///     );
    /// });
    /// ```
    pub fn try_dot<'b>(&'r self, other: impl Into<ArrayView<'b, T, N>>) -> Result<T, ShapeError>
    where
        T: Copy + Zero + Add<Output = T> + Mul<Output = T> + 'b,
    {
        let b = other.into();
        if self.raw.shape != b.raw.shape {
            return Err(ShapeError::ShapeMismatch {
                left: self.raw.shape.to_vec(),
                right: b.raw.shape.to_vec(),
            });
        }
        // SAFETY: views grant shared, read-only access to their elements;
        // the shapes are equal.
        Ok(unsafe { reduce_zip(&self.raw, &b.raw, T::zero(), add_product, add) })
    }

    /// The dot product: the sum of `self[i] * other[i]` over all indices
    /// (any rank, any layouts), summed pairwise like [`sum`](ArrayView::sum).
    ///
    /// # Panics
    /// If the shapes differ; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| (2 * i + j) as i64);
    ///     // sum over i, j of a[i, j] * a[j, i]
    ///     assert_eq!(a.view().dot(a.t()), 0 * 0 + 1 * 2 + 2 * 1 + 3 * 3);
    /// });
    /// ```
    #[track_caller]
    pub fn dot<'b>(&'r self, other: impl Into<ArrayView<'b, T, N>>) -> T
    where
        T: Copy + Zero + Add<Output = T> + Mul<Output = T> + 'b,
    {
        let b = other.into();
        if self.raw.shape != b.raw.shape {
            dot_shape_panic(&self.raw.shape, &b.raw.shape)
        }
        // SAFETY: views grant shared, read-only access to their elements;
        // the shapes are equal.
        unsafe { reduce_zip(&self.raw, &b.raw, T::zero(), add_product, add) }
    }

    /// The Euclidean (L2) norm: the square root of the sum of squares,
    /// summed pairwise.
    ///
    /// If the sum of squares overflows, underflows or is zero, a second
    /// pass rescales by the largest magnitude, so `[1e200, 1e200]` gives
    /// `1.414e200` rather than infinity. A NaN element gives NaN, an
    /// infinite one (and no NaN) infinity.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2], &[3.0_f64, 4.0]);
    ///     assert_eq!(a.view().norm(), 5.0);
    ///     let big = s.alloc_filled([2], 1e200_f64);
    ///     assert!((big.view().norm() / 1e200 - 2f64.sqrt()).abs() < 1e-15);
    /// });
    /// ```
    pub fn norm(&'r self) -> T
    where
        T: Float,
    {
        // SAFETY: a view grants shared, read-only access to its elements.
        let squares = unsafe { reduce(&self.raw, T::zero(), add_square, add) };
        if squares.is_normal() {
            return squares.sqrt();
        }
        // SAFETY: as above.
        let scale = unsafe { reduce(&self.raw, T::zero(), |m, x: T| max_nan(m, x.abs()), max_nan) };
        if scale.is_zero() || !scale.is_finite() {
            return scale;
        }
        // SAFETY: as above.
        let scaled = unsafe {
            reduce(
                &self.raw,
                T::zero(),
                move |acc, x: T| {
                    let y = x / scale;
                    acc + y * y
                },
                add,
            )
        };
        scale * scaled.sqrt()
    }

    /// Folds every element into an accumulator, visiting them in logical
    /// row-major order (the last axis fastest), whatever the layout.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 3 * i + j);
    ///     let order = a.view().t().fold(Vec::new(), |mut v, &x| {
    ///         v.push(x);
    ///         v
    ///     });
    ///     assert_eq!(order, [0, 3, 1, 4, 2, 5]);
    ///     assert_eq!(a.view().fold(0, |acc, &x| acc * 10 + x), 12345);
    /// });
    /// ```
    pub fn fold<A>(&'r self, init: A, mut f: impl FnMut(A, &T) -> A) -> A {
        if let Some(xs) = self.as_slice() {
            return xs.iter().fold(init, f);
        }
        let base = self.raw.ptr.as_ptr().cast_const();
        let mut acc = Some(init);
        layout::for_each_row(
            &self.raw.shape,
            [&self.raw.strides],
            Traversal::Logical,
            |[off], [st], len| {
                let mut a = acc
                    .take()
                    .expect("the accumulator is put back after each row");
                if st == 1 {
                    // SAFETY: the row's `len` adjacent elements are elements
                    // of the view, readable for 'a.
                    let xs = unsafe { slice::from_raw_parts(base.offset(off), len) };
                    a = xs.iter().fold(a, &mut f);
                } else {
                    for i in 0..len {
                        // SAFETY: element `i` of the row is an element of
                        // the view, readable for 'a.
                        a = f(a, unsafe { &*base.offset(off + i as isize * st) });
                    }
                }
                acc = Some(a);
            },
        );
        acc.expect("the accumulator is put back after each row")
    }

    /// The sums along `axis`: an array one rank lower (`M == N - 1`,
    /// checked at compile time), allocated in scope `s`.
    ///
    /// When `axis` is the innermost axis in memory, each result is a
    /// pairwise row sum (as in [`sum`](ArrayView::sum)). Otherwise rows are
    /// added into the result four at a time, `result += (r0 + r1) + (r2 +
    /// r3)`, in contiguous loops: the result is read and written once per
    /// four rows, and the sum along `axis` is plain (not pairwise) beyond
    /// groups of four. An empty `axis` gives zeros.
    ///
    /// # Panics
    /// If `axis >= N` (the message names the axis and the rank).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
    ///     assert_eq!(a.view().sum_axis::<1>(0, s).to_vec(), [5, 7, 9]);
    ///     assert_eq!(a.sum_axis(1, s).to_vec(), [6, 15]);
    /// });
    /// ```
    #[track_caller]
    pub fn sum_axis<'s, const M: usize>(&'r self, axis: usize, s: &Scope<'s>) -> PtrArray<'s, T, M>
    where
        Rank<N>: OneLess<M>,
        T: Copy + Zero + Add<Output = T>,
    {
        layout::check_axis::<N>("sum_axis", axis);
        let mut out = s.alloc_filled(layout::removed::<usize, N, M>(&self.raw.shape, axis), T::zero());
        // SAFETY: a view grants shared, read-only access to its elements;
        // `out` is fresh (no overlap), row-major, of the reduced shape.
        unsafe {
            reduce_axis_into(
                &self.raw,
                axis,
                &mut out,
                |row| fold_row(row, T::zero(), add, add),
                add,
            )
        };
        out
    }

    /// The means along `axis` (`M == N - 1`), allocated in scope `s`, or
    /// `None` if `axis` has length 0.
    ///
    /// # Panics
    /// If `axis >= N`, or if the length of `axis` is not representable in
    /// `T` (`T::from_usize` fails).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 6.0]);
    ///     assert_eq!(a.view().mean_axis::<1>(0, s).unwrap().to_vec(), [2.0, 4.0]);
    ///     assert_eq!(a.mean_axis(1, s).unwrap().to_vec(), [1.5, 4.5]);
    ///     assert!(s.alloc::<f64, 2>([0, 2]).view().mean_axis::<1>(0, s).is_none());
    /// });
    /// ```
    #[track_caller]
    pub fn mean_axis<'s, const M: usize>(
        &'r self,
        axis: usize,
        s: &Scope<'s>,
    ) -> Option<PtrArray<'s, T, M>>
    where
        Rank<N>: OneLess<M>,
        T: Copy + Zero + Add<Output = T> + Div<Output = T> + FromPrimitive,
    {
        layout::check_axis::<N>("mean_axis", axis);
        let n = self.raw.shape[axis];
        if n == 0 {
            return None;
        }
        let Some(count) = T::from_usize(n) else {
            len_not_representable("mean_axis", n)
        };
        let mut out = self.sum_axis::<M>(axis, s);
        out.map_inplace(|x| *x = *x / count);
        Some(out)
    }

    /// The largest elements along `axis` (`M == N - 1`), allocated in scope
    /// `s`, or `None` if `axis` has length 0. NaN propagates as in
    /// [`max`](ArrayView::max).
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1, 9, 3, 4, 5, 6]);
    ///     assert_eq!(a.view().max_axis::<1>(0, s).unwrap().to_vec(), [4, 9, 6]);
    ///     assert_eq!(a.max_axis(1, s).unwrap().to_vec(), [9, 6]);
    /// });
    /// ```
    #[track_caller]
    pub fn max_axis<'s, const M: usize>(
        &'r self,
        axis: usize,
        s: &Scope<'s>,
    ) -> Option<PtrArray<'s, T, M>>
    where
        Rank<N>: OneLess<M>,
        T: Copy + PartialOrd,
    {
        layout::check_axis::<N>("max_axis", axis);
        self.extreme_axis(axis, s, max_nan)
    }

    /// The smallest elements along `axis` (`M == N - 1`), allocated in
    /// scope `s`, or `None` if `axis` has length 0. NaN propagates as in
    /// [`min`](ArrayView::min).
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1, 9, 3, 4, 5, 6]);
    ///     assert_eq!(a.view().min_axis::<1>(0, s).unwrap().to_vec(), [1, 5, 3]);
    ///     assert_eq!(a.min_axis(1, s).unwrap().to_vec(), [1, 4]);
    /// });
    /// ```
    #[track_caller]
    pub fn min_axis<'s, const M: usize>(
        &'r self,
        axis: usize,
        s: &Scope<'s>,
    ) -> Option<PtrArray<'s, T, M>>
    where
        Rank<N>: OneLess<M>,
        T: Copy + PartialOrd,
    {
        layout::check_axis::<N>("min_axis", axis);
        self.extreme_axis(axis, s, min_nan)
    }

    /// `max_axis` / `min_axis` with `pick` = `max_nan` / `min_nan`: start
    /// from index 0 along `axis`, fold in the rest.
    fn extreme_axis<'s, const M: usize>(
        &'r self,
        axis: usize,
        s: &Scope<'s>,
        pick: impl Fn(T, T) -> T + Copy,
    ) -> Option<PtrArray<'s, T, M>>
    where
        Rank<N>: OneLess<M>,
        T: Copy + PartialOrd,
    {
        if self.raw.shape[axis] == 0 {
            return None;
        }
        let mut out = self.index_axis::<M>(axis, 0).copy_in(s);
        let rest = self.slice_axis(axis, 1..);
        let row = move |r: Strided<'_, T>| match r.first() {
            Some(first) => fold_row(r, first, pick, pick),
            None => unreachable!("rows are never empty"),
        };
        // SAFETY: a view grants shared, read-only access to its elements;
        // `out` is fresh (no overlap), row-major, of the reduced shape.
        unsafe { reduce_axis_into(&rest.raw, axis, &mut out, row, pick) };
        Some(out)
    }
}
