//! rayon integration (feature `rayon`, on by default): scratch memory per
//! worker thread, and parallel array operations.
//!
//! # Scratch memory in rayon jobs
//! [`no_escape`](crate::no_escape) uses the calling thread's own default
//! buffer, so inside any rayon job it uses that worker's buffer: created
//! lazily on the worker's first scope, never shared between threads, never
//! locked, freed when the worker thread ends. The common pattern, "each item
//! gets its own scratch", is just a scope in the closure:
//!
//! ```
//! use rayon::prelude::*;
//!
//! let norms: Vec<f64> = (1..=100usize)
//!     .into_par_iter()
//!     .map(|n| {
//!         bumper::no_escape(|s| {
//!             // per-item scratch: a pointer bump, not a malloc
//!             let v = s.alloc_with([n], |[i]| (i + 1) as f64);
//!             v.iter().map(|x| x * x).sum::<f64>().sqrt()
//!         })
//!     })
//!     .collect();
//! assert_eq!(norms[0], 1.0);
//! assert!((norms[2] - 14f64.sqrt()).abs() < 1e-12);
//! ```
//!
//! A job that waits in `rayon::join` may run another (stolen) job on the
//! same thread in the meantime; that job's scopes nest on the same buffer,
//! above everything the waiting job allocated, and are closed before the
//! wait returns, so the waiting job's arrays stay intact. Inside
//! [`with_buffer`](crate::with_buffer), such a stolen job uses the buffer
//! `with_buffer` installed (it is the thread's default at that moment).
//!
//! [`worker_buffer_stats`] shows what every worker's buffer holds.
//!
//! # Parallel array operations
//! [`PtrArray::par_map_inplace`], [`PtrArray::par_zip_mut_with`],
//! [`par_sum`](ArrayView::par_sum), [`par_dot`](ArrayView::par_dot) and
//! [`PtrArray::par_axis_chunks_mut`] split the array along its outermost
//! axis (in memory) into pieces of at least [`MIN_ELEMS_PER_TASK`] elements
//! and hand them to `rayon::join`; each piece runs the serial kernel, which
//! uses the slice fast path when the piece is contiguous.

use core::ops::Add;

use num_traits::Zero;
use rayon::iter::plumbing::{bridge, Consumer, Producer, ProducerCallback, UnindexedConsumer};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

use crate::array::{ArrayView, PtrArray};
use crate::buffer::BufferStats;

/// The fewest elements a parallel operation gives one task: below this,
/// the cost of a task outweighs the work. (64 under Miri, so that its
/// small test arrays still exercise the splitting.)
pub const MIN_ELEMS_PER_TASK: usize = if cfg!(miri) { 64 } else { 16 * 1024 };

/// How many elements one task should get for an array of `len` elements:
/// a few tasks per worker (for load balance), none below the minimum.
pub(crate) fn grain(len: usize) -> usize {
    (len / (4 * rayon::current_num_threads())).max(MIN_ELEMS_PER_TASK)
}

/// The axis to split along: the longest stride among axes longer than 1
/// (the outermost in memory, so halves of contiguous data stay contiguous).
pub(crate) fn split_axis<const N: usize>(
    shape: &[usize; N],
    strides: &[isize; N],
) -> Option<usize> {
    (0..N)
        .filter(|&k| shape[k] > 1)
        .max_by_key(|&k| (strides[k].unsigned_abs(), shape[k]))
}

/// Splits `a` (and `b` alongside, same shape) until pieces are at most
/// `grain` elements, running `leaf` on each piece in parallel.
fn split_zip<'a, 'b, T: Send, U: Sync, const N: usize>(
    a: PtrArray<'a, T, N>,
    b: ArrayView<'b, U, N>,
    grain: usize,
    leaf: &(impl Fn(PtrArray<'a, T, N>, ArrayView<'b, U, N>) + Sync),
) {
    match split_axis(&a.shape(), &a.strides()) {
        Some(axis) if a.len() > grain => {
            let mid = a.shape()[axis] / 2;
            let (a1, a2) = a.into_split_at(axis, mid);
            let (b1, b2) = b.split_at(axis, mid);
            rayon::join(
                || split_zip(a1, b1, grain, leaf),
                || split_zip(a2, b2, grain, leaf),
            );
        }
        _ => leaf(a, b),
    }
}

