//! [`Zip`]: one pass over up to six arrays of the same rank, element by
//! element, with no temporaries; and the [`azip!`](crate::azip) macro.
//!
//! The producers broadcast together as everywhere in the crate (per axis,
//! lengths equal or 1); a producer that is written to (`&mut PtrArray` or a
//! `PtrArray` by value) must have the full shape. The walk goes in memory
//! order (axes ordered by the sum of the producers' strides, so the inner
//! loop is contiguous in as many of them as possible), with neighbouring
//! axes merged when every producer allows it ([`layout::for_each_row`]): contiguous operands run
//! as one flat loop that the compiler vectorises.

use core::mem::MaybeUninit;
use core::ptr::NonNull;

use super::error::ShapeError;
use super::layout::{self, Traversal};
use super::{ArrayView, PtrArray};
use crate::Scope;

mod private {
    pub trait Sealed {}
    impl<T, const N: usize> Sealed for super::ArrayView<'_, T, N> {}
    impl<T, const N: usize> Sealed for super::PtrArray<'_, T, N> {}
}

/// An array [`Zip`] can walk: an [`ArrayView`] (its items are `&'a T`) or a
/// [`PtrArray`] (items `&'a mut T`). Sealed; [`IntoNdProducer`] says what
/// converts into one.
///
/// ```
/// use bumper::array::NdProducer;
///
/// fn item_of<P: NdProducer<2>>(_: &P) -> &'static str {
///     core::any::type_name::<P::Item>()
/// }
/// bumper::no_escape(|s| {
///     let mut a = s.alloc::<f32, 2>([2, 2]);
///     assert_eq!(item_of(&a.view()), "&f32");
///     assert_eq!(item_of(&a.view_mut()), "&mut f32");
/// });
/// ```
pub trait NdProducer<const N: usize>: private::Sealed {
    /// The element type.
    type Elem;
    /// What the closure receives for each element: `&'a T` or `&'a mut T`.
    type Item;
    /// Whether the items are written to (then the producer must have the
    /// full shape of the `Zip`).
    #[doc(hidden)]
    const WRITES: bool;
    /// Pointer to element `[0, ...]`, shape and strides.
    #[doc(hidden)]
    fn layout(&self) -> (NonNull<Self::Elem>, [usize; N], [isize; N]);
    /// The item at `p`.
    ///
    /// # Safety
    /// `p` is an element of this producer, and the item is handed out at
    /// most once for a writing producer.
    #[doc(hidden)]
    unsafe fn item(p: *mut Self::Elem) -> Self::Item;
}

impl<'a, T, const N: usize> NdProducer<N> for ArrayView<'a, T, N> {
    type Elem = T;
    type Item = &'a T;
    const WRITES: bool = false;

    #[inline]
    fn layout(&self) -> (NonNull<T>, [usize; N], [isize; N]) {
        (self.raw.ptr, self.raw.shape, self.raw.strides)
    }

    #[inline(always)]
    unsafe fn item(p: *mut T) -> &'a T {
        // SAFETY: an element of the view, readable for 'a (the caller's
        // guarantee and the view's).
        unsafe { &*p }
    }
}

impl<'a, T, const N: usize> NdProducer<N> for PtrArray<'a, T, N> {
    type Elem = T;
    type Item = &'a mut T;
    const WRITES: bool = true;

    #[inline]
    fn layout(&self) -> (NonNull<T>, [usize; N], [isize; N]) {
        (self.raw.ptr, self.raw.shape, self.raw.strides)
    }

    #[inline(always)]
    unsafe fn item(p: *mut T) -> &'a mut T {
        // SAFETY: an element of the array, which is ours for 'a; the caller
        // hands each out once, so the `&mut` do not overlap.
        unsafe { &mut *p }
    }
}