/// Splits `a` (and `b` alongside) and combines the leaves' results with
/// `combine`: a balanced tree, which for sums is pairwise summation.
fn split_reduce<'a, 'b, T: Sync, U: Sync, R: Send, const N: usize>(
    a: ArrayView<'a, T, N>,
    b: ArrayView<'b, U, N>,
    grain: usize,
    leaf: &(impl Fn(ArrayView<'a, T, N>, ArrayView<'b, U, N>) -> R + Sync),
    combine: &(impl Fn(R, R) -> R + Sync),
) -> R {
    match split_axis(&a.shape(), &a.strides()) {
        Some(axis) if a.len() > grain => {
            let mid = a.shape()[axis] / 2;
            let (a1, a2) = a.split_at(axis, mid);
            let (b1, b2) = b.split_at(axis, mid);
            let (r1, r2) = rayon::join(
                || split_reduce(a1, b1, grain, leaf, combine),
                || split_reduce(a2, b2, grain, leaf, combine),
            );
            combine(r1, r2)
        }
        _ => leaf(a, b),
    }
}

/// A zero-sized stand-in for "no second operand".
fn no_operand<const N: usize>(shape: [usize; N]) -> ArrayView<'static, (), N> {
    // SAFETY: `()` is zero-sized, so any non-null aligned pointer with any
    // strides addresses valid (empty) elements, and nothing can write them.
    unsafe {
        ArrayView::from_raw_parts(core::ptr::NonNull::<()>::dangling().as_ptr(), shape, [0; N])
    }
}

impl<'a, T: Send, const N: usize> PtrArray<'a, T, N> {
    /// Calls `f` on every element, in parallel (see the [module docs](self)).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_with([1000, 100], |[i, j]| (i * 100 + j) as f64);
    ///     a.par_map_inplace(|x| *x = x.sqrt());
    ///     assert_eq!(a[[0, 4]], 2.0);
    ///     assert_eq!(a[[999, 99]], 99_999f64.sqrt());
    /// });
    /// ```
    pub fn par_map_inplace(&mut self, f: impl Fn(&mut T) + Sync + Send) {
        let len = self.len();
        let shape = self.shape();
        split_zip(
            self.view_mut(),
            no_operand(shape),
            grain(len),
            &|mut a, _| a.map_inplace(&f),
        );
    }

    /// Calls `f(x, y)` for every element `x` and the matching `y` of `other`
    /// (broadcast to this shape), in parallel.
    ///
    /// # Panics
    /// If `other` does not broadcast to `self`'s shape; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([500, 200], 1.0);
    ///     let row = s.alloc_with([1, 200], |[_, j]| j as f64);
    ///     a.par_zip_mut_with(&row, |x, y| *x += y);
    ///     assert_eq!(a[[499, 199]], 200.0);
    /// });
    /// ```
    #[track_caller]
    pub fn par_zip_mut_with<'b, U: Sync + 'b>(
        &mut self,
        other: impl Into<ArrayView<'b, U, N>>,
        f: impl Fn(&mut T, &U) + Sync + Send,
    ) {
        let other = other.into();
        let b = match other.broadcast_to(self.shape()) {
            Ok(b) => b,
            Err(_) => panic!(
                "{}",
                crate::array::ShapeError::Incompatible {
                    left: self.shape().to_vec(),
                    right: other.shape().to_vec()
                }
            ),
        };
        let len = self.len();
        split_zip(self.view_mut(), b, grain(len), &|mut a, b| {
            a.zip_mut_with(b, &f)
        });
    }

    /// A parallel iterator over pieces of `size` indices along `axis` (the
    /// last piece may be shorter): disjoint mutable arrays, one per item.
    ///
    /// # Panics
    /// If `axis` is out of bounds or `size` is 0.
    ///
    /// ```
    /// use rayon::prelude::*;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u32, 2>([10, 4]);
    ///     a.par_axis_chunks_mut(0, 3).enumerate().for_each(|(k, mut rows)| rows.fill(k as u32));
    ///     assert_eq!(a.index_axis::<1>(1, 0).to_vec(), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    /// });
    /// ```
    #[track_caller]
    pub fn par_axis_chunks_mut(&mut self, axis: usize, size: usize) -> ParAxisChunksMut<'_, T, N> {
        ParAxisChunksMut {
            chunks: self.axis_chunks_mut(axis, size),
        }
    }
}