/// What [`Zip::from`] and [`Zip::and`] accept: `ArrayView`, `&ArrayView`
/// and `&PtrArray` (read), `&mut PtrArray` and `PtrArray` by value
/// (written).
///
/// ```
/// use bumper::array::Zip;
///
/// bumper::no_escape(|s| {
///     let mut y = s.alloc::<f64, 1>([3]);
///     let x = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
///     Zip::from(&mut y).and(&x).and(x.view()).for_each(|y, a, b| *y = a * b);
///     assert_eq!(y.to_vec(), [1.0, 4.0, 9.0]);
/// });
/// ```
pub trait IntoNdProducer<const N: usize> {
    /// The producer it becomes.
    type Producer: NdProducer<N>;
    /// Converts into the producer.
    fn into_producer(self) -> Self::Producer;
}

impl<'a, T, const N: usize> IntoNdProducer<N> for ArrayView<'a, T, N> {
    type Producer = ArrayView<'a, T, N>;
    #[inline]
    fn into_producer(self) -> Self::Producer {
        self
    }
}

impl<'a, T, const N: usize> IntoNdProducer<N> for &ArrayView<'a, T, N> {
    type Producer = ArrayView<'a, T, N>;
    #[inline]
    fn into_producer(self) -> Self::Producer {
        *self
    }
}

impl<'a, T, const N: usize> IntoNdProducer<N> for &'a PtrArray<'_, T, N> {
    type Producer = ArrayView<'a, T, N>;
    #[inline]
    fn into_producer(self) -> Self::Producer {
        self.view()
    }
}

impl<'a, T, const N: usize> IntoNdProducer<N> for &'a mut PtrArray<'_, T, N> {
    type Producer = PtrArray<'a, T, N>;
    #[inline]
    fn into_producer(self) -> Self::Producer {
        self.view_mut()
    }
}

impl<'a, T, const N: usize> IntoNdProducer<N> for PtrArray<'a, T, N> {
    type Producer = PtrArray<'a, T, N>;
    #[inline]
    fn into_producer(self) -> Self::Producer {
        self
    }
}

/// Elementwise traversal of up to six arrays of rank `N` at once, in one
/// pass: `Zip::from(a).and(b)...` then [`for_each`](Zip::for_each),
/// [`fold`](Zip::fold), [`map_collect_in`](Zip::map_collect_in) or
/// `par_for_each` (feature `rayon`). ndarray's `Zip`, on scope memory.
///
/// Shapes broadcast as everywhere in the crate: per axis, the lengths are
/// equal or 1, and a length-1 axis of a read producer repeats. A producer
/// that is written to must have the full shape. Shapes that do not fit
/// panic with a message naming all of them; [`try_and`](Zip::try_and)
/// returns the [`ShapeError`] instead.
///
/// Elements are visited in memory order (not necessarily row-major): the
/// inner loop runs along the axis with the smallest strides summed over the
/// producers, an axis along which those strides sum to a negative number is
/// walked backwards (forwards in memory), and contiguous operands are
/// walked as flat loops.
///
/// ```
/// use bumper::array::Zip;
///
/// bumper::no_escape(|s| {
///     let x = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
///     let b = s.alloc_from_slice([1, 3], &[10.0, 20.0, 30.0]); // broadcast down the rows
///     let mut y = s.alloc::<f64, 2>([2, 3]);
///     Zip::from(&mut y).and(&x).and(&b).for_each(|y, &x, &b| *y = 2.0 * x + b);
///     assert_eq!(y.to_vec(), [10.0, 22.0, 34.0, 16.0, 28.0, 40.0]);
///     let dot = Zip::from(&x).and(&y).fold(0.0, |acc, x, y| acc + x * y);
///     assert_eq!(dot, x.dot(&y));
/// });
/// ```
#[must_use = "a Zip does nothing until for_each, fold or map_collect_in runs it"]
pub struct Zip<P, const N: usize> {
    parts: P,
    shape: [usize; N],
    /// `Memory`, except for the crate's operations that promise the
    /// logical order.
    order: Traversal,
}

impl<P, const N: usize> core::fmt::Debug for Zip<P, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Zip").field("shape", &self.shape).finish()
    }
}

/// Raw pointers that may cross threads: `par_for_each` sends them only
/// when every item type is `Send`, and the pieces it sends are disjoint.
#[cfg(feature = "rayon")]
struct SendPtrs<P>(P);
// SAFETY: see the type's docs; `par_for_each` requires `Item: Send` of every
// producer, so moving the pointers is moving the items they stand for.
#[cfg(feature = "rayon")]
unsafe impl<P> Send for SendPtrs<P> {}

/// The shape all producers broadcast to, or why there is none.
fn joint_shape<const N: usize>(
    shapes: &[[usize; N]],
    writes: &[bool],
) -> Result<[usize; N], ShapeError> {
    let error = |written| ShapeError::ZipShapes {
        shapes: shapes.iter().map(|s| s.to_vec()).collect(),
        written,
    };
    let mut full = shapes[0];
    for shape in &shapes[1..] {
        full = layout::broadcast_shape(&full, shape).ok_or_else(|| error(None))?;
    }
    if let Some(k) = (0..shapes.len()).find(|&k| writes[k] && shapes[k] != full) {
        return Err(error(Some(k)));
    }
    Ok(full)
}

/// Flips the axes (longer than 1) along which the strides of the `K`
/// layouts sum to a negative number: their strides change sign, and the
/// returned element offsets move each layout's start to index `len - 1` of
/// every flipped axis, so the same elements are walked forwards. For an
/// empty shape nothing is flipped (and the offsets are 0); otherwise each
/// offset is that of an element of its layout.
fn flip_reversed_axes<const K: usize, const N: usize>(
    shape: &[usize; N],
    strides: &mut [[isize; N]; K],
) -> [isize; K] {
    let mut shift = [0isize; K];
    if layout::len_of(shape) == 0 {
        return shift;
    }
    for axis in 0..N {
        let total = strides
            .iter()
            .fold(0isize, |t, s| t.saturating_add(s[axis]));
        if shape[axis] > 1 && total < 0 {
            for k in 0..K {
                // Index `len - 1` is in bounds, so this is an element distance.
                shift[k] += strides[k][axis] * (shape[axis] - 1) as isize;
                strides[k][axis] = -strides[k][axis];
            }
        }
    }
    shift
}

#[cold]
#[inline(never)]
#[track_caller]
fn zip_panic(e: ShapeError) -> ! {
    panic!("{e}")
}

impl<P, const N: usize> Zip<P, N> {
    /// A `Zip` of `parts` with the full shape `shape`, without the checks
    /// of [`and`](Zip::and) (for the crate's own operations, which check
    /// shapes with their own errors).
    ///
    /// # Safety
    /// Every producer's shape broadcasts to `shape`, and every writing
    /// producer has exactly `shape`.
    pub(crate) unsafe fn from_parts_unchecked(parts: P, shape: [usize; N]) -> Self {
        Zip {
            parts,
            shape,
            order: Traversal::Memory,
        }
    }

    /// The same walk in logical row-major order (the last axis fastest),
    /// for operations whose closure may observe the order.
    pub(crate) fn in_logical_order(self) -> Self {
        Zip {
            order: Traversal::Logical,
            ..self
        }
    }
}

impl<A: NdProducer<N>, const N: usize> Zip<(A,), N> {
    /// A `Zip` over one producer; add more with [`and`](Zip::and).
    ///
    /// ```
    /// use bumper::array::Zip;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 2>([2, 2]);
    ///     Zip::from(&mut a).for_each(|x| *x = 7);
    ///     assert_eq!(a.to_vec(), [7; 4]);
    /// });
    /// ```
    #[allow(clippy::should_implement_trait)] // ndarray's name; inference needs the inherent fn
    pub fn from<I: IntoNdProducer<N, Producer = A>>(p: I) -> Self {
        let p = p.into_producer();
        let shape = p.layout().1;
        Zip {
            parts: (p,),
            shape,
            order: Traversal::Memory,
        }
    }
}