impl<'a, T, const N: usize> PtrArray<'a, T, N> {
    /// A sequential iterator over pieces of `size` indices along `axis`
    /// (the last may be shorter), as disjoint mutable arrays.
    ///
    /// # Panics
    /// If `axis` is out of bounds or `size` is 0.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 1>([5]);
    ///     for (k, mut piece) in a.axis_chunks_mut(0, 2).enumerate() {
    ///         piece.fill(k as u8);
    ///     }
    ///     assert_eq!(a.to_vec(), [0, 0, 1, 1, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_chunks_mut(&mut self, axis: usize, size: usize) -> AxisChunksMut<'_, T, N> {
        assert!(
            axis < N,
            "axis_chunks_mut: axis {axis} is out of bounds for a rank-{N} array"
        );
        assert!(size > 0, "axis_chunks_mut: the chunk size must not be 0");
        let len = self.shape()[axis];
        AxisChunksMut {
            rest: self.view_mut(),
            axis,
            size,
            count: len.div_ceil(size),
        }
    }
}

impl<'a, T: Sync, const N: usize> ArrayView<'a, T, N> {
    /// The sum of the elements, computed in parallel; the halves are added
    /// as a balanced tree over the serial pairwise sums, so the accuracy
    /// rule of [`sum`](ArrayView::sum) holds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([1_000_000], 0.1_f32);
    ///     assert!((a.view().par_sum() - 100_000.0).abs() < 0.1);
    /// });
    /// ```
    pub fn par_sum(&self) -> T
    where
        T: Copy + Send + Zero + Add<Output = T>,
    {
        split_reduce(
            *self,
            no_operand(self.shape()),
            grain(self.len()),
            &|a, _| a.sum(),
            &|x, y| x + y,
        )
    }

    /// The dot product with `other` (same shape), computed in parallel.
    ///
    /// # Panics
    /// If the shapes differ; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([300, 300], 2.0_f64);
    ///     let b = s.alloc_filled([300, 300], 0.5_f64);
    ///     assert_eq!(a.view().par_dot(&b), 90_000.0);
    /// });
    /// ```
    #[track_caller]
    pub fn par_dot<'b>(&self, other: impl Into<ArrayView<'b, T, N>>) -> T
    where
        T: Copy + Send + Zero + Add<Output = T> + core::ops::Mul<Output = T> + 'b,
    {
        let other = other.into();
        if other.shape() != self.shape() {
            let e = crate::array::ShapeError::ShapeMismatch {
                left: self.shape().to_vec(),
                right: other.shape().to_vec(),
            };
            panic!("par_dot: {e}");
        }
        split_reduce(
            *self,
            other,
            grain(self.len()),
            &|a, b| a.dot(b),
            &|x, y| x + y,
        )
    }
}

impl<'a, T: Sync, const N: usize> PtrArray<'a, T, N> {
    /// The sum of the elements, in parallel (see [`ArrayView::par_sum`]).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([100_000], |[i]| i as u64);
    ///     assert_eq!(a.par_sum(), 4_999_950_000);
    /// });
    /// ```
    pub fn par_sum(&self) -> T
    where
        T: Copy + Send + Zero + Add<Output = T>,
    {
        self.view().par_sum()
    }

    /// The dot product with `other`, in parallel (see [`ArrayView::par_dot`]).
    ///
    /// # Panics
    /// If the shapes differ.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([4], 3_i64);
    ///     assert_eq!(a.par_dot(&a), 36);
    /// });
    /// ```
    #[track_caller]
    pub fn par_dot<'b>(&self, other: impl Into<ArrayView<'b, T, N>>) -> T
    where
        T: Copy + Send + Zero + Add<Output = T> + core::ops::Mul<Output = T> + 'b,
    {
        self.view().par_dot(other)
    }
}

/// Sequential iterator over pieces of an array along one axis, from
/// [`PtrArray::axis_chunks_mut`].
///
/// ```
/// bumper::no_escape(|s| {
///     let mut a = s.alloc::<u8, 2>([5, 2]);
///     let it = a.axis_chunks_mut(0, 2);
///     assert_eq!(it.len(), 3);
///     let shapes: Vec<[usize; 2]> = it.map(|c| c.shape()).collect();
///     assert_eq!(shapes, [[2, 2], [2, 2], [1, 2]]);
/// });
/// ```
#[derive(Debug)]
pub struct AxisChunksMut<'a, T, const N: usize> {
    rest: PtrArray<'a, T, N>,
    axis: usize,
    size: usize,
    /// Chunks left in `rest`.
    count: usize,
}