/// The methods of a `Zip` of the producers `$P` (fields `$i`).
macro_rules! zip_methods {
    ($K:literal; $($P:ident $p:ident $i:tt),+) => {
        impl<$($P: NdProducer<N>,)+ const N: usize> Zip<($($P,)+), N> {
            /// The full shape the producers broadcast to.
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let col = s.alloc::<u8, 2>([3, 1]);
            ///     let row = s.alloc::<u8, 2>([1, 4]);
            ///     assert_eq!(Zip::from(&col).and(&row).shape(), [3, 4]);
            /// });
            /// ```
            pub fn shape(&self) -> [usize; N] {
                self.shape
            }

            /// Folds over every element position once, passing the
            /// producers' items, in memory order (see [`Zip`]).
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let a = s.alloc_from_slice([3], &[1, 2, 3]);
            ///     let b = s.alloc_from_slice([3], &[4, 5, 6]);
            ///     assert_eq!(Zip::from(&a).and(&b).fold(0, |acc, x, y| acc + x * y), 32);
            /// });
            /// ```
            #[inline]
            pub fn fold<Acc>(self, init: Acc, mut f: impl FnMut(Acc, $($P::Item),+) -> Acc) -> Acc {
                let (ptrs, strides) = self.walk();
                // SAFETY: `walk` gives each producer's element pointer and
                // its strides broadcast to the full shape; a writing
                // producer has the full shape, so no stride of it is 0 on
                // an axis longer than 1 and each of its items is handed
                // out once.
                unsafe { Self::fold_raw(self.shape, self.order, ptrs, strides, init, &mut f) }
            }

            /// Calls `f` with the items of every element position once, in
            /// memory order (see [`Zip`]).
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let mut y = s.alloc::<i32, 2>([2, 2]);
            ///     let x = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
            ///     Zip::from(&mut y).and(x.t()).for_each(|y, &x| *y = 10 * x);
            ///     assert_eq!(y.to_vec(), [10, 30, 20, 40]);
            /// });
            /// ```
            #[inline]
            pub fn for_each(self, mut f: impl FnMut($($P::Item),+)) {
                self.fold((), |(), $($p),+| f($($p),+))
            }

            /// Like [`for_each`](Zip::for_each), split over rayon's
            /// workers: the longest axis is halved until pieces hold about
            /// [`MIN_ELEMS_PER_TASK`](crate::par::MIN_ELEMS_PER_TASK)
            /// elements or a few per worker, whichever is more.
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let mut y = s.alloc::<u64, 2>([300, 300]);
            ///     let x = s.alloc_with([300, 300], |[i, j]| (i * 300 + j) as u64);
            ///     Zip::from(&mut y).and(&x).par_for_each(|y, &x| *y = x + 1);
            ///     assert_eq!(y.sum(), (1..=90_000).sum());
            /// });
            /// ```
            #[cfg(feature = "rayon")]
            pub fn par_for_each(self, f: impl Fn($($P::Item),+) + Sync + Send)
            where
                $($P::Item: Send,)+
            {
                let shape = self.shape;
                let grain = crate::par::grain(layout::len_of(&shape));
                let (ptrs, strides) = self.walk();
                // SAFETY: as in `fold`; the pieces are disjoint.
                unsafe { Self::par_split(shape, SendPtrs(ptrs), &strides, grain, &f) }
            }

            /// Halves `shape` along its longest axis (in the first
            /// producer's memory) until pieces are at most `grain`
            /// elements, and folds each piece.
            ///
            /// # Safety
            /// As for `fold_raw`.
            #[cfg(feature = "rayon")]
            unsafe fn par_split(
                shape: [usize; N],
                ptrs: SendPtrs<($(NonNull<$P::Elem>,)+)>,
                strides: &[[isize; N]; $K],
                grain: usize,
                f: &(impl Fn($($P::Item),+) + Sync),
            ) where
                $($P::Item: Send,)+
            {
                let ptrs = ptrs.0;
                match crate::par::split_axis(&shape, &strides[0]) {
                    Some(axis) if layout::len_of(&shape) > grain => {
                        let mid = shape[axis] / 2;
                        let (mut left, mut right) = (shape, shape);
                        left[axis] = mid;
                        right[axis] -= mid;
                        let right_ptrs = (
                            // SAFETY: index `mid < shape[axis]` of `axis`
                            // (0 elsewhere) is in bounds of a non-empty
                            // walk, so each pointer moves to an element
                            // of its producer (or stays, stride 0).
                            $(unsafe { ptrs.$i.offset(mid as isize * strides[$i][axis]) },)+
                        );
                        let (l, r) = (SendPtrs(ptrs), SendPtrs(right_ptrs));
                        rayon::join(
                            // SAFETY: the halves cover disjoint indices of
                            // `axis`, so written items are still handed
                            // out once.
                            || unsafe { Self::par_split(left, l, strides, grain, f) },
                            // SAFETY: as above.
                            || unsafe { Self::par_split(right, r, strides, grain, f) },
                        );
                    }
                    // SAFETY: the caller's guarantee.
                    _ => unsafe { Self::fold_raw(shape, Traversal::Memory, ptrs, *strides, (), &mut |(), $($p),+| f($($p),+)) },
                }
            }

            /// Each producer's pointer and its strides broadcast to the
            /// full shape (0 on the axes where it repeats).
            ///
            /// For a memory-order walk, axes along which the producers'
            /// strides sum to a negative number are flipped (each pointer
            /// moves to the axis's last index and the strides change sign),
            /// so reversed operands are walked forwards in memory and
            /// reversed contiguous rows take the flat loop.
            fn walk(&self) -> (($(NonNull<$P::Elem>,)+), [[isize; N]; $K]) {
                let mut strides = [$({
                    let (_, shape, strides) = self.parts.$i.layout();
                    layout::broadcast_strides(&self.shape, &shape, &strides)
                        .expect("checked when the producer was added")
                }),+];
                let shift = match self.order {
                    Traversal::Memory => flip_reversed_axes(&self.shape, &mut strides),
                    Traversal::Logical => [0; $K],
                };
                let ptrs = ($(
                    // SAFETY: `shift[k]` is 0 or the offset of an element
                    // of producer `k` (`flip_reversed_axes`).
                    unsafe { self.parts.$i.layout().0.offset(shift[$i]) },
                )+);
                (ptrs, strides)
            }

            /// The traversal: rows from `for_each_row`, each a flat loop.
            ///
            /// # Safety
            /// For each producer `k`, `ptrs.k` with `strides[k]` addresses
            /// an element of it at every index of `shape`, and for a
            /// writing producer distinct indices address distinct elements.
            #[inline(always)]
            unsafe fn fold_raw<Acc>(
                shape: [usize; N],
                order: Traversal,
                ptrs: ($(NonNull<$P::Elem>,)+),
                strides: [[isize; N]; $K],
                init: Acc,
                f: &mut impl FnMut(Acc, $($P::Item),+) -> Acc,
            ) -> Acc {
                let mut acc = Some(init);
                layout::for_each_row(&shape, [$(&strides[$i]),+], order, |off, st, len| {
                    let mut a = acc.take().expect("the accumulator is put back after each row");
                    $(let $p = ptrs.$i.as_ptr().wrapping_offset(off[$i]);)+
                    if true $(&& st[$i] == 1)+ {
                        for k in 0..len {
                            // SAFETY: element `k` of a contiguous row of each
                            // producer (the function's contract).
                            a = f(a, $(unsafe { $P::item($p.add(k)) }),+);
                        }
                    } else {
                        // Indexed rather than stepped pointers: the compiler
                        // then keeps one induction variable per stride and
                        // addresses unrolled iterations from it.
                        for k in 0..len as isize {
                            // SAFETY: element `k` of the row of each producer
                            // (the function's contract), so `k * stride` is
                            // the distance to an element and fits `isize`.
                            a = f(a, $(unsafe { $P::item($p.offset(k * st[$i])) }),+);
                        }
                    }
                    acc = Some(a);
                });
                acc.expect("the accumulator is put back after each row")
            }
        }
    };
}

/// `and`, `try_and` and `map_collect_in` of a `Zip` of `$P`, adding `$Q`.
macro_rules! zip_build {
    ($Q:ident; $($P:ident $p:ident $i:tt),+) => {
        impl<$($P: NdProducer<N>,)+ const N: usize> Zip<($($P,)+), N> {
            /// Adds a producer.
            ///
            /// # Panics
            /// If the shapes do not broadcast together, or a written
            /// producer would be broadcast; the message names every shape.
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let mut a = s.alloc::<i32, 1>([3]);
            ///     let b = s.alloc_from_slice([3], &[1, 2, 3]);
            ///     let c = s.alloc_filled([1], 10); // repeats
            ///     Zip::from(&mut a).and(&b).and(&c).for_each(|a, b, c| *a = b * c);
            ///     assert_eq!(a.to_vec(), [10, 20, 30]);
            /// });
            /// ```
            #[track_caller]
            pub fn and<I: IntoNdProducer<N, Producer = $Q>, $Q: NdProducer<N>>(
                self,
                p: I,
            ) -> Zip<($($P,)+ $Q,), N> {
                match self.try_and(p) {
                    Ok(z) => z,
                    Err(e) => zip_panic(e),
                }
            }

            /// Adds a producer, or says why its shape does not fit.
            ///
            /// # Errors
            /// [`ShapeError::ZipShapes`] if the shapes do not broadcast
            /// together (`written: None`) or a written producer would be
            /// broadcast (`written: Some(its index)`).
            ///
            /// ```
            /// use bumper::array::{ShapeError, Zip};
            ///
            /// bumper::no_escape(|s| {
            ///     let mut a = s.alloc::<i32, 2>([1, 3]);
            ///     let b = s.alloc::<i32, 2>([2, 3]);
            ///     let err = Zip::from(&mut a).try_and(&b).unwrap_err();
            ///     assert_eq!(err, ShapeError::ZipShapes { shapes: vec![vec![1, 3], vec![2, 3]], written: Some(0) });
            /// });
            /// ```
            pub fn try_and<I: IntoNdProducer<N, Producer = $Q>, $Q: NdProducer<N>>(
                self,
                p: I,
            ) -> Result<Zip<($($P,)+ $Q,), N>, ShapeError> {
                let q = p.into_producer();
                let shapes = [$(self.parts.$i.layout().1,)+ q.layout().1];
                let shape = joint_shape(&shapes, &[$($P::WRITES,)+ $Q::WRITES])?;
                Ok(Zip { parts: ($(self.parts.$i,)+ q,), shape, order: self.order })
            }

            /// A new array in scope `s`, of the full shape and in row-major
            /// order, holding `f` of the items at each position. If `f`
            /// panics, the partly written array is never handed out.
            ///
            /// # Panics
            /// If `s` cannot allocate the array (as
            /// [`Scope::alloc_uninit`]).
            ///
            /// ```
            /// use bumper::array::Zip;
            ///
            /// bumper::no_escape(|s| {
            ///     let a = s.alloc_from_slice([2, 1], &[1, 2]);
            ///     let b = s.alloc_from_slice([1, 3], &[10, 20, 30]);
            ///     let c = Zip::from(&a).and(&b).map_collect_in(s, |a, b| a * b);
            ///     assert_eq!(c.shape(), [2, 3]);
            ///     assert_eq!(c.to_vec(), [10, 20, 30, 20, 40, 60]);
            /// });
            /// ```
            #[track_caller]
            pub fn map_collect_in<'s, U: Copy>(
                self,
                s: &Scope<'s>,
                mut f: impl FnMut($($P::Item),+) -> U,
            ) -> PtrArray<'s, U, N> {
                let mut out = s.alloc_uninit::<U, N>(self.shape);
                Zip { parts: ($(self.parts.$i,)+ out.view_mut(),), shape: self.shape, order: self.order }
                    .for_each(|$($p,)+ o: &mut MaybeUninit<U>| {
                        o.write(f($($p),+));
                    });
                // SAFETY: `out` has the full shape, so the walk wrote every
                // element (if `f` panics, `out` is never returned).
                unsafe { out.assume_init() }
            }
        }
    };
}