impl<'a, T, const N: usize> AxisChunksMut<'a, T, N> {
    /// Splits off the first `index` chunks (as a new iterator) from the rest.
    fn split_chunks(self, index: usize) -> (Self, Self) {
        let at = (index * self.size).min(self.rest.shape()[self.axis]);
        let (l, r) = self.rest.into_split_at(self.axis, at);
        let left = AxisChunksMut {
            rest: l,
            axis: self.axis,
            size: self.size,
            count: index,
        };
        let right = AxisChunksMut {
            rest: r,
            axis: self.axis,
            size: self.size,
            count: self.count - index,
        };
        (left, right)
    }

    /// Takes `rest`, leaving a zero-length piece of it in its place.
    fn take_rest(&mut self) -> PtrArray<'a, T, N> {
        let mut raw = self.rest.raw;
        raw.shape[self.axis] = 0;
        // SAFETY: a zero-length array has no elements, so it aliases nothing.
        let placeholder = unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) };
        core::mem::replace(&mut self.rest, placeholder)
    }
}

impl<'a, T, const N: usize> Iterator for AxisChunksMut<'a, T, N> {
    type Item = PtrArray<'a, T, N>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.count == 0 {
            return None;
        }
        let rest = self.take_rest();
        let at = self.size.min(rest.shape()[self.axis]);
        let (first, tail) = rest.into_split_at(self.axis, at);
        self.rest = tail;
        self.count -= 1;
        Some(first)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.count, Some(self.count))
    }
}

impl<T, const N: usize> DoubleEndedIterator for AxisChunksMut<'_, T, N> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.count == 0 {
            return None;
        }
        let rest = self.take_rest();
        let at = (self.count - 1) * self.size;
        let (head, last) = rest.into_split_at(self.axis, at);
        self.rest = head;
        self.count -= 1;
        Some(last)
    }
}

impl<T, const N: usize> ExactSizeIterator for AxisChunksMut<'_, T, N> {}

/// Parallel iterator over pieces of an array along one axis, from
/// [`PtrArray::par_axis_chunks_mut`]. Indexed: it supports `enumerate`,
/// `zip`, `collect` into a `Vec` in order, and so on.
///
/// ```
/// use rayon::prelude::*;
///
/// bumper::no_escape(|s| {
///     let mut a = s.alloc::<u64, 2>([8, 3]);
///     let sums: Vec<u64> = a
///         .par_axis_chunks_mut(0, 2)
///         .map(|mut piece| {
///             piece.fill(1);
///             piece.iter().sum::<u64>()
///         })
///         .collect();
///     assert_eq!(sums, [6, 6, 6, 6]);
/// });
/// ```
#[derive(Debug)]
pub struct ParAxisChunksMut<'a, T, const N: usize> {
    chunks: AxisChunksMut<'a, T, N>,
}

impl<'a, T: Send, const N: usize> ParallelIterator for ParAxisChunksMut<'a, T, N> {
    type Item = PtrArray<'a, T, N>;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.chunks.count)
    }
}

impl<T: Send, const N: usize> IndexedParallelIterator for ParAxisChunksMut<'_, T, N> {
    fn len(&self) -> usize {
        self.chunks.count
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        callback.callback(self.chunks)
    }
}

impl<'a, T: Send, const N: usize> Producer for AxisChunksMut<'a, T, N> {
    type Item = PtrArray<'a, T, N>;
    type IntoIter = Self;

    fn into_iter(self) -> Self {
        self
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        self.split_chunks(index)
    }
}

/// What every worker thread's default buffer holds, one entry per thread of
/// the current rayon pool (in thread-index order), gathered with
/// `rayon::broadcast`. A worker that never opened a scope shows an empty
/// buffer (`reserved_bytes == 0`).
///
/// ```
/// use rayon::prelude::*;
///
/// (0..1000).into_par_iter().for_each(|i| {
///     bumper::no_escape(|s| {
///         let _scratch = s.alloc::<f64, 1>([100 + i % 7]);
///     });
/// });
/// let stats = bumper::par::worker_buffer_stats();
/// assert_eq!(stats.len(), rayon::current_num_threads());
/// assert!(stats.iter().all(|st| st.used_bytes == 0)); // every scope gave back its memory
/// ```
pub fn worker_buffer_stats() -> Vec<BufferStats> {
    rayon::broadcast(|_| crate::default_buffer_stats())
}