zip_methods!(1; A a 0);
zip_methods!(2; A a 0, B b 1);
zip_methods!(3; A a 0, B b 1, C c 2);
zip_methods!(4; A a 0, B b 1, C c 2, D d 3);
zip_methods!(5; A a 0, B b 1, C c 2, D d 3, E e 4);
zip_methods!(6; A a 0, B b 1, C c 2, D d 3, E e 4, F f5 5);
// Seven: only for `map_collect_in` of six producers plus the output.
zip_methods!(7; A a 0, B b 1, C c 2, D d 3, E e 4, F f5 5, G g 6);

zip_build!(B; A a 0);
zip_build!(C; A a 0, B b 1);
zip_build!(D; A a 0, B b 1, C c 2);
zip_build!(E; A a 0, B b 1, C c 2, D d 3);
zip_build!(F; A a 0, B b 1, C c 2, D d 3, E e 4);

/// `map_collect_in` for six producers (`and` stops at six).
impl<A, B, C, D, E, F, const N: usize> Zip<(A, B, C, D, E, F), N>
where
    A: NdProducer<N>,
    B: NdProducer<N>,
    C: NdProducer<N>,
    D: NdProducer<N>,
    E: NdProducer<N>,
    F: NdProducer<N>,
{
    /// A new array in scope `s`, of the full shape and in row-major order,
    /// holding `f` of the items at each position. If `f` panics, the partly
    /// written array is never handed out.
    ///
    /// # Panics
    /// If `s` cannot allocate the array (as [`Scope::alloc_uninit`]).
    ///
    /// ```
    /// use bumper::array::Zip;
    ///
    /// bumper::no_escape(|s| {
    ///     let x = s.alloc_from_slice([2], &[1, 2]);
    ///     let total = Zip::from(&x).and(&x).and(&x).and(&x).and(&x).and(&x)
    ///         .map_collect_in(s, |a, b, c, d, e, f| a + b + c + d + e + f);
    ///     assert_eq!(total.to_vec(), [6, 12]);
    /// });
    /// ```
    #[track_caller]
    pub fn map_collect_in<'s, U: Copy>(
        self,
        s: &Scope<'s>,
        mut f: impl FnMut(A::Item, B::Item, C::Item, D::Item, E::Item, F::Item) -> U,
    ) -> PtrArray<'s, U, N> {
        let mut out = s.alloc_uninit::<U, N>(self.shape);
        let (a, b, c, d, e, g) = self.parts;
        Zip {
            parts: (a, b, c, d, e, g, out.view_mut()),
            shape: self.shape,
            order: self.order,
        }
        .for_each(|a, b, c, d, e, g, o: &mut MaybeUninit<U>| {
            o.write(f(a, b, c, d, e, g));
        });
        // SAFETY: `out` has the full shape, so the walk wrote every element.
        unsafe { out.assume_init() }
    }
}

/// ndarray's `azip!`: a [`Zip`] over the listed producers running the body
/// once per element position. Each item is `pattern in producer`; use
/// `&x in &a` to get the element by value, `y in &mut b` to write.
///
/// ```
/// use bumper::azip;
///
/// bumper::no_escape(|s| {
///     let x = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
///     let b = s.alloc_filled([3], 0.5);
///     let mut y = s.alloc::<f64, 1>([3]);
///     azip!((y in &mut y, &x in &x, &b in &b) *y = 2.0 * x + b);
///     assert_eq!(y.to_vec(), [2.5, 4.5, 6.5]);
/// });
/// ```
#[macro_export]
macro_rules! azip {
    (($first_pat:pat in $first:expr $(, $pat:pat in $prod:expr)* $(,)?) $body:expr) => {
        $crate::array::Zip::from($first)
            $(.and($prod))*
            .for_each(|$first_pat $(, $pat)*| {
                $body;
            })
    };
}
